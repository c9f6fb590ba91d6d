import type { Interactions } from '@bloom/data';
import { type RankingScorer, seenItems } from './ranking-scorer.js';

/** The k best items of one user, best first. */
export interface Recommendations {
  readonly items: Int32Array;
  readonly scores: Float32Array;
}

/**
 * The top k items of each user in `users` (best first), never returning excluded items; scores items in chunks.
 * Fewer than k items come back when fewer are eligible.
 */
export function topKForUsers(
  scorer: RankingScorer,
  users: Int32Array,
  k: number,
  excluded: readonly ReadonlySet<number>[],
  itemChunk = 65536,
): Recommendations[] {
  const best = Array.from(users, () => new Float32Array(k).fill(Number.NEGATIVE_INFINITY));
  const ids = Array.from(users, () => new Int32Array(k).fill(-1));
  for (let from = 0; from < scorer.numItems; from += itemChunk) {
    const to = Math.min(scorer.numItems, from + itemChunk);
    const width = to - from;
    const scores = new Float32Array(users.length * width);
    scorer.scoreChunk(users, from, to, scores);
    for (let b = 0; b < users.length; b++) {
      const top = best[b]!;
      const topIds = ids[b]!;
      for (let i = 0; i < width; i++) {
        const s = scores[b * width + i]!;
        if ((topIds[k - 1] !== -1 && s <= top[k - 1]!) || excluded[b]?.has(from + i)) continue;
        let p = k - 1;
        while (p > 0 && (topIds[p - 1] === -1 || top[p - 1]! < s)) {
          top[p] = top[p - 1]!;
          topIds[p] = topIds[p - 1]!;
          p--;
        }
        top[p] = s;
        topIds[p] = from + i;
      }
    }
  }
  return ids.map((items, b) => {
    const n = items.indexOf(-1) === -1 ? k : items.indexOf(-1);
    return { items: items.slice(0, n), scores: best[b]!.slice(0, n) };
  });
}

/**
 * Top-k recommendations for one user, optionally excluding the items they already have in `seen`.
 * @example
 * const { items, scores } = recommend(model.net, 42, 10, { seen: train });
 */
export function recommend(
  scorer: RankingScorer,
  userId: number,
  k: number,
  options: { seen?: Interactions } = {},
): Recommendations {
  const excluded = seenItems(options.seen, userId);
  return topKForUsers(scorer, Int32Array.of(userId), k, [excluded])[0]!;
}

/**
 * Top-k next items after `sequence` (item ids, 0 for padding) from a sequence model, best first. Padding (item 0)
 * is never recommended; with `excludeSeen`, neither is any item already in the sequence.
 * @example
 * const { items } = recommendNext(model, Int32Array.of(0, 0, 12, 7, 3), 10, { excludeSeen: true });
 */
export function recommendNext(
  model: { predict(sequence: Int32Array): Float32Array },
  sequence: Int32Array,
  k: number,
  options: { excludeSeen?: boolean } = {},
): Recommendations {
  const scores = model.predict(sequence);
  const excluded = new Set<number>([0]);
  if (options.excludeSeen) for (const item of sequence) excluded.add(item);
  const scorer: RankingScorer = {
    numItems: scores.length,
    scoreChunk: (_users, from, to, out) => out.set(scores.subarray(from, to)),
  };
  return topKForUsers(scorer, Int32Array.of(0), k, [excluded])[0]!;
}
