import { hashers, Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { createHashFamily } from './hash-family.js';
import { avalanche, bucketLoadChiSquare, kSetCollisions, multisetMatchProbability } from './quality.js';
import './index.js';

const ids = Int32Array.from({ length: 20_000 }, (_, i) => i + 1);

describe('multisetMatchProbability', () => {
  it('has the closed forms for k = 1 and k = 2', () => {
    expect(multisetMatchProbability(1, 200)).toBeCloseTo(1 / 200, 15);
    expect(multisetMatchProbability(2, 200)).toBeCloseTo((2 * 200 - 1) / 200 ** 3, 15);
  });

  it('equals brute-force enumeration for k = 3, m = 5', () => {
    const counts = new Map<string, number>();
    for (let a = 0; a < 5; a++)
      for (let b = 0; b < 5; b++)
        for (let c = 0; c < 5; c++) {
          const key = [a, b, c].sort().join();
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
    let p = 0;
    for (const n of counts.values()) p += (n / 125) ** 2;
    expect(multisetMatchProbability(3, 5)).toBeCloseTo(p, 14);
  });
});

describe('quality metrics', () => {
  it('murmur3 loads buckets like an ideal hash; multiplicative on consecutive ids is a lattice', () => {
    const murmur = createHashFamily({ hasher: 'murmur3', numHashes: 4, buckets: 1000 });
    expect(Math.abs(bucketLoadChiSquare(murmur.indices(ids), 1000).zScore)).toBeLessThan(4);
    const mult = createHashFamily({ hasher: 'multiplicative', numHashes: 4, buckets: 1000 });
    // (id * prime) mod m over consecutive ids visits every residue equally: far too even to be random.
    expect(bucketLoadChiSquare(mult.indices(ids), 1000).zScore).toBeLessThan(-10);
  });

  it('k-set collisions of murmur3 match the ideal rate', () => {
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 2, buckets: 200 });
    const result = kSetCollisions(family.indices(ids), 2, 200);
    expect(result.expected).toBeCloseTo(-Math.expm1(19_999 * Math.log1p(-399 / 200 ** 3)), 12);
    expect(Math.abs(result.observed - result.expected)).toBeLessThan(0.02);
  });

  it('counts ids sharing a k-set regardless of order', () => {
    // ids 0 and 1 share {3, 5}; id 2 has {3, 4}.
    const result = kSetCollisions(Int32Array.of(3, 5, 5, 3, 4, 3), 2, 10);
    expect(result).toMatchObject({ ids: 3, collidingIds: 2 });
    expect(() => kSetCollisions(Int32Array.of(1, 2, 3), 2, 10)).toThrow(/divisible by k = 2/);
  });

  it('avalanche separates mixing hashes from multiplication', () => {
    for (const name of ['murmur3', 'xxhash32', 'xxhash64']) {
      const result = avalanche(hashers.get(name).create(1), 4000, new Rng(1));
      expect(Math.abs(result.meanFlipProbability - 0.5)).toBeLessThan(0.005);
      expect(result.worstBias).toBeLessThan(2 * result.expectedWorstBias);
    }
    const mult = avalanche(hashers.get('multiplicative').create(179424941), 1000, new Rng(1));
    // Flipping the top input bit never changes the low output bits of a product.
    expect(mult.worstBias).toBe(0.5);
  });
});
