import { Interactions, SequenceInteractions } from '@bloom/data';
import { describe, expect, it } from 'vitest';
import { mrrScore } from './mrr.js';
import { precisionRecallAtK } from './precision-recall.js';
import type { RankingScorer } from './ranking-scorer.js';
import { sequenceMrrScore, sequenceMrrScoreAsync } from './sequence-mrr.js';
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

  // Three users with 1, 2 and 3 test items: a mean per user and a mean per interaction differ, so averaging the
  // wrong way fails. Scores are the item's own id, so item i ranks numItems - i among 8 items (no ties).
  const ranked = fixed([0, 1, 2, 3].map(() => [0, 1, 2, 3, 4, 5, 6, 7]));
  const users = new Interactions({
    userIds: [1, 2, 2, 3, 3, 3],
    itemIds: [7, 6, 3, 7, 5, 0],
    numUsers: 4,
    numItems: 8,
  });

  it('MRR averages each user first, then over users (hand-computed, three users)', () => {
    // User 1: item 7 ranks 1. User 2: ranks 2 and 5. User 3: ranks 1, 3 and 8. User 0 has no test items.
    const perUser = [1, (1 / 2 + 1 / 5) / 2, (1 + 1 / 3 + 1 / 8) / 3];
    const { mrr, perUser: got } = mrrScore(ranked, users, undefined, { userBatch: 2, itemChunk: 3 });
    expect(Array.from(got)).toEqual(perUser.map((v) => expect.closeTo(v, 12)));
    expect(mrr).toBeCloseTo((perUser[0]! + perUser[1]! + perUser[2]!) / 3, 12);
    // The per-interaction mean, for contrast: (1 + 1/2 + 1/5 + 1 + 1/3 + 1/8) / 6 = 0.526, not 0.627.
    expect(mrr).not.toBeCloseTo((1 + 1 / 2 + 1 / 5 + 1 + 1 / 3 + 1 / 8) / 6, 2);
  });

  it("precision and recall at k average over users, recall over each user's own test items (hand-computed)", () => {
    // Top 2 of every user: items 7 and 6. Hits: user 1 one of 1, user 2 one of 2, user 3 one of 3.
    const { precision, recall } = precisionRecallAtK(ranked, users, undefined, 2, {
      userBatch: 2,
      itemChunk: 3,
    });
    expect(precision).toBeCloseTo((1 / 2 + 1 / 2 + 1 / 2) / 3, 12);
    expect(recall).toBeCloseTo((1 + 1 / 2 + 1 / 3) / 3, 12);
    // User 3's item 7 is in train: excluded, so its top 2 is 6 and 5: one hit (item 5) of 3.
    const train = new Interactions({ userIds: [3], itemIds: [7], numUsers: 4, numItems: 8 });
    const excluded = precisionRecallAtK(ranked, users, train, 2);
    expect(excluded.recall).toBeCloseTo((1 + 1 / 2 + 1 / 3) / 3, 12);
    expect(excluded.precision).toBeCloseTo(0.5, 12);
  });

  it('sequence MRR ranks the last item after the rest, ties averaged, a mean over sequences (hand-computed)', async () => {
    // The model scores items 0..5 the same after any prefix; it checks that it sees all but the last element.
    const prefixes: number[][] = [];
    const model = {
      predict(prefix: Int32Array) {
        prefixes.push(Array.from(prefix));
        return Float32Array.of(0, 0.9, 0.5, 0.5, 0.1, 0.7);
      },
      async predictAsync(prefix: Int32Array) {
        return this.predict(prefix);
      },
    };
    // Targets: item 1 (rank 1), item 3 (tied with 2 at ranks 3 and 4: 3.5), item 4 (rank 5).
    const test = new SequenceInteractions(
      Int32Array.of(0, 2, 1, 5, 4, 3, 0, 0, 4),
      Int32Array.of(0, 1, 2),
      3,
      6,
    );
    const expected = [1, 1 / 3.5, 1 / 5];
    const { mrr, perSequence } = sequenceMrrScore(model, test);
    expect(Array.from(perSequence)).toEqual(expected.map((v) => expect.closeTo(v, 12)));
    expect(mrr).toBeCloseTo((1 + 1 / 3.5 + 1 / 5) / 3, 12);
    expect(prefixes).toEqual([
      [0, 2],
      [5, 4],
      [0, 0],
    ]);
    expect((await sequenceMrrScoreAsync(model, test)).mrr).toBeCloseTo(mrr, 12);
  });
});
