import { ConfigError, Rng, requireInteger } from '@bloom/core';
import { Interactions } from '../interactions.js';
import { symmetricDirichlet } from './dirichlet.js';

/** Options of {@link generateSequential}, with Spotlight's defaults. */
export interface GenerateSequentialOptions {
  readonly numUsers?: number;
  /** Size of the item table; ids 1..numItems-1 are generated, 0 is padding. Default 1000. */
  readonly numItems?: number;
  readonly numInteractions?: number;
  /** Dirichlet concentration of each transition row: nearer 0 is more predictable. Default 0.1. */
  readonly concentration?: number;
  /** Order of the Markov chain. Default 3. */
  readonly order?: number;
  /** Seed of Bloom's Rng. Default 0. */
  readonly seed?: number;
}

/**
 * The synthetic data of Spotlight's sequence tests (100 users, 100 items, 20000 interactions, concentration 1e-3,
 * order 2): `bloom train --dataset synthetic`, the sequence experiments and the models' tests train on it.
 */
export const SPOTLIGHT_SEQUENCE_DATA = {
  numUsers: 100,
  numItems: 100,
  numInteractions: 20000,
  concentration: 1e-3,
  order: 2,
} as const satisfies GenerateSequentialOptions;

/**
 * Spotlight's `generate_sequential`: items follow an order-n Markov chain whose transition matrix is drawn
 * row by row from a symmetric Dirichlet and made doubly stochastic (Sinkhorn, at most 100 rounds, tolerance
 * 1e-3), so the stationary distribution is uniform. The next item is drawn from the mean of the transition
 * rows of the last `order` items. User ids are uniform and sorted, timestamps are 0..n-1, ratings are 1.
 *
 * Same process and parameters as Spotlight, drawn from Bloom's Rng rather than numpy's stream, so the
 * data are statistically, not bitwise, equal.
 */
export function generateSequential(options: GenerateSequentialOptions = {}): Interactions {
  const numUsers = requireInteger('numUsers', options.numUsers ?? 100, 1, 2 ** 31 - 1);
  const numItems = requireInteger('numItems', options.numItems ?? 1000, 2, 1 << 14);
  const n = requireInteger('numInteractions', options.numInteractions ?? 10000, 0, 2 ** 31 - 1);
  const order = requireInteger('order', options.order ?? 3, 1, 64);
  const concentration = options.concentration ?? 0.1;
  if (!(concentration > 0 && Number.isFinite(concentration))) {
    throw new ConfigError('concentration', 'a finite number > 0', concentration);
  }
  const rng = new Rng(requireInteger('seed', options.seed ?? 0, 0, 2 ** 53));
  const states = numItems - 1;
  const cumulative = cumulativeRows(buildTransitionMatrix(rng, states, concentration), states);

  const userIds = new Int32Array(n);
  for (let i = 0; i < n; i++) userIds[i] = rng.nextInt(numUsers);
  userIds.sort();

  const itemIds = new Int32Array(n);
  const history = Int32Array.from({ length: order }, () => rng.nextInt(states));
  const mixed = new Float64Array(states);
  for (let i = 0; i < n; i++) {
    mixed.fill(0);
    for (const s of history) for (let j = 0; j < states; j++) mixed[j]! += cumulative[s * states + j]!;
    const next = Math.min(states - 1, searchLeft(mixed, rng.next() * order));
    history.copyWithin(0, 1);
    history[order - 1] = next;
    itemIds[i] = next + 1;
  }
  const timestamps = Float64Array.from({ length: n }, (_, i) => i);
  const ratings = new Float32Array(n).fill(1);
  return new Interactions({ userIds, itemIds, ratings, timestamps, numUsers, numItems });
}

/** A k x k row-major transition matrix from symmetric Dirichlet rows, made doubly stochastic (Sinkhorn). */
export function buildTransitionMatrix(rng: Rng, k: number, alpha: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let r = 0; r < k; r++) symmetricDirichlet(rng, alpha, m.subarray(r * k, (r + 1) * k));
  const colSums = new Float64Array(k);
  for (let round = 0; round < 100; round++) {
    colSums.fill(0);
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) colSums[c]! += m[r * k + c]!;
    let balanced = colSums.every((s) => Math.abs(1 - s) < 1e-3);
    for (let r = 0; r < k && balanced; r++) balanced = Math.abs(1 - rowSum(m, r, k)) < 1e-3;
    if (balanced) break;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) if (colSums[c]! > 0) m[r * k + c]! /= colSums[c]!;
    for (let r = 0; r < k; r++) {
      const s = rowSum(m, r, k);
      for (let c = 0; c < k; c++) m[r * k + c]! /= s;
    }
  }
  return m;
}

function rowSum(m: Float64Array, r: number, k: number): number {
  let s = 0;
  for (let c = 0; c < k; c++) s += m[r * k + c]!;
  return s;
}

function cumulativeRows(m: Float64Array, k: number): Float64Array {
  for (let r = 0; r < k; r++) for (let c = 1; c < k; c++) m[r * k + c]! += m[r * k + c - 1]!;
  return m;
}

// numpy's searchsorted(side='left'): the first index whose value is >= x.
function searchLeft(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
