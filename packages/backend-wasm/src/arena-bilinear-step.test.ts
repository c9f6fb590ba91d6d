import {
  ConfigError,
  embeddingStrategies,
  type FusedEmbedding,
  IdRangeError,
  type OptimizerConfig,
  Rng,
} from '@bloom/core';
import { hostTable, SparseEmbedding } from '@bloom/embeddings';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ArenaBilinearStep, type BilinearTables } from './arena-bilinear-step.js';
import { KernelMemory } from './kernels/kernel-memory.js';
import { WasmAdapter } from './wasm-adapter.js';

const adapter = new WasmAdapter('wasm', 'cpu', { device: 'test', details: {} });

type Spec = { strategy: string; options: Record<string, unknown> };

/** A factorization model's four tables on the wasm adapter, in one group (as @bloom/models' BilinearNet makes them). */
function tables(
  numUsers: number,
  numItems: number,
  dim: number,
  optimizer: OptimizerConfig,
  sides: { users: Spec; items: Spec },
  group = { name: 'test' },
): BilinearTables {
  const embed = (spec: Spec, n: number, d: number, seed: number): FusedEmbedding => {
    const strategy = embeddingStrategies
      .get(spec.strategy)
      .create({ ...spec.options, numEmbeddings: n, dim: d });
    const init = seed === 0 ? new Float32Array(strategy.tableRows * d) : undefined;
    return SparseEmbedding.create({ strategy, adapter, optimizer, seed, group, init });
  };
  const dense = { strategy: 'dense', options: {} };
  return {
    users: embed(sides.users, numUsers, dim, 1),
    items: embed(sides.items, numItems, dim, 2),
    userBias: embed(dense, numUsers, 1, 0),
    itemBias: embed(dense, numItems, 1, 0),
  };
}

/**
 * The step computed the slow way, as an independent check of the in-place one: each table's own `lookup` and
 * `applyGradients` (which copy through scratch), with the same score and gradient kernels run on copies.
 */
class CopyingStep {
  readonly memory = KernelMemory.create(0)!;
  constructor(
    readonly net: BilinearTables,
    readonly n: number,
  ) {}

  run(users: Int32Array, items: Int32Array, grads: Float32Array): { pos: Float32Array; neg: Float32Array } {
    const { net, n, memory } = this;
    const b = users.length;
    const m = items.length;
    const d = net.users.strategy.dim;
    const look = (e: FusedEmbedding, ids: Int32Array) => {
      const rows = (e as SparseEmbedding).rowsFor(ids);
      return { rows, values: hostTable(e.table).lookup(rows, e.strategy.rowsPerId, e.strategy.combine) };
    };
    const [u, it, bu, bi] = [
      look(net.users, users),
      look(net.items, items),
      look(net.userBias, users),
      look(net.itemBias, items),
    ];
    // One region per operand, in the order of the kernels' arguments.
    const sizes = [b * d, m * d, b, m, b, m - b, b, m - b, b * d, m * d];
    const at: number[] = [];
    let end = 0;
    for (const size of sizes) {
      at.push(end);
      end += Math.ceil((size * 4) / 16) * 16;
    }
    memory.reserve(end);
    for (const [i, v] of [u.values, it.values, bu.values, bi.values].entries())
      memory.f32(at[i]!, v.length).set(v);
    memory.kernels.bilinear_scores(
      at[0]!,
      at[1]!,
      at[1]! + b * d * 4,
      at[2]!,
      at[3]!,
      at[3]! + b * 4,
      b,
      n,
      d,
      at[4]!,
      at[5]!,
    );
    const pos = memory.f32(at[4]!, b).slice();
    const neg = memory.f32(at[5]!, m - b).slice();
    memory.f32(at[6]!, b).set(grads.subarray(0, b));
    memory.f32(at[7]!, m - b).set(grads.subarray(b));
    memory.kernels.bilinear_backward(at[0]!, at[1]!, at[6]!, at[7]!, b, n, d, at[8]!, at[9]!);
    const dU = memory.f32(at[8]!, b * d).slice();
    const dI = memory.f32(at[9]!, m * d).slice();
    const dBu = new Float32Array(b);
    const dBi = new Float32Array(m);
    for (let i = 0; i < b; i++) {
      let sum = grads[i]!;
      dBi[i] = sum;
      for (let j = 0; j < n; j++) {
        const g = grads[b + i * n + j]!;
        sum += g;
        dBi[b + i * n + j] = g;
      }
      dBu[i] = sum;
    }
    const apply = (e: FusedEmbedding, rows: Int32Array, g: Float32Array) =>
      hostTable(e.table).applyGradients(rows, e.strategy.rowsPerId, e.strategy.combine, g);
    apply(net.users, u.rows, dU);
    apply(net.items, it.rows, dI);
    apply(net.userBias, bu.rows, dBu);
    apply(net.itemBias, bi.rows, dBi);
    return { pos, neg };
  }
}

// The in-place step against the copying one: the same floats, bit for bit, for every row rule (k 1 and 3, sum and
// mean, the padding row), optimizer, batch shape and thread count (threads split examples, columns and rows, never
// one float's additions).
describe('ArenaBilinearStep', () => {
  const sides: { users: Spec; items: Spec }[] = [
    { users: { strategy: 'dense', options: {} }, items: { strategy: 'dense', options: {} } },
    {
      users: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 3, combine: 'mean' } },
      items: { strategy: 'bloom', options: { compressionRatio: 0.3, numHashes: 3 } },
    },
    {
      users: { strategy: 'quotient-remainder', options: { compressionRatio: 0.25 } },
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
      for (const [n, threads] of [
        [0, 1],
        [1, 1],
        [3, 1],
        [1, 2],
        [3, 3],
      ] as const)
        it(`equals the copying path (rules ${s}, ${optimizer.kind}, ${n} negatives, ${threads} threads)`, async () => {
          const inPlaceNet = tables(40, 300, 10, optimizer, spec);
          const copyingNet = tables(40, 300, 10, optimizer, spec, { name: 'copy' });
          const inPlace = ArenaBilinearStep.create(inPlaceNet, n, threads);
          if (typeof inPlace === 'string') throw new Error(inPlace);
          onTestFinished(() => inPlace.dispose());
          expect(inPlace.threads).toBe(threads);
          const copying = new CopyingStep(copyingNet, n);
          const rng = new Rng(9);
          for (const b of [64, 64, 5, 200]) {
            const users = Int32Array.from({ length: b }, () => rng.nextInt(40));
            const items = Int32Array.from({ length: b * (1 + n) }, () =>
              rng.nextInt(rng.next() < 0.5 ? 300 : 20),
            );
            const grads = Float32Array.from({ length: b * (1 + n) }, () => rng.next() - 0.5);
            inPlace.resize(b);
            inPlace.users.set(users);
            inPlace.items.set(items);
            inPlace.forward();
            inPlace.dPos.set(grads.subarray(0, b));
            inPlace.dNeg.set(grads.subarray(b));
            const expected = copying.run(users, items, grads);
            expect(inPlace.pos).toEqual(expected.pos);
            expect(inPlace.neg).toEqual(expected.neg);
            inPlace.backward();
            for (const name of ['users', 'items', 'userBias', 'itemBias'] as const) {
              const [a, c] = [inPlaceNet[name].table, copyingNet[name].table];
              expect(await a.read(), name).toEqual(await c.read());
              expect(await a.readState(), name).toEqual(await c.readState());
            }
          }
        });

  const dense = { users: { strategy: 'dense', options: {} }, items: { strategy: 'dense', options: {} } };

  // Hash embeddings (the weights' lookup and update stay on this thread, their gradients come from the threads'
  // column bands) and a table too large for a direct map (hashed numbering): threads give one thread's floats.
  it('gives the same floats on 2 and 3 threads as on one, with hash embeddings and a large table', async () => {
    const bloomUsers = { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } };
    const hashItems = { strategy: 'hash', options: { compressionRatio: 0.4, importanceRows: 'per-id' } };
    for (const [sides, numItems] of [
      [{ users: bloomUsers, items: hashItems }, 300],
      [{ users: bloomUsers, items: { strategy: 'dense', options: {} } }, 200_000],
    ] as const) {
      const nets = [1, 2, 3].map((t) =>
        tables(40, numItems, 12, { kind: 'adam', lr: 0.05 }, sides, { name: `threads ${t}` }),
      );
      const steps = nets.map((net, t) => ArenaBilinearStep.create(net, 2, t + 1) as ArenaBilinearStep);
      onTestFinished(() => {
        for (const step of steps) step.dispose();
      });
      const rng = new Rng(4);
      for (const b of [50, 7, 120]) {
        const users = Int32Array.from({ length: b }, () => rng.nextInt(40));
        const items = Int32Array.from({ length: 3 * b }, () => rng.nextInt(rng.next() < 0.5 ? numItems : 20));
        const grads = Float32Array.from({ length: 3 * b }, () => rng.next() - 0.5);
        for (const step of steps) {
          step.resize(b);
          step.users.set(users);
          step.items.set(items);
          step.forward();
          expect(step.pos).toEqual(steps[0]!.pos);
          expect(step.neg).toEqual(steps[0]!.neg);
          step.dPos.set(grads.subarray(0, b));
          step.dNeg.set(grads.subarray(b));
          step.backward();
        }
      }
      for (const name of ['users', 'items', 'userBias', 'itemBias'] as const) {
        const floats = async (net: BilinearTables) => [
          await net[name].table.read(),
          ...Object.values(await net[name].table.readState()),
        ];
        const expected = await floats(nets[0]!);
        expect(expected[0]!.some((x) => x !== 0)).toBe(true);
        for (const [t, net] of nets.entries()) {
          // Bit for bit, by hand: a deep equality over a million floats takes minutes.
          const differing = (await floats(net)).map((got, i) => firstDifference(got, expected[i]!));
          expect(differing, `${name}, ${t + 1} threads`).toEqual(expected.map(() => -1));
        }
      }
    }
  });

  it('refuses ids outside a side, naming the id, before any table changes', async () => {
    const net = tables(10, 20, 4, { kind: 'adam', lr: 0.1 }, dense);
    const step = ArenaBilinearStep.create(net, 1) as ArenaBilinearStep;
    const before = await net.items.table.read();
    step.resize(3);
    step.users.set([1, 2, 3]);
    step.items.set([4, 5, 20, 1, 2, 3]);
    expect(() => step.forward()).toThrow(IdRangeError);
    expect(await net.items.table.read()).toEqual(before);
  });

  it('refuses a batch whose buffers cannot fit beside the tables, naming batchSize', () => {
    const step = ArenaBilinearStep.create(
      tables(10, 20, 32, { kind: 'sgd', lr: 0.1 }, dense),
      1,
    ) as ArenaBilinearStep;
    expect(() => step.resize(2 ** 23)).toThrow(ConfigError);
    expect(() => step.resize(2 ** 23)).toThrow(/batchSize/);
    step.resize(4); // still usable at a size that fits
    step.users.set([1, 2, 3, 4]);
    step.items.set([5, 6, 7, 8, 9, 10, 11, 12]);
    step.forward();
    expect(step.pos).toHaveLength(4);
  });

  it('says why where the tables are not wasm tables of one arena', () => {
    const net = tables(10, 20, 4, { kind: 'adam', lr: 0.1 }, dense);
    const other = tables(10, 20, 4, { kind: 'adam', lr: 0.1 }, dense, { name: 'other' });
    expect(ArenaBilinearStep.create({ ...net, itemBias: other.itemBias }, 1)).toMatch(
      /itemBias table does not share the users table's WebAssembly memory/,
    );
    const matmul = { strategy: 'binary', options: {} };
    expect(
      ArenaBilinearStep.create(tables(10, 20, 4, { kind: 'sgd', lr: 0.1 }, { ...dense, items: matmul }), 1),
    ).toMatch(/items table is not a WebAssembly table/);
  });
});

/** The first index where two arrays' floats differ bit for bit (or their lengths differ), else -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const [x, y] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
