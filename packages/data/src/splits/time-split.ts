import { requireInteger } from '@bloom/core';
import type { Interactions } from '../interactions.js';
import { splitByMask, type TrainTestSplit } from './split-options.js';

/** Options of {@link timeBasedTrainTestSplit}. */
export interface TimeSplitOptions {
  /** How many of each user's latest interactions go to test. Default 1 (leave-last-one-out). */
  readonly testPerUser?: number;
  /** Interactions each user keeps in train however short the history; users with fewer go wholly to train. Default 1. */
  readonly minTrainPerUser?: number;
}

/**
 * Holds out the last `testPerUser` interactions of every user (by timestamp, ties in row order) — the
 * split sequential recommenders are evaluated on, which Spotlight lacks. A user with at most
 * `minTrainPerUser` interactions contributes only to train; otherwise test takes
 * min(testPerUser, count - minTrainPerUser). Rows keep their order.
 */
export function timeBasedTrainTestSplit(
  interactions: Interactions,
  options: TimeSplitOptions = {},
): TrainTestSplit {
  const testPerUser = requireInteger('testPerUser', options.testPerUser ?? 1, 1, 2 ** 31 - 1);
  const minTrain = requireInteger('minTrainPerUser', options.minTrainPerUser ?? 1, 0, 2 ** 31 - 1);
  const { offsets, rows } = interactions.byUserInTimeOrder();
  const inTest = new Uint8Array(interactions.length);
  for (let u = 0; u + 1 < offsets.length; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    const held = Math.min(testPerUser, Math.max(0, end - start - minTrain));
    for (let k = end - held; k < end; k++) inTest[rows[k]!] = 1;
  }
  return splitByMask(interactions, inTest);
}
