import { backends, Rng } from '@bloom/core';
import { adagrad, adam, sgd } from '@bloom/embeddings';
import { murmur3, SPOTLIGHT_SEEDS } from '@bloom/hashers';
import { describe, expect, it } from 'vitest';
import { loadCudaAddon } from './addon.js';
import { cudaBackend, probeCuda } from './index.js';

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

// The kernels' arithmetic (native/row_math.cuh) compiled for the host, against the TypeScript reference that the
// other packages pin to their own references: bit-exact hashing, optimizer updates to float32 rounding.
describe.skipIf(addon === undefined)(
  `the kernels' arithmetic on the host${addon === undefined ? ` (skipped: ${'reason' in found ? found.reason : ''})` : ''}`,
  () => {
    it("murmur3 rows are @bloom/hashers' murmur3 buckets, bit for bit", () => {
      const rng = new Rng(3);
      const ids = Int32Array.from({ length: 5000 }, () => rng.nextUint32() | 0);
      ids.set([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]);
      const seeds = Uint32Array.from(SPOTLIGHT_SEEDS.slice(0, 4));
      for (const m of [1, 7, 1000, 2 ** 20 + 3, 2 ** 31 - 1]) {
        const out = new Int32Array(ids.length * seeds.length);
        addon!.murmur3Rows(ids, seeds, m, out, false);
        // The product's own path: each seed's hasher writing its column of the [ids, k] rows.
        const expected = new Int32Array(out.length);
        for (const [j, seed] of seeds.entries()) {
          murmur3.create(seed).bucketInt32Array(ids, m, expected, j, seeds.length);
        }
        let mismatch = -1;
        for (let i = 0; i < out.length && mismatch < 0; i++) if (out[i] !== expected[i]) mismatch = i;
        expect(mismatch, `first mismatch at m = ${m}`).toBe(-1);
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

describe.skipIf(!device)(
  `on the GPU${device ? '' : ` (skipped: ${'reason' in probe ? probe.reason : ''})`}`,
  () => {
    it('the device kernel computes the host rows', () => {
      const ids = Int32Array.from({ length: 100_000 }, (_, i) => i * 7919 - 50_000);
      const seeds = Uint32Array.from(SPOTLIGHT_SEEDS.slice(0, 4));
      const [onHost, onDevice] = [new Int32Array(400_000), new Int32Array(400_000)];
      addon!.murmur3Rows(ids, seeds, 1_000_003, onHost, false);
      addon!.murmur3Rows(ids, seeds, 1_000_003, onDevice, true);
      expect(onDevice).toEqual(onHost);
    });
  },
);
