import type { Interactions } from '@bloom/data';
import { usersWithItems } from './mrr.js';
import { itemsOf, type RankingOptions, type RankingScorer } from './ranking-scorer.js';

/**
 * Spotlight's `precision_recall_score` at k: per user with test items, the top k items by score (train items
 * excluded), precision = hits / k and recall = hits / number of test items, averaged over users.
 */
export function precisionRecallAtK(
  scorer: RankingScorer,
  test: Interactions,
  train: Interactions | undefined,
  k: number,
  options: RankingOptions = {},
): { precision: number; recall: number } {
  const testIndex = test.byUser();
  const trainIndex = train?.byUser();
  const users = usersWithItems(testIndex.offsets);
  const userBatch = options.userBatch ?? 256;
  const chunk = options.itemChunk ?? 65536;
  let precision = 0;
  let recall = 0;
  for (let start = 0; start < users.length; start += userBatch) {
    const batch = users.subarray(start, start + userBatch);
    const topScores = Array.from(batch, () => new Float64Array(k).fill(Number.NEGATIVE_INFINITY));
    const topItems = Array.from(batch, () => new Int32Array(k).fill(-1));
    const excluded = Array.from(batch, (u) =>
      trainIndex === undefined || u + 1 >= trainIndex.offsets.length
        ? new Set<number>()
        : new Set(itemsOf(trainIndex, train!.itemIds, u)),
    );
    for (let from = 0; from < scorer.numItems; from += chunk) {
      const to = Math.min(scorer.numItems, from + chunk);
      const scores = new Float32Array(batch.length * (to - from));
      scorer.scoreChunk(batch, from, to, scores);
      for (let b = 0; b < batch.length; b++) {
        const best = topScores[b]!;
        const ids = topItems[b]!;
        for (let i = 0; i < to - from; i++) {
          const s = scores[b * (to - from) + i]!;
          if (s <= best[k - 1]! || excluded[b]!.has(from + i)) continue;
          let p = k - 1;
          while (p > 0 && best[p - 1]! < s) {
            best[p] = best[p - 1]!;
            ids[p] = ids[p - 1]!;
            p--;
          }
          best[p] = s;
          ids[p] = from + i;
        }
      }
    }
    for (let b = 0; b < batch.length; b++) {
      const targets = new Set(itemsOf(testIndex, test.itemIds, batch[b]!));
      let hits = 0;
      for (const item of topItems[b]!) if (targets.has(item)) hits++;
      precision += hits / k;
      recall += hits / targets.size;
    }
  }
  return users.length === 0
    ? { precision: 0, recall: 0 }
    : { precision: precision / users.length, recall: recall / users.length };
}
