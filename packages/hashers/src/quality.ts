import { ConfigError, type Hasher, type Rng, requireInteger } from '@bloom/core';

/** Bucket-load uniformity: Pearson's chi-square of the bucket counts against a uniform load. */
export interface ChiSquareResult {
  /** The chi-square statistic. */
  readonly statistic: number;
  /** m - 1. Under ideal hashing the statistic has this mean. */
  readonly degreesOfFreedom: number;
  /** sqrt(2 (m - 1)), the statistic's standard deviation under ideal hashing. */
  readonly standardDeviation: number;
  /** (statistic - dof) / sd: near 0 for a random-looking hash; far above 0 for clumping, far below for lattices. */
  readonly zScore: number;
}

/**
 * Chi-square of bucket loads.
 * @param indices - Bucket indices (e.g. a family's [n x k] output, flattened).
 * @param buckets - m.
 */
export function bucketLoadChiSquare(indices: Int32Array, buckets: number): ChiSquareResult {
  requireInteger('buckets', buckets, 2, 2 ** 31 - 1);
  const counts = new Float64Array(buckets);
  for (let i = 0; i < indices.length; i++) counts[indices[i]!]!++;
  const expected = indices.length / buckets;
  let statistic = 0;
  for (let b = 0; b < buckets; b++) statistic += (counts[b]! - expected) ** 2;
  statistic /= expected;
  const degreesOfFreedom = buckets - 1;
  const standardDeviation = Math.sqrt(2 * degreesOfFreedom);
  return {
    statistic,
    degreesOfFreedom,
    standardDeviation,
    zScore: (statistic - degreesOfFreedom) / standardDeviation,
  };
}

/** How many ids share their whole k-bucket set with another id: such ids get identical embeddings. */
export interface CollisionResult {
  /** n. */
  readonly ids: number;
  /** Ids whose bucket multiset equals some other id's. */
  readonly collidingIds: number;
  /** collidingIds / n. */
  readonly observed: number;
  /** The same fraction for ideal (independent, uniform) hash functions. */
  readonly expected: number;
}

/**
 * Fraction of ids whose full set of k buckets (as a multiset: order does not matter to a sum) collides with
 * another id's.
 * @param indices - [n x k] bucket indices.
 */
export function kSetCollisions(indices: Int32Array, k: number, buckets: number): CollisionResult {
  requireInteger('k', k, 1, 64);
  if (indices.length % k !== 0)
    throw new ConfigError('indices', `a length divisible by k = ${k}`, indices.length);
  const n = indices.length / k;
  const seen = new Map<string, number>();
  const row = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    row.set(indices.subarray(i * k, i * k + k));
    row.sort();
    const key = row.join(',');
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let collidingIds = 0;
  for (const count of seen.values()) if (count > 1) collidingIds += count;
  const p = multisetMatchProbability(k, buckets);
  // 1 - (1 - p)^(n - 1), accurate for tiny p.
  const expected = -Math.expm1((n - 1) * Math.log1p(-p));
  return { ids: n, collidingIds, observed: collidingIds / n, expected };
}

/**
 * The probability that two ids hashed by k ideal functions into m buckets get the same bucket multiset:
 * the sum over multisets S of P(S)^2, grouped by the multiplicity pattern (a partition of k).
 */
export function multisetMatchProbability(k: number, m: number): number {
  const logFactorial = (x: number): number => {
    let s = 0;
    for (let i = 2; i <= x; i++) s += Math.log(i);
    return s;
  };
  let total = 0;
  for (const parts of partitions(k)) {
    const r = parts.length;
    if (r > m) continue;
    let logCount = 0; // multisets of this pattern: m! / (m - r)! / prod(multiplicity of each part size)!
    for (let t = 0; t < r; t++) logCount += Math.log(m - t);
    const sizeMultiplicity = new Map<number, number>();
    for (const part of parts) sizeMultiplicity.set(part, (sizeMultiplicity.get(part) ?? 0) + 1);
    for (const c of sizeMultiplicity.values()) logCount -= logFactorial(c);
    let logProbability = logFactorial(k) - k * Math.log(m); // P(S) = k! / prod(part!) / m^k
    for (const part of parts) logProbability -= logFactorial(part);
    total += Math.exp(logCount + 2 * logProbability);
  }
  return total;
}

/** The partitions of n as non-increasing part lists. */
function* partitions(n: number, max = n): Generator<number[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (let first = Math.min(n, max); first >= 1; first--) {
    for (const rest of partitions(n - first, first)) yield [first, ...rest];
  }
}

/** Strict avalanche: how often flipping one input bit flips each output bit (ideal: half the time). */
export interface AvalancheResult {
  /** Random ids tried. */
  readonly samples: number;
  /** The flip probability averaged over the 32 x 32 (input bit, output bit) pairs; ideal 0.5. */
  readonly meanFlipProbability: number;
  /** max |p - 0.5| over the pairs. */
  readonly worstBias: number;
  /** What worstBias is for an ideal hash with this many samples: about 3.4 standard errors of one cell. */
  readonly expectedWorstBias: number;
}

/**
 * Measures the avalanche of a hasher's 32-bit hash of int32 ids.
 * @param samples - Random ids to try (each costs 33 hashes).
 */
export function avalanche(hasher: Hasher, samples: number, rng: Rng): AvalancheResult {
  requireInteger('samples', samples, 1, 1e8);
  const flips = new Float64Array(32 * 32);
  for (let s = 0; s < samples; s++) {
    const id = rng.nextUint32() | 0;
    const h = hasher.hashInt32(id);
    for (let bit = 0; bit < 32; bit++) {
      const diff = h ^ hasher.hashInt32(id ^ (1 << bit));
      for (let o = 0; o < 32; o++) flips[bit * 32 + o]! += (diff >>> o) & 1;
    }
  }
  let sum = 0;
  let worstBias = 0;
  for (let i = 0; i < flips.length; i++) {
    const p = flips[i]! / samples;
    sum += p;
    worstBias = Math.max(worstBias, Math.abs(p - 0.5));
  }
  // E[max |Z|] over 1024 independent standard normals is about 3.4.
  const expectedWorstBias = (3.4 * 0.5) / Math.sqrt(samples);
  return { samples, meanFlipProbability: sum / flips.length, worstBias, expectedWorstBias };
}
