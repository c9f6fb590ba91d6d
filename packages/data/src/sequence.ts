import { DataError, requireInteger } from '@bloom/core';
import type { Interactions } from './interactions.js';
import { SequenceInteractions } from './sequence-interactions.js';

/** Options of {@link toSequence}, with Spotlight's defaults. */
export interface SequenceOptions {
  /** Window length L. Default 10. */
  readonly maxLength?: number;
  /** Drop windows with fewer real items than this (1..L). Default: keep all. */
  readonly minLength?: number;
  /** Stride between windows, moving back from the end of each history. Default: maxLength. */
  readonly stepSize?: number;
}

/**
 * Spotlight's `to_sequence`: each user's interactions ordered by timestamp (ties in row order), cut into
 * windows from the end of the history backwards every `stepSize` items, each right-aligned and left-padded
 * with 0. Users come in increasing id order. Item id 0 is reserved for padding.
 *
 * Deliberate difference: weights stay float (Spotlight stores weight sequences as int32, truncating them).
 *
 * @example
 * // history [1, 2, 3, 4, 5], maxLength 5, stepSize 2 gives
 * // [1, 2, 3, 4, 5], [0, 0, 1, 2, 3], [0, 0, 0, 0, 1]
 * @throws DataError without timestamps or when an item id is 0; ConfigError for bad lengths.
 */
export function toSequence(interactions: Interactions, options: SequenceOptions = {}): SequenceInteractions {
  const maxLength = requireInteger('maxLength', options.maxLength ?? 10, 1, 1 << 20);
  const stepSize = requireInteger('stepSize', options.stepSize ?? maxLength, 1, 1 << 30);
  const minLength =
    options.minLength === undefined
      ? undefined
      : requireInteger('minLength', options.minLength, 1, maxLength);
  const { itemIds, weights } = interactions;
  if (interactions.timestamps === undefined) {
    throw new DataError('cannot convert to sequences: these interactions have no timestamps');
  }
  const zeroRow = itemIds.indexOf(0);
  if (zeroRow >= 0) {
    throw new DataError(`row ${zeroRow}: item id 0 is reserved for sequence padding; shift item ids by 1`);
  }

  const { offsets, rows } = interactions.byUserInTimeOrder();
  const numUsers = offsets.length - 1;
  let count = 0;
  for (let u = 0; u < numUsers; u++) count += Math.ceil((offsets[u + 1]! - offsets[u]!) / stepSize);

  const sequences = new Int32Array(count * maxLength);
  const seqWeights = weights === undefined ? undefined : new Float32Array(count * maxLength);
  const userIds = new Int32Array(count);
  let s = 0;
  for (let u = 0; u < numUsers; u++) {
    const start = offsets[u]!;
    for (let end = offsets[u + 1]!; end > start; end -= stepSize) {
      const first = Math.max(end - maxLength, start);
      const base = s * maxLength + maxLength - (end - first);
      for (let k = first; k < end; k++) {
        sequences[base + k - first] = itemIds[rows[k]!]!;
        if (seqWeights !== undefined) seqWeights[base + k - first] = weights![rows[k]!]!;
      }
      userIds[s++] = u;
    }
  }
  const all = new SequenceInteractions(sequences, userIds, maxLength, interactions.numItems, seqWeights);
  return minLength === undefined ? all : keepLongEnough(all, minLength);
}

// Spotlight's test `sequences[:, -min_length] != 0`: at least minLength real items.
function keepLongEnough(all: SequenceInteractions, minLength: number): SequenceInteractions {
  const L = all.maxLength;
  const keep: number[] = [];
  for (let s = 0; s < all.length; s++) if (all.sequences[s * L + L - minLength] !== 0) keep.push(s);
  const sequences = new Int32Array(keep.length * L);
  const weights = all.weights === undefined ? undefined : new Float32Array(keep.length * L);
  const userIds = new Int32Array(keep.length);
  keep.forEach((s, i) => {
    sequences.set(all.sequence(s), i * L);
    weights?.set(all.weights!.subarray(s * L, (s + 1) * L), i * L);
    userIds[i] = all.userIds[s]!;
  });
  return new SequenceInteractions(sequences, userIds, L, all.numItems, weights);
}
