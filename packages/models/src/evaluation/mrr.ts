import type { Interactions } from '@bloom/data';
import { itemsOf, type RankingOptions, type RankingScorer, seenItems } from './ranking-scorer.js';

/**
 * Spotlight's `mrr_score`: for every user with test interactions, rank all items by score (items the user has in
 * `train` are excluded: they rank last, tied), take 1/rank of each test item, average per user, then over users.
 * Ties get their average rank, as scipy's rankdata does. Scores are computed in user batches and item chunks.
 *
 * @returns The mean reciprocal rank and the per-user values (in increasing user id order).
 */
export function mrrScore(
  scorer: RankingScorer,
  test: Interactions,
  train?: Interactions,
  options: RankingOptions = {},
): { mrr: number; perUser: Float64Array } {
  const testIndex = test.byUser();
  const users = usersWithItems(testIndex.offsets);
  const perUser = new Float64Array(users.length);
  const userBatch = options.userBatch ?? 256;
  const chunk = options.itemChunk ?? 65536;
  for (let start = 0; start < users.length; start += userBatch) {
    const batch = users.subarray(start, start + userBatch);
    const targets = Array.from(batch, (u) => itemsOf(testIndex, test.itemIds, u));
    const excluded = Array.from(batch, (u) => seenItems(train, u));
    // Pass 1: each target's own score; pass 2: how many items score above it, and how many tie.
    const targetScore = targets.map((t) => new Float64Array(t.length));
    const above = targets.map((t) => new Float64Array(t.length));
    const ties = targets.map((t) => new Float64Array(t.length));
    for (const pass of [1, 2]) {
      for (let from = 0; from < scorer.numItems; from += chunk) {
        const to = Math.min(scorer.numItems, from + chunk);
        const scores = new Float32Array(batch.length * (to - from));
        scorer.scoreChunk(batch, from, to, scores);
        for (let b = 0; b < batch.length; b++) {
          const row = scores.subarray(b * (to - from), (b + 1) * (to - from));
          for (const item of excluded[b]!)
            if (item >= from && item < to) row[item - from] = Number.NEGATIVE_INFINITY;
          const t = targets[b]!;
          for (let k = 0; k < t.length; k++) {
            if (pass === 1) {
              if (t[k]! >= from && t[k]! < to) targetScore[b]![k] = row[t[k]! - from]!;
              continue;
            }
            const s = targetScore[b]![k]!;
            let greater = 0;
            let equal = 0;
            for (let i = 0; i < row.length; i++) {
              if (row[i]! > s) greater++;
              else if (row[i] === s) equal++;
            }
            above[b]![k]! += greater;
            ties[b]![k]! += equal;
          }
        }
      }
    }
    for (let b = 0; b < batch.length; b++) {
      let sum = 0;
      for (let k = 0; k < targets[b]!.length; k++) sum += 1 / (1 + above[b]![k]! + (ties[b]![k]! - 1) / 2);
      perUser[start + b] = sum / targets[b]!.length;
    }
  }
  let total = 0;
  for (const v of perUser) total += v;
  return { mrr: perUser.length === 0 ? 0 : total / perUser.length, perUser };
}

/** Users with at least one interaction in a CSR index. */
export function usersWithItems(offsets: Int32Array): Int32Array {
  const users: number[] = [];
  for (let u = 0; u + 1 < offsets.length; u++) if (offsets[u + 1]! > offsets[u]!) users.push(u);
  return Int32Array.from(users);
}
