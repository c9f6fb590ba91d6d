import { ConfigError, NumpyRandomState, requireInteger } from '@bloom/core';
import type { Interactions } from '../interactions.js';

/** A train/test pair; both keep the original numUsers and numItems. */
export interface TrainTestSplit {
  readonly train: Interactions;
  readonly test: Interactions;
}

/** Options shared by the seeded splits. */
export interface SeededSplitOptions {
  /** Fraction held out for test, in [0, 1]. Default 0.2 (Spotlight's). */
  readonly testFraction?: number;
  /** Seed of numpy's RandomState, in [0, 2^32 - 1]: the same seed gives Spotlight's split. Default 0. */
  readonly seed?: number;
  /** A generator to draw from instead of `seed`, to continue one stream across calls as Spotlight's tests do. */
  readonly random?: NumpyRandomState;
}

/** Validates the shared options. */
export function resolveSeededSplit(options: SeededSplitOptions): { p: number; random: NumpyRandomState } {
  const p = options.testFraction ?? 0.2;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ConfigError('testFraction', 'a number in [0, 1]', p);
  }
  const random =
    options.random ?? new NumpyRandomState(requireInteger('seed', options.seed ?? 0, 0, 0xffffffff));
  return { p, random };
}

/** Splits by a per-row boolean: rows keep their order in both halves. */
export function splitByMask(interactions: Interactions, inTest: Uint8Array): TrainTestSplit {
  let testCount = 0;
  for (let i = 0; i < inTest.length; i++) testCount += inTest[i]!;
  const train = new Int32Array(inTest.length - testCount);
  const test = new Int32Array(testCount);
  let a = 0;
  let b = 0;
  for (let i = 0; i < inTest.length; i++) {
    if (inTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train: interactions.select(train), test: interactions.select(test) };
}
