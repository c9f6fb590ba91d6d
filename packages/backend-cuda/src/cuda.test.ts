import { backends, embeddingStrategies, Rng } from '@bloom/core';
import { adagrad, adam, sgd } from '@bloom/embeddings';
import '@bloom/hashers';
import { describeRequiring } from '@bloom/conformance';
import { expect, it } from 'vitest';
import { loadCudaAddon } from './addon.js';
import { denseBackend } from './base.js';
import { cudaBackend, encodeRowMap, probeCuda } from './index.js';

// Every row rule a device runs, with the options that change it: hashers, padding, the reserved row, k.
const RULES: [string, Record<string, unknown>][] = [
  ['dense', {}],
  ['bloom', {}],
  ['bloom', { numHashes: 2, hasher: 'xxhash32', paddingIdx: null }],
  ['bloom', { numHashes: 3, hasher: 'multiplicative', compressionRatio: 0.37 }],
  ['bloom', { numHashes: 4, reservePaddingRow: true, paddingIdx: 1, seeds: [-5, 0, 2 ** 32 - 1, 77] }],
  ['bloom', { hasher: 'xxhash32', reservePaddingRow: true, compressionRatio: 0.999 }],
  ['bloom', { hasher: 'multiplicative', seeds: [-7, 2 ** 31 + 5], numHashes: 2, compressionRatio: 0.9 }],
  ['binary', { numHashes: 2 }],
  ['quotient-remainder', { compressionRatio: 0.01 }],
];

const found = loadCudaAddon();
const addon = 'addon' in found ? found.addon : undefined;
const probe = probeCuda();
const device = 'devices' in probe;

it('is registered, and available exactly where a CUDA device answers (saying why not)', async () => {
  expect(backends.get('cuda')).toBe(cudaBackend);
  const availability = await cudaBackend.availability();
  expect(availability.available).toBe(device);
  if (!availability.available) {
    expect(availability.reason).toMatch(/no CUDA device|CUDA addon/);
    await expect(cudaBackend.create()).rejects.toThrow(/Backend 'cuda' is unavailable/);
  }
});

it("says where the dense part runs: libtensorflow's GPU kernels with tfjs-node-gpu, else tfjs cpu and why", async () => {
  // tfjs-node-gpu cannot be installed on Bloom's machines (its install script downloads libtensorflow).
  expect(await denseBackend()).toEqual({
    backend: 'cpu',
    dense: 'tfjs cpu',
    note: expect.stringMatching(
      /sequence networks.*cpu backend: @tensorflow\/tfjs-node-gpu is not installed/,
    ),
  });
});

// The kernels' arithmetic (native/row_math.cuh) compiled for the host, against the TypeScript reference that the
// other packages pin to their own references: bit-exact hashing, optimizer updates to float32 rounding.
describeRequiring(
  "the kernels' arithmetic on the host",
  'reason' in found ? found.reason : undefined,
  'BLOOM_REQUIRE_CUDA_BUILD',
  () => {
    it("the row rules (hashing) give each strategy's own rows, bit for bit", () => {
      const rng = new Rng(3);
      for (const [strategy, options] of RULES) {
        for (const numEmbeddings of [1000, 2 ** 20 + 3, 2 ** 31 - 1]) {
          const s = embeddingStrategies.get(strategy).create({ ...options, numEmbeddings, dim: 4 });
          const side = encodeRowMap(s);
          expect(side, `${strategy} has a device rule`).not.toBeNull();
          const ids = Int32Array.from({ length: 5000 }, () => rng.nextInt(numEmbeddings));
          ids.set([0, 1, numEmbeddings - 1]);
          const out = new Int32Array(ids.length * s.rowsPerId);
          addon!.mapRows(side!, ids, out, false);
          const expected = s.rowsFor(ids);
          let mismatch = -1;
          for (let i = 0; i < out.length && mismatch < 0; i++) if (out[i] !== expected[i]) mismatch = i;
          expect(mismatch, `${strategy} ${JSON.stringify(options)}, N = ${numEmbeddings}`).toBe(-1);
        }
      }
    });

    it("SGD, Adagrad and Adam elements are @bloom/embeddings' optimizers, to float32 rounding", () => {
      const rng = new Rng(4);
      const n = 64;
      const random = (scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
      for (const [kind, optimizer, params, width] of [
        [0, sgd({ kind: 'sgd', lr: 0.1, weightDecay: 0.01 }), [0.1, 0.01], 0],
        [1, adagrad({ kind: 'adagrad', lr: 0.1, weightDecay: 0.01 }), [0.1, 1e-10, 0.01], 1],
        [2, adam({ kind: 'adam', lr: 0.01, weightDecay: 0.01 }), [0.9, 0.999, 1e-8], 2],
      ] as const) {
        // One row of n: weights then state blocks, as the TypeScript tables lay them out.
        const w = random(1);
        const state = Array.from({ length: width }, () => new Float32Array(n));
        const reference = new Float32Array(n * (1 + width));
        reference.set(w);
        for (let step = 1; step <= 3; step++) {
          const grads = random(0.2);
          const all =
            kind === 2
              ? Float64Array.of(...params, 0.01 / (1 - 0.9 ** step), 1 / Math.sqrt(1 - 0.999 ** step), 0.01)
              : Float64Array.from(params);
          addon!.optimizerHost(
            kind,
            w,
            state[0] ?? new Float32Array(n),
            state[1] ?? new Float32Array(n),
            grads,
            all,
          );
          optimizer.update({
            data: reference,
            stride: n * (1 + width),
            rows: Int32Array.of(0),
            start: 0,
            end: 1,
            grads,
            dim: n,
            step,
            frozenRow: -1,
          });
        }
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(w[i]! - reference[i]!));
        expect(worst, `kind ${kind}`).toBeLessThan(1e-6);
      }
    });
  },
);

describeRequiring('on the GPU', 'reason' in probe ? probe.reason : undefined, 'BLOOM_REQUIRE_GPU', () => {
  it('the device kernel computes the host rows of every rule', () => {
    for (const [strategy, options] of RULES) {
      const s = embeddingStrategies.get(strategy).create({ ...options, numEmbeddings: 5_000_000, dim: 4 });
      const ids = Int32Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 5_000_000);
      const [onHost, onDevice] = [
        new Int32Array(ids.length * s.rowsPerId),
        new Int32Array(ids.length * s.rowsPerId),
      ];
      addon!.mapRows(encodeRowMap(s)!, ids, onHost, false);
      addon!.mapRows(encodeRowMap(s)!, ids, onDevice, true);
      expect(onDevice).toEqual(onHost);
    }
  });
});
