import { ConfigError, DataError } from '@bloom/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from './datasets/load-dataset.js';
import { Interactions } from './interactions.js';
import { digest, SHARED_DATA, spotlightFixture } from './test-support.js';

const rows = (seqs: { length: number; sequence(i: number): Int32Array }) =>
  Array.from({ length: seqs.length }, (_, i) => Array.from(seqs.sequence(i)));

const oneUser = (items: number[]) =>
  new Interactions({ userIds: items.map(() => 0), itemIds: items, timestamps: items.map((_, i) => i) });

describe('toSequence', () => {
  it("reproduces Spotlight's documented windows for step sizes 1 and 2", () => {
    const history = oneUser([1, 2, 3, 4, 5]);
    expect(rows(history.toSequence({ maxLength: 5, stepSize: 1 }))).toEqual([
      [1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4],
      [0, 0, 1, 2, 3],
      [0, 0, 0, 1, 2],
      [0, 0, 0, 0, 1],
    ]);
    expect(rows(history.toSequence({ maxLength: 5, stepSize: 2 }))).toEqual([
      [1, 2, 3, 4, 5],
      [0, 0, 1, 2, 3],
      [0, 0, 0, 0, 1],
    ]);
  });

  it('cuts long histories from the end, by default in non-overlapping windows of maxLength', () => {
    const seqs = oneUser([1, 2, 3, 4, 5, 6, 7]).toSequence({ maxLength: 3 });
    expect(rows(seqs)).toEqual([
      [5, 6, 7],
      [2, 3, 4],
      [0, 0, 1],
    ]);
    expect(Array.from(seqs.userIds)).toEqual([0, 0, 0]);
    expect(seqs.numItems).toBe(8);
  });

  it('orders by timestamp per user, users ascending, and drops short windows with minLength', () => {
    const data = new Interactions({
      userIds: [3, 1, 3, 1, 3],
      itemIds: [7, 8, 9, 10, 11],
      timestamps: [5, 2, 1, 1, 5],
    });
    const seqs = data.toSequence({ maxLength: 4 });
    expect(rows(seqs)).toEqual([
      [0, 0, 10, 8],
      [0, 9, 7, 11],
    ]);
    expect(Array.from(seqs.userIds)).toEqual([1, 3]);
    expect(rows(data.toSequence({ maxLength: 4, minLength: 3 }))).toEqual([[0, 9, 7, 11]]);
  });

  it('carries weights per position as floats', () => {
    const data = new Interactions({
      userIds: [0, 0],
      itemIds: [1, 2],
      timestamps: [1, 0],
      weights: [0.5, 2.5],
    });
    const seqs = data.toSequence({ maxLength: 3 });
    expect(Array.from(seqs.weights!)).toEqual([0, 2.5, 0.5]);
  });

  it('matches the numpy reference on a small case with timestamp ties', () => {
    const small = spotlightFixture().small;
    const data = new Interactions({
      userIds: small.user_ids,
      itemIds: small.item_ids,
      timestamps: small.timestamps,
    });
    const seqs = data.toSequence({ maxLength: 4, minLength: 2, stepSize: 3 });
    expect(rows(seqs)).toEqual(small.sequence_len4_min2_step3.sequences);
    expect(Array.from(seqs.userIds)).toEqual(small.sequence_len4_min2_step3.user_ids);
  });

  it('refuses data without timestamps, item id 0 and bad lengths', () => {
    expect(() => new Interactions({ userIds: [0], itemIds: [1] }).toSequence()).toThrow(/no timestamps/);
    expect(() => oneUser([1, 0]).toSequence()).toThrow(DataError);
    expect(() => oneUser([1, 0]).toSequence()).toThrow(/row 1: item id 0 is reserved/);
    expect(() => oneUser([1]).toSequence({ maxLength: 0 })).toThrow(ConfigError);
    expect(() => oneUser([1]).toSequence({ maxLength: 3, minLength: 4 })).toThrow(/minLength.*\[1, 3\]/);
    expect(() => oneUser([1]).toSequence({ stepSize: 0 })).toThrow(/stepSize/);
  });

  describe('on ML-100K, against the numpy reference', () => {
    let data: Interactions;
    beforeAll(async () => {
      data = (await loadDataset('ml-100k', { dataDir: SHARED_DATA, download: false })).interactions;
    });
    const ml100k = spotlightFixture().ml100k;
    for (const name of ['sequence_defaults', 'sequence_len5_min3_step2', 'sequence_len20_step1'] as const) {
      const want = ml100k[name];
      it(name, () => {
        const seqs = data.toSequence({
          maxLength: want.max_length,
          minLength: want.min_length ?? undefined,
          stepSize: want.step_size ?? undefined,
        });
        expect(seqs.length).toBe(want.count);
        expect(Array.from(seqs.sequence(0))).toEqual(want.first);
        expect(Array.from(seqs.sequence(seqs.length - 1))).toEqual(want.last);
        expect(digest(seqs.sequences, seqs.userIds)).toBe(want.digest);
      });
    }
  });
});
