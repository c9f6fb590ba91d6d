import type { Interactions, SequenceInteractions } from '@bloom/data';
import type { RankingScorer } from './ranking-scorer.js';

/**
 * The popularity baseline: every user gets the same ranking, items by their number of interactions in `train`.
 * A trained recommender must beat it; an MRR means little until compared with it (`bloom train --json` reports
 * both).
 */
export function popularityScorer(train: Interactions): RankingScorer {
  const counts = new Float32Array(train.numItems);
  for (const item of train.itemIds) counts[item]! += 1;
  return {
    numItems: train.numItems,
    scoreChunk(userIds, from, to, out) {
      const width = to - from;
      for (let b = 0; b < userIds.length; b++) out.set(counts.subarray(from, to), b * width);
    },
  };
}

/**
 * The popularity baseline for next-item prediction: after any sequence, items score by how often they occur in the
 * training sequences (padding, item 0, never counts). Sequence models must beat it.
 */
export function sequencePopularityModel(train: SequenceInteractions): {
  predict(sequence: Int32Array): Float32Array;
  predictAsync(sequence: Int32Array): Promise<Float32Array>;
} {
  const counts = new Float32Array(train.numItems);
  for (const item of train.sequences) if (item !== 0) counts[item]! += 1;
  return { predict: () => counts.slice(), predictAsync: async () => counts.slice() };
}

/** The constant baseline of explicit models: every rating predicted as the mean rating of `train`. */
export function meanRating(train: Interactions): number {
  const ratings = train.ratings;
  if (ratings === undefined || ratings.length === 0) return Number.NaN;
  let sum = 0;
  for (const r of ratings) sum += r;
  return sum / ratings.length;
}
