import { readFileSync } from 'node:fs';
import { ConfigError, embeddingStrategies, hashers, IdRangeError, type RowMap } from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { binary } from './binary.js';
import { createBloomStrategy } from './bloom.js';
import { createDenseStrategy } from './dense.js';
import { createQuotientRemainderStrategy } from './quotient-remainder.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../../../shared/reference/hash-vectors.json', import.meta.url), 'utf8'),
) as { ids: number[]; buckets_m200_first4_seeds_no_padding: number[][] };

describe('embedding strategies', () => {
  it('registers dense, bloom and binary by name', () => {
    expect(embeddingStrategies.list()).toEqual(
      expect.arrayContaining(['binary', 'bloom', 'dense', 'quotient-remainder']),
    );
    const s = embeddingStrategies.get('bloom').create({ numEmbeddings: 1000, dim: 32 });
    expect([s.tableRows, s.rowsPerId, s.combine, s.paddingRow]).toEqual([200, 4, 'sum', 0]);
  });

  it('keyed bloom tables hash the raw keys, so a key never trained maps to the rows it would have had', () => {
    const keys = ['user-a', 'sku "7"', 'ünïcode', ''];
    const strategy = createBloomStrategy({
      numEmbeddings: 5,
      dim: 4,
      compressionRatio: 20,
      numHashes: 3,
      keys,
    });
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 3, buckets: 100 });
    expect(strategy.rowMap).toBeUndefined(); // devices ask rowsFor: the rule needs the keys
    // Id i (from 1) has its key's rows; id 0, the padding id, row 0.
    expect(Array.from(strategy.rowsFor(Int32Array.of(0, 1, 2, 3, 4)))).toEqual([
      0,
      0,
      0,
      ...family.indicesForStrings(keys),
    ]);
    // A key the table never had: its rows, no vocabulary needed; the same as if it had been trained.
    const later = createBloomStrategy({
      numEmbeddings: 6,
      dim: 4,
      compressionRatio: 100 / 6,
      numHashes: 3,
      keys: [...keys, 'new'],
    });
    expect(Array.from(strategy.rowsForKeys!(['new']))).toEqual(Array.from(later.rowsFor(Int32Array.of(5))));
    // Unkeyed tables have no rule for keys.
    expect(createBloomStrategy({ numEmbeddings: 5, dim: 4 }).rowsForKeys).toBeUndefined();
  });

  it('refuses keys that do not match the ids, repeat, or come without padding id 0', () => {
    const make = (options: Record<string, unknown>) =>
      createBloomStrategy({ numEmbeddings: 3, dim: 2, compressionRatio: 2, ...options });
    expect(() => make({ keys: ['a'] })).toThrow(
      new ConfigError(
        'keys',
        'an array of 2 strings, the key of every id from 1 (numEmbeddings - 1)',
        '1 keys',
      ),
    );
    expect(() => make({ keys: ['a', 'a'] })).toThrow(
      /Invalid keys\[1\]: expected a string that no other id has/,
    );
    expect(() => make({ keys: ['a', 7] })).toThrow(/Invalid keys\[1\]/);
    expect(() => make({ keys: ['a', 'b'], paddingIdx: null })).toThrow(
      /Invalid paddingIdx: expected 0 with keys/,
    );
  });

  it("bloom rows are Spotlight's BloomEmbedding buckets (m = 200, no padding)", () => {
    const strategy = createBloomStrategy({
      numEmbeddings: 2 ** 31 - 1,
      dim: 8,
      compressionRatio: 200 / (2 ** 31 - 1),
      paddingIdx: null,
    });
    expect(strategy.tableRows).toBe(200);
    // Every shared vector id but 2^31 - 1, which no id space of int32 size [0, N) contains.
    const ids = Int32Array.from(vectors.ids.slice(0, -1));
    const rows = strategy.rowsFor(ids);
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < 4; j++)
        expect(rows[i * 4 + j]).toBe(vectors.buckets_m200_first4_seeds_no_padding[j]![i]);
    }
  });

  it('small id spaces look rows up in a table computed once, equal to hashing each batch', () => {
    // 2^16 ids x k 4 is within the table's limit; 2^16 + 1 ids x 4 is not, and hashes every batch.
    for (const numEmbeddings of [2 ** 16, 2 ** 16 + 1]) {
      const options = { numEmbeddings, dim: 8, compressionRatio: 0.1, paddingIdx: 7 };
      const strategy = createBloomStrategy(options);
      const family = createHashFamily({
        hasher: 'murmur3',
        numHashes: 4,
        buckets: strategy.tableRows,
        paddingIdx: 7,
        reservePaddingRow: false,
      });
      const ids = Int32Array.from({ length: 3000 }, (_, i) => (i * 7919 + 3) % numEmbeddings);
      ids[5] = 7;
      expect(Array.from(strategy.rowsFor(ids))).toEqual(Array.from(family.indices(ids)));
      const out = new Int32Array(ids.length * 4 + 3).fill(-9);
      strategy.rowsFor(ids, out);
      expect(Array.from(out.subarray(-3))).toEqual([-9, -9, -9]);
      expect(() => strategy.rowsFor(ids, new Int32Array(5))).toThrow(ConfigError);
      expect(() => strategy.rowsFor(Int32Array.of(numEmbeddings))).toThrow(IdRangeError);
    }
  });

  it('sends the padding id to row 0 for every hash, and ratios above 1 are allowed', () => {
    const strategy = createBloomStrategy({ numEmbeddings: 100, dim: 4, compressionRatio: 1.5 });
    expect(strategy.tableRows).toBe(150);
    expect(Array.from(strategy.rowsFor(Int32Array.of(0)))).toEqual([0, 0, 0, 0]);
    const reserved = createBloomStrategy({ numEmbeddings: 100, dim: 4, reservePaddingRow: true });
    const rows = reserved.rowsFor(Int32Array.from({ length: 99 }, (_, i) => i + 1));
    expect(rows.every((r) => r >= 1 && r < 20)).toBe(true);
  });

  it('dense maps ids to themselves and binary shares bloom rows with the matmul formulation', () => {
    const d = createDenseStrategy({ numEmbeddings: 10, dim: 3 });
    expect(Array.from(d.rowsFor(Int32Array.of(9, 0, 9)))).toEqual([9, 0, 9]);
    expect([d.paddingRow, d.formulation, d.tableRows]).toEqual([null, 'gather', 10]);
    const b = binary.create({ numEmbeddings: 1000, dim: 8 });
    const g = createBloomStrategy({ numEmbeddings: 1000, dim: 8 });
    expect(b.formulation).toBe('multi-hot-matmul');
    expect(Array.from(b.rowsFor(Int32Array.of(5, 6)))).toEqual(Array.from(g.rowsFor(Int32Array.of(5, 6))));
  });

  it('quotient-remainder gives every id a distinct pair of rows in m + ceil(N/m) rows', () => {
    const s = createQuotientRemainderStrategy({ numEmbeddings: 1000, dim: 4, compressionRatio: 0.05 });
    expect(s.tableRows).toBe(50 + 20);
    const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
    const rows = s.rowsFor(ids);
    const pairs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      expect(rows[2 * i]).toBe(i % 50);
      expect(rows[2 * i + 1]).toBe(50 + Math.floor(i / 50));
      pairs.add(`${rows[2 * i]},${rows[2 * i + 1]}`);
    }
    expect(pairs.size).toBe(1000);
    expect(() => s.rowsFor(Int32Array.of(1000))).toThrow(IdRangeError);
    expect(() =>
      createQuotientRemainderStrategy({ numEmbeddings: 10, dim: 4, compressionRatio: 0.01 }),
    ).toThrow(/compressionRatio/);
  });

  it('rejects ids outside [0, N) with their position', () => {
    const s = createBloomStrategy({ numEmbeddings: 50, dim: 4 });
    expect(() => s.rowsFor(Int32Array.of(1, 2, 50))).toThrow(IdRangeError);
    expect(() => s.rowsFor(Int32Array.of(-3))).toThrow(
      /Id -3 at position 0 is out of range: expected an id in \[0, 49\]/,
    );
    expect(() => createDenseStrategy({ numEmbeddings: 5, dim: 2 }).rowsFor(Int32Array.of(5))).toThrow(
      IdRangeError,
    );
  });

  it('names the bad option and its allowed range', () => {
    expect(() => createBloomStrategy({ numEmbeddings: 10, dim: 4, compressionRatio: 0.01 })).toThrow(
      /compressionRatio: expected a ratio giving between 1 and/,
    );
    expect(() => createBloomStrategy({ numEmbeddings: 10, dim: 4, compressionRatio: -1 })).toThrow(
      ConfigError,
    );
    expect(() => createBloomStrategy({ numEmbeddings: 10, dim: 0 })).toThrow(
      /dim: expected an integer in \[1, 65536\]/,
    );
    expect(() => createBloomStrategy({ numEmbeddings: 100, dim: 4, numHashes: 25 })).toThrow(/24/);
    expect(() => createBloomStrategy({ numEmbeddings: 100, dim: 4, combine: 'max' as 'sum' })).toThrow(
      /combine: expected one of sum, mean/,
    );
    expect(() => binary.create({ numEmbeddings: 100, dim: 4, combine: 'mean' })).toThrow(/combine/);
    expect(() => createDenseStrategy({ numEmbeddings: 10, dim: 4, paddingIdx: 10 })).toThrow(/paddingIdx/);
  });
});

describe('rowMap, the row rule as data', () => {
  // Reads a RowMap the way a device does, one id and hash at a time with the registered hasher's bucket rule.
  function rowsFromMap(map: RowMap, ids: Int32Array, k: number): Int32Array {
    const out = new Int32Array(ids.length * k);
    ids.forEach((id, i) => {
      for (let j = 0; j < k; j++) {
        out[i * k + j] =
          map.kind === 'identity'
            ? id
            : map.kind === 'quotient-remainder'
              ? j === 0
                ? id % map.m
                : map.m + Math.floor(id / map.m)
              : id === map.paddingIdx
                ? 0
                : map.firstRow +
                  hashers
                    .get(map.hasher)
                    .create(map.seeds[j]!)
                    .bucketInt32(id, map.buckets - map.firstRow);
      }
    });
    return out;
  }

  it("describes every built-in strategy's rowsFor exactly", () => {
    const ids = Int32Array.from({ length: 3000 }, (_, i) => (i * 7919) % 100_000);
    for (const strategy of [
      createDenseStrategy({ numEmbeddings: 100_000, dim: 4 }),
      createBloomStrategy({ numEmbeddings: 100_000, dim: 4 }),
      createBloomStrategy({ numEmbeddings: 100_000, dim: 4, hasher: 'xxhash64', reservePaddingRow: true }),
      createBloomStrategy({
        numEmbeddings: 100_000,
        dim: 4,
        hasher: 'multiplicative',
        seeds: [-3, 7],
        numHashes: 2,
      }),
      binary.create({ numEmbeddings: 100_000, dim: 4, paddingIdx: null }),
      createQuotientRemainderStrategy({ numEmbeddings: 100_000, dim: 4, compressionRatio: 0.03 }),
    ]) {
      expect(strategy.rowMap, strategy.name).toBeDefined();
      expect(rowsFromMap(strategy.rowMap!, ids, strategy.rowsPerId), strategy.name).toEqual(
        strategy.rowsFor(ids),
      );
    }
  });
});

describe('strategy options', () => {
  it('a misspelt option of any built-in strategy is refused, naming it, never silently ignored', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['dense', { padingIdx: 0 }, /Invalid dense\.padingIdx: .*did you mean paddingIdx\?/],
      [
        'bloom',
        { compresionRatio: 0.2 },
        /Invalid bloom\.compresionRatio: .*did you mean compressionRatio\?/,
      ],
      ['binary', { numHash: 2 }, /Invalid binary\.numHash: .*did you mean numHashes\?/],
      ['quotient-remainder', { numCollisions: 4 }, /Invalid quotient-remainder\.numCollisions/],
    ];
    for (const [name, options, message] of cases) {
      expect(() => embeddingStrategies.get(name).create({ numEmbeddings: 100, dim: 4, ...options })).toThrow(
        message,
      );
    }
  });
});
