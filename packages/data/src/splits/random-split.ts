import type { Interactions } from '../interactions.js';
import { resolveSeededSplit, type SeededSplitOptions, type TrainTestSplit } from './split-options.js';

/**
 * Spotlight's `random_train_test_split`: shuffle all rows with numpy's RandomState(seed), then the first
 * floor((1 - testFraction) * n) rows train and the rest test. Same seed, same rows as Spotlight, in the
 * same (shuffled) order.
 *
 * @example
 * const { train, test } = randomTrainTestSplit(data, { testFraction: 0.2, seed: 42 });
 */
export function randomTrainTestSplit(
  interactions: Interactions,
  options: SeededSplitOptions = {},
): TrainTestSplit {
  const { p, random } = resolveSeededSplit(options);
  const order = random.permutation(interactions.length);
  const cutoff = Math.trunc((1 - p) * interactions.length);
  return {
    train: interactions.select(order.subarray(0, cutoff)),
    test: interactions.select(order.subarray(cutoff)),
  };
}
