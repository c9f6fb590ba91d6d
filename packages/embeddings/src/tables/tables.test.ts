import { ConfigError } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { createBloomStrategy } from '../strategies/bloom.js';
import { createDenseStrategy } from '../strategies/dense.js';
import { createTypedArrayTable } from './create-table.js';

describe('typed-array tables', () => {
  it('sum and mean lookups, including duplicate rows within an id', () => {
    const table = createTypedArrayTable(
      { rows: 3, dim: 2, optimizer: { kind: 'sgd', lr: 1 } },
      Float32Array.of(1, 2, 10, 20, 100, 200),
    );
    expect(Array.from(table.lookup(Int32Array.of(0, 2, 1, 1), 2, 'sum'))).toEqual([101, 202, 20, 40]);
    expect(Array.from(table.lookup(Int32Array.of(0, 2, 1, 1), 2, 'mean'))).toEqual([50.5, 101, 10, 20]);
  });

  it('a sparse step touches only the batch rows; the dense mode moves every Adam row', async () => {
    const init = Float32Array.from({ length: 40 }, (_, i) => i / 10);
    const options = { rows: 20, dim: 2, optimizer: { kind: 'adam', lr: 0.1, weightDecay: 0.5 } } as const;
    const sparse = createTypedArrayTable(options, init);
    const dense = createTypedArrayTable({ ...options, updateMode: 'dense' }, init);
    for (const table of [sparse, dense])
      table.applyGradients(Int32Array.of(3, 3), 1, 'sum', Float32Array.of(1, 1, 1, 1));
    const s = await sparse.read();
    const d = await dense.read();
    const changed = (w: Float32Array) =>
      Array.from({ length: 20 }, (_, r) => r).filter((r) => w[r * 2] !== init[r * 2]);
    expect(changed(s)).toEqual([3]);
    // Stock Adam decays every row toward zero through weight decay, touched or not (row 0 is already zero).
    expect(changed(d)).toEqual(Array.from({ length: 19 }, (_, r) => r + 1));
  });

  it('reads and writes weights and optimizer state (checkpoints), restoring the step count', async () => {
    const options = { rows: 4, dim: 2, optimizer: { kind: 'adam', lr: 0.1 } } as const;
    const a = createTypedArrayTable(options);
    expect(await a.readState()).toEqual({});
    a.applyGradients(Int32Array.of(1), 1, 'sum', Float32Array.of(1, -1));
    const b = createTypedArrayTable(options);
    await b.write(await a.read());
    await b.writeState(await a.readState());
    for (const t of [a, b]) t.applyGradients(Int32Array.of(1, 2), 1, 'sum', Float32Array.of(0.5, 0.5, 1, 1));
    expect(Array.from(await b.read())).toEqual(Array.from(await a.read()));
    await expect(b.write(new Float32Array(3))).rejects.toThrow(
      /weights: expected a Float32Array of length 8/,
    );
  });

  it("a bloom table's memory is its compression ratio of a dense table's", () => {
    const n = 100_000;
    const dense = createDenseStrategy({ numEmbeddings: n, dim: 32 });
    const bloom = createBloomStrategy({ numEmbeddings: n, dim: 32, compressionRatio: 0.2 });
    const bytes = (rows: number) =>
      createTypedArrayTable({ rows, dim: 32, optimizer: { kind: 'sgd', lr: 1 } }).memory().weightBytes;
    expect(bytes(bloom.tableRows) / bytes(dense.tableRows)).toBeCloseTo(0.2, 6);
  });

  it('validates options, naming them', () => {
    const make = (extra: object) => () =>
      createTypedArrayTable({ rows: 4, dim: 2, optimizer: { kind: 'sgd', lr: 1 }, ...extra });
    expect(make({ optimizer: { kind: 'rmsprop', lr: 1 } })).toThrow(
      /optimizer.kind: expected one of sgd, adagrad, rowwise-adagrad, adam/,
    );
    expect(make({ optimizer: { kind: 'adam', lr: 0 } })).toThrow(
      /optimizer.lr: expected a finite number > 0/,
    );
    expect(make({ optimizer: { kind: 'adam', lr: 1, beta1: 1 } })).toThrow(
      /optimizer.beta1: expected a number in \[0, 1\)/,
    );
    expect(make({ updateMode: 'lazy' })).toThrow(/updateMode/);
    expect(make({ frozenRow: 4 })).toThrow(/frozenRow/);
    expect(make({ formulation: 'conv' })).toThrow(/formulation: expected one of gather, multi-hot-matmul/);
    expect(() =>
      createTypedArrayTable({ rows: 4, dim: 2, optimizer: { kind: 'sgd', lr: 1 } }, new Float32Array(7)),
    ).toThrow(ConfigError);
  });
});

describe('table options', () => {
  it('a misspelt table option is refused, naming it', () => {
    expect(() =>
      createTypedArrayTable({ rows: 4, dim: 2, optimizer: { kind: 'sgd', lr: 1 }, frozenRows: 0 } as never),
    ).toThrow(/Invalid table\.frozenRows: .*did you mean frozenRow\?/);
  });
});
