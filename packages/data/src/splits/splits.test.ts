import { NumpyRandomState } from '@bloom/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../datasets/load-dataset.js';
import { Interactions } from '../interactions.js';
import { digest, SHARED_DATA, spotlightFixture } from '../test-support.js';
import { randomTrainTestSplit } from './random-split.js';
import { timeBasedTrainTestSplit } from './time-split.js';
import { userBasedTrainTestSplit } from './user-split.js';

const fixture = spotlightFixture();
const small = () =>
  new Interactions({
    userIds: fixture.small.user_ids,
    itemIds: fixture.small.item_ids,
    timestamps: fixture.small.timestamps,
    ratings: fixture.small.item_ids.map((_: number, i: number) => i),
  });
// Ratings hold the row number, so a split's rows can be read back from them.
const rowsOf = (d: Interactions) => Array.from(d.ratings!);

describe('Spotlight-exact splits', () => {
  it('random split: the same rows, in the same shuffled order, as numpy', () => {
    const { train, test } = randomTrainTestSplit(small(), { testFraction: 0.25, seed: 7 });
    expect(rowsOf(train)).toEqual(fixture.small.random_split_seed7_p025.train_rows);
    expect(rowsOf(test)).toEqual(fixture.small.random_split_seed7_p025.test_rows);
  });

  it('user split: the same users as numpy + murmur3, rows in order', () => {
    const { train, test } = userBasedTrainTestSplit(small(), { testFraction: 0.5, seed: 7 });
    expect(rowsOf(train)).toEqual(fixture.small.user_split_seed7_p05.train_rows);
    expect(rowsOf(test)).toEqual(fixture.small.user_split_seed7_p05.test_rows);
  });

  describe('on ML-100K with seed 42 (Spotlight test-suite split)', () => {
    let data: Interactions;
    beforeAll(async () => {
      data = (await loadDataset('ml-100k', { dataDir: SHARED_DATA, download: false })).interactions;
    });

    it('random split', () => {
      const want = fixture.ml100k.random_split_seed42;
      const { train, test } = randomTrainTestSplit(data, { testFraction: 0.2, seed: 42 });
      expect([train.length, test.length]).toEqual([want.train, want.test]);
      expect(Array.from({ length: 10 }, (_, i) => [test.userIds[i], test.itemIds[i]])).toEqual(
        want.test_head,
      );
      expect(digest(test.userIds, test.itemIds)).toBe(want.test_digest);
      expect(digest(train.userIds, train.itemIds)).toBe(want.train_digest);
      expect([train.numUsers, train.numItems, test.numUsers, test.numItems]).toEqual([944, 1683, 944, 1683]);
    });

    it('user split', () => {
      const want = fixture.ml100k.user_split_seed42;
      expect(new NumpyRandomState(42).randint(0, 0xffffffff)).toBe(want.hash_seed);
      const { train, test } = userBasedTrainTestSplit(data, { seed: 42 });
      expect([train.length, test.length]).toEqual([want.train, want.test]);
      expect([...new Set(test.userIds)].sort((a, b) => a - b)).toEqual(want.test_users);
      expect(digest(test.userIds, test.itemIds)).toBe(want.test_digest);
      const trainUsers = new Set(train.userIds);
      expect(want.test_users.some((u: number) => trainUsers.has(u))).toBe(false);
    });
  });

  it('split sizes follow floor((1 - p) * n), and the halves partition the rows', () => {
    const rows = 1000;
    const data = new Interactions({
      userIds: Array.from({ length: rows }, (_, i) => i % 37),
      itemIds: Array.from({ length: rows }, (_, i) => i % 101),
      ratings: Array.from({ length: rows }, (_, i) => i),
    });
    for (const p of [0, 0.1, 0.2, 0.33, 1]) {
      const { train, test } = randomTrainTestSplit(data, { testFraction: p, seed: 1 });
      expect(train.length).toBe(Math.trunc((1 - p) * rows));
      const all = [...rowsOf(train), ...rowsOf(test)].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: rows }, (_, i) => i));
    }
    const { train, test } = userBasedTrainTestSplit(data, { testFraction: 0.3, seed: 5 });
    expect(train.length + test.length).toBe(rows);
  });

  it('a shared generator continues one stream, and seeds change the split', () => {
    const random = new NumpyRandomState(42);
    const first = randomTrainTestSplit(small(), { random });
    const second = randomTrainTestSplit(small(), { random });
    expect(rowsOf(first.test)).not.toEqual(rowsOf(second.test));
    expect(rowsOf(randomTrainTestSplit(small(), { seed: 42 }).test)).toEqual(rowsOf(first.test));
  });

  it('refuses bad options, naming them', () => {
    expect(() => randomTrainTestSplit(small(), { testFraction: 1.5 })).toThrow(
      /testFraction: expected a number in \[0, 1\]/,
    );
    expect(() => userBasedTrainTestSplit(small(), { seed: -1 })).toThrow(/seed/);
  });
});

describe('timeBasedTrainTestSplit', () => {
  const data = new Interactions({
    userIds: [0, 0, 0, 1, 1, 2, 0],
    itemIds: [1, 2, 3, 4, 5, 6, 7],
    timestamps: [10, 30, 20, 5, 5, 1, 30],
  });

  it('holds out the latest n per user (ties in row order) and keeps minTrainPerUser', () => {
    const { train, test } = timeBasedTrainTestSplit(data, { testPerUser: 2 });
    expect(Array.from(test.itemIds)).toEqual([2, 5, 7]);
    expect(Array.from(train.itemIds)).toEqual([1, 3, 4, 6]);
    const one = timeBasedTrainTestSplit(data);
    expect(Array.from(one.test.itemIds)).toEqual([5, 7]);
    // User 0 has 4 interactions: 3 stay in train, so 1 is held out; users 1 and 2 have too few.
    const capped = timeBasedTrainTestSplit(data, { testPerUser: 5, minTrainPerUser: 3 });
    expect(Array.from(capped.test.itemIds)).toEqual([7]);
    const all = timeBasedTrainTestSplit(data, { testPerUser: 5, minTrainPerUser: 0 });
    expect(all.test.length).toBe(7);
  });

  it('every test interaction is no earlier than its user’s train interactions (ML-100K)', async () => {
    const ml = (await loadDataset('ml-100k', { dataDir: SHARED_DATA, download: false })).interactions;
    const { train, test } = timeBasedTrainTestSplit(ml, { testPerUser: 3 });
    expect(test.length).toBe(943 * 3);
    const latestTrain = new Float64Array(ml.numUsers).fill(-Infinity);
    for (let i = 0; i < train.length; i++) {
      latestTrain[train.userIds[i]!] = Math.max(latestTrain[train.userIds[i]!]!, train.timestamps![i]!);
    }
    for (let i = 0; i < test.length; i++) {
      expect(test.timestamps![i]!).toBeGreaterThanOrEqual(latestTrain[test.userIds[i]!]!);
    }
  });

  it('needs timestamps', () => {
    expect(() => timeBasedTrainTestSplit(new Interactions({ userIds: [0], itemIds: [0] }))).toThrow(
      /timestamps/,
    );
    expect(() => timeBasedTrainTestSplit(data, { testPerUser: 0 })).toThrow(/testPerUser/);
  });
});
