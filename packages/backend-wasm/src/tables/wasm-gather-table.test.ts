import { type CombineMode, IdRangeError, type OptimizerConfig, Rng } from '@bloom/core';
import { createTypedArrayTable, GatherTable, RowSlots } from '@bloom/embeddings';
import { describe, expect, it } from 'vitest';
import { rowKernelsAvailable } from '../kernels/kernel-memory.js';
import { WasmAdapter } from '../wasm-adapter.js';
import { createWasmTable } from './create-wasm-table.js';
import { slotHashBytes, WasmGatherTable } from './wasm-gather-table.js';

const optimizers: OptimizerConfig[] = [
  { kind: 'sgd', lr: 0.1, weightDecay: 0.01 },
  { kind: 'adagrad', lr: 0.1, initialAccumulator: 0.1, weightDecay: 0.01 },
  { kind: 'rowwise-adagrad', lr: 0.1 },
  { kind: 'adam', lr: 0.01, weightDecay: 0.01 },
];

/** Largest error, relative to the value where it exceeds 1 (Adagrad's accumulators grow into the hundreds). */
function maxError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

// The SIMD kernels against the TypeScript table (itself pinned to tfjs and a scalar reference by the
// conformance suite): widths with and without a SIMD tail, k up to 5 with duplicate rows, sum and mean, a frozen
// row, batches that grow the memory between steps, and every optimizer.
describe('WasmGatherTable', () => {
  it('is available in Node', () => {
    expect(rowKernelsAvailable()).toBe(true);
  });

  for (const optimizer of optimizers)
    it(`equals GatherTable step after step (${optimizer.kind})`, async () => {
      const rng = new Rng(11);
      for (const dim of [1, 4, 6, 32])
        for (const k of [1, 2, 5])
          for (const combine of ['sum', 'mean'] as CombineMode[]) {
            const rows = 37;
            const options = { rows, dim, optimizer, frozenRow: 3 };
            const init = Float32Array.from({ length: rows * dim }, () => rng.next() - 0.5);
            init.fill(0, 3 * dim, 4 * dim);
            const wasm = WasmGatherTable.create(options, init)!;
            const plain = new GatherTable(options, init);
            for (const batch of [3, 50, 2000, 7]) {
              const ids = Int32Array.from({ length: batch * k }, () => rng.nextInt(rows));
              const grads = Float32Array.from({ length: batch * dim }, () => rng.next() - 0.5);
              const label = `dim ${dim}, k ${k}, ${combine}, batch ${batch}`;
              expect(
                maxError(wasm.lookup(ids, k, combine), plain.lookup(ids, k, combine)),
                label,
              ).toBeLessThan(1e-6);
              wasm.applyGradients(ids, k, combine, grads);
              plain.applyGradients(ids, k, combine, grads);
              expect(maxError(await wasm.read(), await plain.read()), label).toBeLessThan(1e-5);
            }
            const state = await plain.readState();
            const wasmState = await wasm.readState();
            expect(Object.keys(wasmState)).toEqual(Object.keys(state));
            for (const name of Object.keys(state))
              expect(maxError(wasmState[name]!, state[name]!), name).toBeLessThan(1e-5);
            expect(Array.from((await wasm.read()).subarray(3 * dim, 4 * dim))).toEqual(
              new Array(dim).fill(0),
            );
          }
    });

  it('dots combined rows with a vector as a float64 dot of the looked-up vectors does, and refuses bad rows', () => {
    const rng = new Rng(13);
    for (const dim of [1, 6, 32])
      for (const k of [1, 4])
        for (const combine of ['sum', 'mean'] as CombineMode[]) {
          const rows = 50;
          const init = Float32Array.from({ length: rows * dim }, () => rng.next() - 0.5);
          const table = WasmGatherTable.create({ rows, dim, optimizer: optimizers[0]! }, init)!;
          const batch = 70;
          const ids = Int32Array.from({ length: batch * k }, () => rng.nextInt(rows));
          const vector = Float32Array.from({ length: dim }, () => rng.next() - 0.5);
          const vectors = table.lookup(ids, k, combine);
          const want = Float64Array.from({ length: batch }, (_, b) =>
            vector.reduce((sum, v, c) => sum + v * vectors[b * dim + c]!, 0),
          );
          const got = table.dotRows(ids, k, combine, vector);
          const label = `dim ${dim}, k ${k}, ${combine}`;
          for (let b = 0; b < batch; b++) expect(Math.abs(got[b]! - want[b]!), label).toBeLessThan(1e-5);
          ids[5] = rows;
          expect(() => table.dotRows(ids, k, combine, vector)).toThrow(IdRangeError);
          expect(() => table.dotRows(ids.subarray(0, k), k, combine, vector.subarray(1))).toThrow(/vector/);
        }
  });

  it('numbers distinct rows with the hash table beyond the direct map (2^17 rows), with the same result', async () => {
    const rng = new Rng(12);
    const rows = 2 ** 17 + 5;
    const options = { rows, dim: 4, optimizer: { kind: 'adam', lr: 0.1 }, frozenRow: 0 } as const;
    const wasm = WasmGatherTable.create(options)!;
    const plain = new GatherTable(options);
    for (let step = 0; step < 3; step++) {
      // Few distinct rows, so most are duplicates, plus the last row and the frozen one.
      const ids = Int32Array.from({ length: 300 }, () => rng.nextInt(40) * 3000);
      ids.set([rows - 1, 0]);
      const grads = Float32Array.from({ length: 150 * 4 }, () => rng.next() - 0.5);
      wasm.applyGradients(ids, 2, 'mean', grads);
      plain.applyGradients(ids, 2, 'mean', grads);
    }
    expect(maxError(await wasm.read(), await plain.read())).toBeLessThan(1e-6);
    expect(Array.from((await wasm.read()).subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('refuses rows outside the table before any kernel reads them, changing nothing', async () => {
    const options = { rows: 10, dim: 4, optimizer: { kind: 'adam', lr: 0.1 } } as const;
    const init = Float32Array.from({ length: 40 }, (_, i) => i);
    const table = WasmGatherTable.create(options, init)!;
    for (const bad of [Int32Array.of(1, 2, 3, 4, 5, 10), Int32Array.of(0, 1, 2, 3, 4, 5, 6, -1)]) {
      expect(() => table.lookup(bad, 1, 'sum')).toThrow(IdRangeError);
      expect(() => table.applyGradients(bad, 1, 'sum', new Float32Array(bad.length * 4).fill(1))).toThrow(
        /table row in \[0, 9\]/,
      );
    }
    expect(() => table.lookup(Int32Array.of(1, 2, 3), 2, 'sum')).toThrow(/k: expected a positive integer/);
    expect(Array.from(await table.read())).toEqual(Array.from(init));
  });

  it('writes lookups into a caller buffer and keeps dense mode on the TypeScript path', async () => {
    const options = { rows: 10, dim: 5, optimizer: { kind: 'adam', lr: 0.1 }, updateMode: 'dense' } as const;
    const init = Float32Array.from({ length: 50 }, (_, i) => i / 50);
    const wasm = WasmGatherTable.create(options, init)!;
    const plain = new GatherTable(options, init);
    const out = new Float32Array(10);
    expect(wasm.lookup(Int32Array.of(2, 9), 1, 'sum', out)).toBe(out);
    for (const t of [wasm, plain])
      t.applyGradients(Int32Array.of(2, 2), 1, 'sum', new Float32Array(10).fill(1));
    expect(maxError(await wasm.read(), await plain.read())).toBeLessThan(1e-6);
  });

  it('restores checkpointed state into a fresh table (the state widens in place)', async () => {
    const options = { rows: 6, dim: 3, optimizer: { kind: 'adam', lr: 0.1 } } as const;
    const a = WasmGatherTable.create(options)!;
    a.applyGradients(Int32Array.of(1, 4), 1, 'sum', Float32Array.of(1, -1, 2, 0.5, 0.5, 0.5));
    const b = WasmGatherTable.create(options)!;
    await b.write(await a.read());
    await b.writeState(await a.readState());
    for (const t of [a, b]) t.applyGradients(Int32Array.of(4, 5), 1, 'sum', new Float32Array(6).fill(0.25));
    expect(Array.from(await b.read())).toEqual(Array.from(await a.read()));
    expect(b.memory().optimizerStateBytes).toBe(6 * 3 * 2 * 4);
  });

  it('leaves tables that could outgrow 4 GiB with their optimizer state to the TypeScript table', () => {
    // 2^26 rows of 8 weights and Adam's 16 state floats: 6 GiB. The same rows with SGD (2 GiB) fit.
    const huge = { rows: 2 ** 26, dim: 8, optimizer: { kind: 'adam', lr: 1 } } as const;
    expect(WasmGatherTable.create(huge)).toBeNull();
    const small = { rows: 4, dim: 2, optimizer: { kind: 'sgd', lr: 1 } } as const;
    expect(createWasmTable(small)).toBeInstanceOf(WasmGatherTable);
    expect(createTypedArrayTable(small)).toBeInstanceOf(GatherTable);
    expect(createWasmTable({ ...small, formulation: 'multi-hot-matmul' })).not.toBeInstanceOf(
      WasmGatherTable,
    );
  });

  it("puts a group's tables in one arena, and keeps each table's rows through the arena's growth", async () => {
    const adapter = new WasmAdapter('wasm', 'cpu', { device: 'test', details: {} });
    const group = { name: 'model' };
    const options = { rows: 6, dim: 3, optimizer: { kind: 'adam', lr: 0.1 }, group } as const;
    const weights = Float32Array.from({ length: 18 }, (_, i) => i / 4);
    const a = adapter.createTable(options, weights) as WasmGatherTable;
    const b = adapter.createTable({ ...options, rows: 4 }) as WasmGatherTable;
    const other = adapter.createTable({ ...options, group: { name: 'model' } }) as WasmGatherTable;
    expect(b.arena).toBe(a.arena);
    expect(other.arena).not.toBe(a.arena);
    const reference = new GatherTable({ rows: 6, dim: 3, optimizer: { kind: 'adam', lr: 0.1 } }, weights);
    const grads = Float32Array.from({ length: 9 }, (_, i) => i - 4);
    for (const t of [a, reference]) t.applyGradients(Int32Array.of(5, 1, 5), 1, 'sum', grads);
    // A table added later grows the shared memory past what a's views were made on.
    const big = adapter.createTable({ ...options, rows: 200_000 }) as WasmGatherTable;
    expect(big.arena).toBe(a.arena);
    for (const t of [a, reference]) t.applyGradients(Int32Array.of(2, 5), 1, 'sum', grads.subarray(0, 6));
    expect(Array.from(await a.read())).toEqual(Array.from(await reference.read()));
    expect(Array.from(a.lookup(Int32Array.of(5, 2), 1, 'sum'))).toEqual(
      Array.from(reference.lookup(Int32Array.of(5, 2), 1, 'sum')),
    );
    expect(Array.from(await b.read())).toEqual(new Array(12).fill(0));
  });

  // A shared memory's growth leaves the old views valid but on another buffer object; a table that kept its view
  // sent every later update to the TypeScript optimizer (float64 arithmetic, and many times slower).
  it("keeps updating with its kernel after the arena's memory grows", async () => {
    const adapter = new WasmAdapter('wasm', 'cpu', { device: 'test', details: {} });
    const options = { rows: 64, dim: 8, optimizer: { kind: 'adam', lr: 0.05 } } as const;
    const rng = new Rng(5);
    const init = Float32Array.from({ length: 64 * 8 }, () => rng.next() - 0.5);
    const [grown, steady] = ['grown', 'steady'].map(
      (name) => adapter.createTable({ ...options, group: { name } }, init) as WasmGatherTable,
    );
    for (let step = 0; step < 6; step++) {
      const ids = Int32Array.from({ length: 40 }, () => rng.nextInt(64));
      const grads = Float32Array.from({ length: 40 * 8 }, () => rng.next() - 0.5);
      if (step === 2) adapter.createTable({ ...options, rows: 300_000, group: { name: 'grown' } });
      for (const t of [grown!, steady!]) t.applyGradients(ids, 1, 'sum', grads);
    }
    // What decides the path: the rows' view is on the memory's current buffer, as the kernel's operands are.
    for (const t of [grown!, steady!])
      expect((t as unknown as { data: Float32Array }).data.buffer).toBe(t.arena.memory.buffer);
    // Bit for bit: the TypeScript fallback rounds differently.
    expect(await grown!.read()).toEqual(await steady!.read());
  });

  it('numbers the rows of tables too large for a direct map with the hash kernel, as RowSlots does', () => {
    const rows = 300_000;
    const table = WasmGatherTable.create({ rows, dim: 1, optimizer: { kind: 'sgd', lr: 1 }, frozenRow: 7 })!;
    const rng = new Rng(3);
    const ids = Int32Array.from({ length: 5000 }, (_, i) =>
      i % 9 === 0 ? 7 : rng.nextInt(i % 2 ? 40 : rows),
    );
    const memory = table.arena.memory;
    const at = table.arena.scratch(3 * ids.length * 4 + slotHashBytes(ids.length));
    memory.i32(at, ids.length).set(ids);
    const count = table.assignSlotsAt(
      at,
      ids.length,
      at + 4 * ids.length,
      at + 8 * ids.length,
      at + 12 * ids.length,
    );
    const slots = new RowSlots(rows);
    slots.reset(ids.length);
    const expected = Array.from(ids, (row) => (row === 7 ? -1 : slots.slotOf(row)));
    expect(count).toBe(slots.count);
    expect(Array.from(memory.i32(at + 4 * ids.length, ids.length))).toEqual(expected);
    expect(Array.from(memory.i32(at + 8 * ids.length, count))).toEqual(
      Array.from(slots.rows.subarray(0, count)),
    );
  });
});
