import { Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { type ExampleColumns, runColumnEpochs, runEpochs } from './training-loop.js';

describe('runColumnEpochs', () => {
  it("hands each minibatch the examples runEpochs' shuffled rows name, as contiguous slices", async () => {
    const rows = 23;
    const columns = {
      users: Int32Array.from({ length: rows }, (_, i) => 100 + i),
      items: Int32Array.from({ length: rows }, (_, i) => 200 + i),
      ratings: Float32Array.from({ length: rows }, (_, i) => i / 2),
    };
    const options = { epochs: 3, batchSize: 5 };
    const expected: number[][][] = [];
    await runEpochs(rows, options, new Rng(11), (batch) => {
      expected.push(
        [columns.users, columns.items, columns.ratings].map((column) => Array.from(batch, (r) => column[r]!)),
      );
      return 1;
    });
    const seen: number[][][] = [];
    await runColumnEpochs(columns, options, new Rng(11), (batch: ExampleColumns) => {
      seen.push([batch.users, batch.items, batch.ratings!].map((column) => Array.from(column)));
      return 1;
    });
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(3 * 5);
    expect(seen.at(-1)![0]).toHaveLength(3);
  });

  it('leaves the ratings out when the columns have none', async () => {
    const columns = { users: Int32Array.of(1, 2, 3), items: Int32Array.of(4, 5, 6) };
    const batches: ExampleColumns[] = [];
    await runColumnEpochs(columns, { epochs: 1, batchSize: 2 }, new Rng(1), (batch) => {
      batches.push(batch);
      return 1;
    });
    expect(batches.map((b) => b.ratings)).toEqual([undefined, undefined]);
    expect(batches.flatMap((b) => Array.from(b.users)).sort()).toEqual([1, 2, 3]);
  });
});
