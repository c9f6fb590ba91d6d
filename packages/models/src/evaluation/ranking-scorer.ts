import type { Interactions } from '@bloom/data';

/**
 * What ranking metrics need from a model: the scores of every item in [from, to) for a batch of users, written
 * row-major into `out` ([users, to - from]). Metrics call it chunk by chunk, so memory stays
 * O(users x chunk) whatever the catalogue size.
 */
export interface RankingScorer {
  readonly numItems: number;
  scoreChunk(userIds: Int32Array, from: number, to: number, out: Float32Array): void;
}

/** Options of the ranking metrics. */
export interface RankingOptions {
  /** Users scored together. Default 256. */
  readonly userBatch?: number;
  /** Items scored together. Default 65536. */
  readonly itemChunk?: number;
}

/** Items of `user` in a CSR index. */
export function itemsOf(
  index: { offsets: Int32Array; rows: Int32Array },
  itemIds: Int32Array,
  user: number,
): Int32Array {
  const out = new Int32Array(index.offsets[user + 1]! - index.offsets[user]!);
  for (let k = 0; k < out.length; k++) out[k] = itemIds[index.rows[index.offsets[user]! + k]!]!;
  return out;
}

/** The items `user` has in `seen` (none when `seen` is absent or the user is beyond its tables). */
export function seenItems(seen: Interactions | undefined, user: number): Set<number> {
  if (seen === undefined || user >= seen.numUsers) return new Set();
  return new Set(itemsOf(seen.byUser(), seen.itemIds, user));
}
