import { ConfigError, embeddingStrategies, IdRangeError, strategyParameters } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { SparseEmbedding } from '../sparse-embedding.js';
import { TypedArrayAdapter } from '../tables/typed-array-adapter.js';
import { WeightedHostTable } from '../tables/weighted-table.js';
import { createBloomStrategy } from './bloom.js';
import { createHashStrategy } from './hash.js';

const N = 1000;
const all = Int32Array.from({ length: N }, (_, id) => id);
const adapter = new TypedArrayAdapter('cpu', 'cpu', { device: 'test', details: {} });

describe('hash strategy', () => {
  it('spends the budget on importance weights first and on component rows with what is left', () => {
    const strategy = createHashStrategy({
      numEmbeddings: N,
      dim: 16,
      compressionRatio: 0.2,
      numHashes: 2,
      importanceRows: 'per-id',
    });
    expect(embeddingStrategies.get('hash').name).toBe('hash');
    // 0.2 N d = 3200 parameters; N x k = 2000 weights; (3200 - 2000) / 16 = 75 rows.
    expect([strategy.tableRows, strategy.importanceRows, strategy.rowsPerId, strategy.combine]).toEqual([
      75,
      N,
      3,
      'weighted',
    ]);
    expect(strategyParameters(strategy)).toBe(75 * 16 + 2000);
    expect(strategyParameters(strategy)).toBeLessThanOrEqual(0.2 * N * 16);
    const hashed = createHashStrategy({
      numEmbeddings: N,
      dim: 16,
      compressionRatio: 0.2,
      importanceRows: 50,
    });
    expect([hashed.tableRows, hashed.importanceRows]).toEqual([193, 50]);
    expect(strategyParameters(hashed)).toBeLessThanOrEqual(0.2 * N * 16);
    expect(strategyParameters(hashed) + 16).toBeGreaterThan(0.2 * N * 16);
    // The default: a weight per id where that is at most half the budget (d 32: 2000 of 6400), else half the
    // budget's worth of hashed weight rows (d 16: 800 rows, 1600 weights, of 3200).
    const roomy = createHashStrategy({ numEmbeddings: N, dim: 32, compressionRatio: 0.2 });
    expect([roomy.tableRows, roomy.importanceRows]).toEqual([137, N]);
    const tight = createHashStrategy({ numEmbeddings: N, dim: 16, compressionRatio: 0.2 });
    expect([tight.tableRows, tight.importanceRows]).toEqual([100, 800]);
    expect(createHashStrategy({ numEmbeddings: N, dim: 16, compressionRatio: 0.05 }).tableRows).toBe(25);
  });

  it('maps each id to k hashed component rows (row 0 for the padding id alone) and then its weight row', () => {
    const strategy = createHashStrategy({
      numEmbeddings: N,
      dim: 8,
      compressionRatio: 0.5,
      numHashes: 3,
      importanceRows: 'per-id',
    });
    const P = strategy.tableRows;
    const rows = strategy.rowsFor(all);
    const family = createHashFamily({
      hasher: 'murmur3',
      numHashes: 3,
      buckets: P,
      paddingIdx: 0,
      reservePaddingRow: true,
    });
    const expected = family.indices(all);
    for (let id = 0; id < N; id++) {
      expect(Array.from(rows.subarray(id * 4, id * 4 + 3))).toEqual(
        Array.from(expected.subarray(id * 3, id * 3 + 3)),
      );
      expect(rows[id * 4 + 3]).toBe(P + id); // per-id weights: the id's own row
    }
    expect(Array.from(rows.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(rows).filter((r, i) => i >= 4 && i % 4 !== 3 && r === 0)).toEqual([]);
    // Hashed weights: rows in [P, P + B), from the seed after the components' (Spotlight's third prime, k = 2).
    const hashed = createHashStrategy({ numEmbeddings: N, dim: 8, compressionRatio: 0.5, importanceRows: 7 });
    const weightRows = createHashFamily({ hasher: 'murmur3', numHashes: 1, buckets: 7, seeds: [179425907] });
    const got = hashed.rowsFor(all);
    const want = weightRows.indices(all);
    for (let id = 0; id < N; id++) expect(got[id * 3 + 2]! - hashed.tableRows).toBe(want[id]);
    // Large id spaces compute rows per batch instead of once: the same answer.
    const huge = createHashStrategy({
      numEmbeddings: 3_000_000,
      dim: 8,
      compressionRatio: 0.5,
      numHashes: 3,
    });
    const small = createHashStrategy({
      numEmbeddings: 3_000_000,
      dim: 8,
      compressionRatio: 0.5,
      numHashes: 3,
    });
    expect(Array.from(huge.rowsFor(Int32Array.of(5, 2_999_999)))).toEqual(
      Array.from(small.rowsFor(Int32Array.of(5, 2_999_999))),
    );
  });

  it('starts as a Bloom table on the same hashes: the weights are 1 and the pool is drawn as Bloom draws it', async () => {
    const hash = createHashStrategy({ numEmbeddings: N, dim: 8, compressionRatio: 0.3, numHashes: 2 });
    expect(hash.importanceRows).toBe(600); // hashed: a weight per id would be 2000 of the 2400 parameters
    const P = hash.tableRows;
    const bloom = createBloomStrategy({
      numEmbeddings: N,
      dim: 8,
      compressionRatio: (P + 0.5) / N,
      numHashes: 2,
      reservePaddingRow: true,
    });
    expect(bloom.tableRows).toBe(P);
    const optimizer = { kind: 'sgd', lr: 0.1 } as const;
    const a = SparseEmbedding.create({ strategy: hash, adapter, optimizer, seed: 4 });
    const b = SparseEmbedding.create({ strategy: bloom, adapter, optimizer, seed: 4 });
    expect(a.table).toBeInstanceOf(WeightedHostTable);
    const ids = Int32Array.of(0, 1, 17, 999, 17);
    const [x, y] = [a.lookup(a.rowsFor(ids)), b.lookup(b.rowsFor(ids))];
    expect(Array.from(await x.data())).toEqual(Array.from(await y.data()));
    expect(Array.from((await a.table.read()).subarray(P * 8))).toEqual(new Array(600 * 2).fill(1));
    tf.dispose([x, y]);
  });

  it('refuses a budget the weights exhaust, bad options and out-of-range ids, naming them', () => {
    expect(() =>
      createHashStrategy({ numEmbeddings: N, dim: 4, compressionRatio: 0.3, importanceRows: 'per-id' }),
    ).toThrow(/compressionRatio.*pays for the 2000 importance weights/);
    expect(() => createHashStrategy({ numEmbeddings: N, dim: 4, importanceRows: 0 })).toThrow(ConfigError);
    expect(() =>
      createHashStrategy({ numEmbeddings: N, dim: 4, importanceRows: 10, numHashes: 2, seeds: [1, 2] }),
    ).toThrow(/seeds/);
    expect(() => createHashStrategy({ numEmbeddings: N, dim: 4, weights: 3 } as never)).toThrow(/weights/);
    const strategy = createHashStrategy({ numEmbeddings: N, dim: 16 });
    expect(() => strategy.rowsFor(Int32Array.of(3, N))).toThrow(IdRangeError);
  });

  it('refuses a weight row outside the importance table, and another combine, before any row changes', async () => {
    const strategy = createHashStrategy({ numEmbeddings: N, dim: 16, importanceRows: 'per-id' });
    const embedding = SparseEmbedding.create({ strategy, adapter, optimizer: { kind: 'sgd', lr: 1 } });
    const table = embedding.table;
    const before = await table.read();
    const rows = strategy.rowsFor(Int32Array.of(4, 5));
    const bad = rows.slice();
    bad[5] = strategy.tableRows + N; // one past the last weight row
    expect(() => table.applyGradients(bad, 3, 'weighted', new Float32Array(32))).toThrow(
      /Id 1075 at position 5 is out of range: expected a weight row in \[75, 1074\]/,
    );
    expect(() => table.lookup(rows, 3, 'sum')).toThrow(/combine/);
    expect(() => table.lookup(rows, 2, 'weighted')).toThrow(ConfigError);
    expect(() => table.applyGradients(rows, 3, 'weighted', new Float32Array(31))).toThrow(/grads/);
    expect(Array.from(await table.read())).toEqual(Array.from(before));
  });
});
