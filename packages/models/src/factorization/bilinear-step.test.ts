import { ConfigError, IdRangeError, type OptimizerConfig, Rng } from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import { describe, expect, it } from 'vitest';
import { ArenaBilinearStep } from './arena-bilinear-step.js';
import { BilinearNet } from './bilinear-net.js';
import { BilinearStep, createBilinearStep } from './bilinear-step.js';
import { resolveFactorizationConfig } from './factorization-config.js';

const typescript = new TypedArrayAdapter('typescript', 'cpu', { device: 'test', details: {} });
const wasm = new TypedArrayAdapter('wasm', 'cpu', { device: 'test', details: {} }, 'wasm');

function maxError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

// The SIMD scores and gradients (wasm/row-kernels.wat) against the TypeScript loops, on identical nets: widths
// with and without a SIMD tail, no negatives (explicit models), one (BPR) and several (adaptive hinge).
describe('BilinearStep', () => {
  for (const dim of [1, 6, 32])
    for (const n of [0, 1, 3])
      it(`the WebAssembly kernels give the TypeScript loops' scores and updates (d ${dim}, ${n} negatives)`, async () => {
        const optimizer: OptimizerConfig = { kind: 'adam', lr: 0.05 };
        const config = resolveFactorizationConfig({
          numUsers: 30,
          numItems: 50,
          dim,
          optimizer,
          items: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } },
          seed: 3,
        });
        const steps = [true, false].map(
          (kernels) => new BilinearStep(new BilinearNet(config, typescript), n, kernels),
        );
        expect(steps.map((s) => s.usesKernels)).toEqual([true, false]);
        const rng = new Rng(4);
        for (const b of [7, 64, 7]) {
          const users = Int32Array.from({ length: b }, () => rng.nextInt(30));
          const items = Int32Array.from({ length: b * (1 + n) }, () => rng.nextInt(50));
          const grads = Float32Array.from({ length: b * (1 + n) }, () => rng.next() - 0.5);
          for (const step of steps) {
            step.resize(b);
            step.users.set(users);
            step.items.set(items);
            step.forward();
          }
          const [wasm, plain] = steps as [BilinearStep, BilinearStep];
          expect(maxError(wasm.pos, plain.pos)).toBeLessThan(1e-5);
          expect(maxError(wasm.neg, plain.neg)).toBeLessThan(1e-5);
          for (const step of steps) {
            step.dPos.set(grads.subarray(0, b));
            step.dNeg.set(grads.subarray(b));
            step.backward();
          }
          for (const [name, table] of Object.entries(wasm.net.embeddings()))
            expect(
              maxError(await table.table.read(), await plain.net.embeddings()[name]!.table.read()),
              name,
            ).toBeLessThan(1e-5);
        }
      });
});

/** 10 users and 20 items, dense, for the in-place step's error paths. */
function smallConfig(dim: number, optimizer: OptimizerConfig) {
  return resolveFactorizationConfig({ numUsers: 10, numItems: 20, dim, optimizer });
}

// The in-place step against BilinearStep's kernel path, which copies through each table's methods: the same
// floats, bit for bit, for every row rule (k 1 and 3, sum and mean, the padding row), optimizer and batch shape.
describe('ArenaBilinearStep', () => {
  const sides = [
    { users: { strategy: 'dense', options: {} }, items: { strategy: 'dense', options: {} } },
    {
      users: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 3, combine: 'mean' } },
      items: { strategy: 'bloom', options: { compressionRatio: 0.3, numHashes: 3 } },
    },
    {
      users: { strategy: 'quotient-remainder', options: { numCollisions: 4 } },
      items: { strategy: 'dense', options: { paddingIdx: 0 } },
    },
  ];
  const optimizers: OptimizerConfig[] = [
    { kind: 'adam', lr: 0.05, weightDecay: 0.01 },
    { kind: 'adagrad', lr: 0.1 },
    { kind: 'sgd', lr: 0.1 },
  ];
  for (const [s, spec] of sides.entries())
    for (const optimizer of optimizers)
      for (const n of [0, 1, 3])
        it(`equals the copying kernel path (rules ${s}, ${optimizer.kind}, ${n} negatives)`, async () => {
          const config = resolveFactorizationConfig({
            numUsers: 40,
            numItems: 300,
            dim: 6,
            optimizer,
            seed: 5,
            ...spec,
          });
          const inPlace = createBilinearStep(new BilinearNet(config, wasm), n, true);
          const copying = new BilinearStep(new BilinearNet(config, wasm), n, true);
          expect(inPlace).toBeInstanceOf(ArenaBilinearStep);
          const rng = new Rng(9);
          for (const b of [64, 64, 5, 200]) {
            const users = Int32Array.from({ length: b }, () => rng.nextInt(40));
            const items = Int32Array.from({ length: b * (1 + n) }, () =>
              rng.nextInt(rng.next() < 0.5 ? 300 : 20),
            );
            const grads = Float32Array.from({ length: b * (1 + n) }, () => rng.next() - 0.5);
            for (const step of [inPlace, copying]) {
              step.resize(b);
              step.users.set(users);
              step.items.set(items);
              step.forward();
              step.dPos.set(grads.subarray(0, b));
              step.dNeg.set(grads.subarray(b));
            }
            expect(inPlace.pos).toEqual(copying.pos);
            expect(inPlace.neg).toEqual(copying.neg);
            for (const step of [inPlace, copying]) step.backward();
            for (const [name, e] of Object.entries(inPlace.net.embeddings())) {
              const other = copying.net.embeddings()[name]!.table;
              expect(await e.table.read(), name).toEqual(await other.read());
              expect(await e.table.readState(), name).toEqual(await other.readState());
            }
          }
        });

  it('refuses ids outside a side, naming the id, before any table changes', async () => {
    const config = smallConfig(4, { kind: 'adam', lr: 0.1 });
    const step = createBilinearStep(new BilinearNet(config, wasm), 1, true);
    const before = await step.net.items.table.read();
    step.resize(3);
    step.users.set([1, 2, 3]);
    step.items.set([4, 5, 20, 1, 2, 3]);
    expect(() => step.forward()).toThrow(IdRangeError);
    expect(await step.net.items.table.read()).toEqual(before);
  });

  it('refuses a batch whose buffers cannot fit beside the tables, naming batchSize', () => {
    const config = smallConfig(32, { kind: 'sgd', lr: 0.1 });
    const step = createBilinearStep(new BilinearNet(config, wasm), 1, true);
    expect(() => step.resize(2 ** 23)).toThrow(ConfigError);
    expect(() => step.resize(2 ** 23)).toThrow(/batchSize/);
    step.resize(4); // still usable at a size that fits
    step.users.set([1, 2, 3, 4]);
    step.items.set([5, 6, 7, 8, 9, 10, 11, 12]);
    step.forward();
    expect(step.pos).toHaveLength(4);
  });

  it('is not used where the tables do not share an arena', () => {
    const config = smallConfig(4, { kind: 'adam', lr: 0.1 });
    expect(createBilinearStep(new BilinearNet(config, typescript), 1, true)).toBeInstanceOf(BilinearStep);
    expect(createBilinearStep(new BilinearNet(config, wasm), 1, false)).toBeInstanceOf(BilinearStep);
  });
});
