import { DataError } from '@bloom/core';
import type { Interactions } from '@bloom/data';

/** Root mean squared error of `predict` on the test ratings (Spotlight's `rmse_score`). */
export function rmseScore(
  predict: (userIds: Int32Array, itemIds: Int32Array) => Float32Array,
  test: Interactions,
): number {
  if (test.ratings === undefined) throw new DataError('RMSE needs ratings, and these interactions have none');
  const predicted = predict(test.userIds, test.itemIds);
  let sum = 0;
  for (let i = 0; i < test.length; i++) {
    const e = predicted[i]! - test.ratings[i]!;
    sum += e * e;
  }
  return Math.sqrt(sum / test.length);
}
