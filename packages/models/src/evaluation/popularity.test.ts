import { Interactions, SequenceInteractions } from '@bloom/data';
import { describe, expect, it } from 'vitest';
import { mrrScore } from './mrr.js';
import { meanRating, popularityScorer, sequencePopularityModel } from './popularity.js';

describe('baselines', () => {
  it('popularity ranks items by their training count, for every user alike', () => {
    const train = new Interactions({ userIds: [0, 1, 1, 2, 2, 2], itemIds: [2, 2, 0, 2, 0, 3], numItems: 5 });
    const scorer = popularityScorer(train);
    const out = new Float32Array(2 * 3);
    scorer.scoreChunk(Int32Array.of(0, 4), 1, 4, out);
    expect(Array.from(out)).toEqual([0, 3, 1, 0, 3, 1]);
    // User 0's test item 0 ranks second (item 2 first), item 3 third.
    const test = new Interactions({ userIds: [0, 0], itemIds: [0, 3], numItems: 5 });
    expect(mrrScore(scorer, test).mrr).toBeCloseTo((1 / 2 + 1 / 3) / 2, 12);
  });

  it('sequence popularity counts items in the training sequences, never the padding', () => {
    const train = new SequenceInteractions(
      Int32Array.of(0, 0, 1, 0, 2, 2, 3, 2, 1),
      Int32Array.of(0, 1, 2),
      3,
      4,
    );
    expect(Array.from(sequencePopularityModel(train).predict(Int32Array.of(1)))).toEqual([0, 2, 3, 1]);
  });

  it('the constant baseline predicts the mean training rating', () => {
    const train = new Interactions({ userIds: [0, 1, 2], itemIds: [0, 0, 1], ratings: [1, 4, 4] });
    expect(meanRating(train)).toBe(3);
    expect(meanRating(new Interactions({ userIds: [0], itemIds: [0] }))).toBeNaN();
  });
});
