import { murmur3Int32 } from '@bloom/hashers';
import type { Interactions } from '../interactions.js';
import {
  resolveSeededSplit,
  type SeededSplitOptions,
  splitByMask,
  type TrainTestSplit,
} from './split-options.js';

/**
 * Spotlight's `user_based_train_test_split`: a user's whole history goes to test when
 * (unsigned murmur3(user id, s) mod 100) / 100 < testFraction, where s is one `randint(0, 2^32 - 1)` draw
 * from numpy's RandomState(seed). Same seed, same users as Spotlight. Rows keep their order.
 */
export function userBasedTrainTestSplit(
  interactions: Interactions,
  options: SeededSplitOptions = {},
): TrainTestSplit {
  const { p, random } = resolveSeededSplit(options);
  const hashSeed = random.randint(0, 0xffffffff);
  const userInTest = new Uint8Array(interactions.numUsers);
  for (let u = 0; u < userInTest.length; u++) {
    userInTest[u] = ((murmur3Int32(u, hashSeed) >>> 0) % 100) / 100 < p ? 1 : 0;
  }
  const { userIds } = interactions;
  const inTest = new Uint8Array(interactions.length);
  for (let i = 0; i < inTest.length; i++) inTest[i] = userInTest[userIds[i]!]!;
  return splitByMask(interactions, inTest);
}
