import { Interactions } from '@bloom/data';
import { describe, expect, it } from 'vitest';
import { mrrScore } from './mrr.js';
import { precisionRecallAtK } from './precision-recall.js';
import type { RankingScorer } from './ranking-scorer.js';
import { recommend, recommendNext } from './top-k.js';

/** A scorer from a fixed [users, items] score table. */
function fixed(table: number[][]): RankingScorer {
  return {
    numItems: table[0]!.length,
    scoreChunk(users, from, to, out) {
      users.forEach((u, b) => {
        for (let i = from; i < to; i++) out[b * (to - from) + i - from] = table[u]![i]!;
      });
    },
  };
}

describe('ranking metrics', () => {
  // User 0 scores items 0..5 as below; item 2 is in train (excluded), items 1 and 4 are test items.
  const scores = [[0.9, 0.5, 0.99, 0.5, 0.1, 0.7]];
  const train = new Interactions({ userIds: [0], itemIds: [2], numItems: 6 });
  const test = new Interactions({ userIds: [0, 0], itemIds: [1, 4], numItems: 6 });

  it('MRR ranks test items among all items, train items last, ties averaged (hand-computed)', () => {
    // Without item 2: order 0.9 (0), 0.7 (5), 0.5 (1, 3 tied: ranks 3 and 4 -> 3.5), 0.1 (4) -> rank 5.
    const { mrr, perUser } = mrrScore(fixed(scores), test, train, { itemChunk: 4 });
    expect(perUser[0]).toBeCloseTo((1 / 3.5 + 1 / 5) / 2, 12);
    expect(mrr).toBeCloseTo((1 / 3.5 + 1 / 5) / 2, 12);
    // Without exclusion item 2 outranks everything: ranks 4.5 and 6.
    expect(mrrScore(fixed(scores), test).mrr).toBeCloseTo((1 / 4.5 + 1 / 6) / 2, 12);
  });

  it('a test item also present in train ranks in the tied block of excluded items, as in Spotlight', () => {
    const both = new Interactions({ userIds: [0], itemIds: [2], numItems: 6 });
    // 5 non-excluded items score above it; it ties only with itself: rank 6.
    expect(mrrScore(fixed(scores), both, train).mrr).toBeCloseTo(1 / 6, 12);
  });

  it('precision and recall at k, and top-k that skips seen items', () => {
    const { precision, recall } = precisionRecallAtK(fixed(scores), test, train, 3, { itemChunk: 2 });
    // Top 3 without item 2: 0, 5, then 1 or 3 (tied; the first seen wins): 1 hit.
    expect(precision).toBeCloseTo(1 / 3, 12);
    expect(recall).toBeCloseTo(1 / 2, 12);
    const top = recommend(fixed(scores), 0, 3, { seen: train });
    expect(Array.from(top.items)).toEqual([0, 5, 1]);
    expect(Array.from(recommend(fixed(scores), 0, 2).items)).toEqual([2, 0]);
    expect(recommend(fixed(scores), 0, 10).items.length).toBe(6);
  });

  it('top-k next items after a sequence: never padding, and seen items only when asked to keep them', () => {
    // Item scores as the next one after any sequence: item 0 (padding) scores highest and is still skipped.
    const model = { predict: () => Float32Array.of(5, 0.5, 0.99, 0.5, 0.1, 0.7) };
    const sequence = Int32Array.of(0, 0, 2, 5);
    expect(Array.from(recommendNext(model, sequence, 3).items)).toEqual([2, 5, 1]);
    const fresh = recommendNext(model, sequence, 3, { excludeSeen: true });
    expect(Array.from(fresh.items)).toEqual([1, 3, 4]);
    expect(Array.from(fresh.scores)).toEqual([0.5, 0.5, Math.fround(0.1)]);
  });
});
