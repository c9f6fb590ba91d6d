import type { Interactions } from '@bloom/data';
import { usersWithItems } from './mrr.js';
import { itemsOf, type RankingOptions, type RankingScorer, seenItems } from './ranking-scorer.js';
import { topKForUsers } from './top-k.js';

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
  const users = usersWithItems(testIndex.offsets);
  const userBatch = options.userBatch ?? 256;
  let precision = 0;
  let recall = 0;
  for (let start = 0; start < users.length; start += userBatch) {
    const batch = users.subarray(start, start + userBatch);
    const excluded = Array.from(batch, (u) => seenItems(train, u));
    const top = topKForUsers(scorer, batch, k, excluded, options.itemChunk);
    for (let b = 0; b < batch.length; b++) {
      const targets = new Set(itemsOf(testIndex, test.itemIds, batch[b]!));
      let hits = 0;
      for (const item of top[b]!.items) if (targets.has(item)) hits++;
      precision += hits / k;
      recall += hits / targets.size;
    }
  }
  return users.length === 0
    ? { precision: 0, recall: 0 }
    : { precision: precision / users.length, recall: recall / users.length };
}
