import { ConfigError, embeddingStrategies, IdRangeError } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { createHybridStrategy, fitHybridHead } from './hybrid.js';

const N = 1000;
const all = Int32Array.from({ length: N }, (_, id) => id);

describe('hybrid strategy', () => {
  it('gives head ids rows of their own that no other id touches, and hashes the tail into the shared rows', () => {
    const head = [17, 5, 999, 300];
    const strategy = createHybridStrategy({
      numEmbeddings: N,
      dim: 8,
      compressionRatio: 0.1,
      head,
      numHashes: 3,
    });
    expect(embeddingStrategies.get('hybrid').name).toBe('hybrid');
    // The budget: floor(0.1 N) rows in all, zero row included.
    expect([strategy.tableRows, strategy.rowsPerId, strategy.combine, strategy.paddingRow]).toEqual([
      100,
      3,
      'sum',
      0,
    ]);
    const rows = strategy.rowsFor(all);
    head.forEach((id, h) => {
      expect(Array.from(rows.subarray(id * 3, id * 3 + 3))).toEqual([1 + h, 0, 0]);
    });
    expect(Array.from(rows.subarray(0, 3))).toEqual([0, 0, 0]); // the padding id
    // Tail ids: exactly the hash family's rows in the 95 shared rows, shifted past the zero row and the head.
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 3, buckets: 95 });
    const expected = family.indices(all);
    for (let id = 1; id < N; id++) {
      if (head.includes(id)) continue;
      for (let j = 0; j < 3; j++) expect(rows[id * 3 + j]).toBe(5 + expected[id * 3 + j]!);
    }
    expect(() => strategy.rowsFor(Int32Array.of(N))).toThrow(IdRangeError);
  });

  it('is fitted on training ids: the most frequent ids, ties to the lower id, a share of the budget', () => {
    // Id 9 four times, 4 and 2 twice each, 6 once; padding id 0 never counts.
    const ids = Int32Array.of(9, 4, 9, 2, 0, 0, 0, 9, 2, 6, 4, 9);
    expect(fitHybridHead(ids, 20, { compressionRatio: 1, headShare: 0.25 })).toEqual([9, 2, 4, 6]);
    expect(fitHybridHead(ids, 20, { compressionRatio: 1, headShare: 0.1 })).toEqual([9, 2]);
    // Never more than budget - 2 (the zero row and one shared row stay).
    expect(fitHybridHead(ids, 20, { compressionRatio: 0.25, headShare: 1 })).toEqual([9, 2, 4]);
    expect(() => fitHybridHead(ids, 20, { headShare: 2 })).toThrow(/Invalid headShare/);
    expect(() => fitHybridHead(Int32Array.of(20), 20)).toThrow(IdRangeError);
  });

  it('refuses a head that does not fit the budget, repeats an id, or holds the padding id', () => {
    const make = (head: number[]) =>
      createHybridStrategy({ numEmbeddings: 50, dim: 2, compressionRatio: 0.1, head });
    expect(() => make([1, 2, 3, 4])).toThrow(
      new ConfigError(
        'head',
        'an array of at most 3 ids (floor(ratio * N) rows, less the zero row and one shared row)',
        '4 ids',
      ),
    );
    expect(() => make([1, 1])).toThrow(/Invalid head\[1\]/);
    expect(() => make([0])).toThrow(
      /Invalid head\[0\]: expected a distinct id in \[0, 49\], not the padding id/,
    );
    expect(() => make([50])).toThrow(/Invalid head\[0\]/);
    expect(() =>
      createHybridStrategy({ numEmbeddings: 10, dim: 2, compressionRatio: 0.2, head: [] }),
    ).toThrow(/Invalid compressionRatio/);
  });

  it('on raw keys: a head key keeps its own row, any other key (seen or not) its hashed shared rows', () => {
    const keys = Array.from({ length: 99 }, (_, i) => `sku-${i + 1}`);
    const strategy = createHybridStrategy({
      numEmbeddings: 100,
      dim: 4,
      compressionRatio: 0.3,
      head: [4, 8],
      numHashes: 2,
      keys,
    });
    const asked = strategy.rowsForKeys!(['sku-4', 'sku-5', 'never seen']);
    expect(Array.from(asked.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(asked.subarray(2, 4))).toEqual(Array.from(strategy.rowsFor(Int32Array.of(5))));
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 2, buckets: 27 });
    expect(Array.from(asked.subarray(4, 6))).toEqual(
      Array.from(family.indicesForStrings(['never seen']), (r) => r + 3),
    );
  });
});
