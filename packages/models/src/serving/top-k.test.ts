import { Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';

// The reference: sort every eligible catalog item by score (descending), ties by id, and take k.
function bySort(scores: Float32Array, catalog: Int32Array, k: number, excluded: Set<number>) {
  const eligible = Array.from(catalog).filter((i) => !excluded.has(i) && !Number.isNaN(scores[i]!));
  eligible.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return eligible.slice(0, k);
}

describe('topK', () => {
  it('equals a full sort of the catalog, ties by lower id, exclusions and NaN left out', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.nextInt(300);
      // Few distinct values, so ties are common.
      const scores = Float32Array.from({ length: n }, () => rng.nextInt(20) - 10);
      if (trial % 3 === 0) scores[rng.nextInt(n)] = Number.NaN;
      const catalog = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.nextInt(4) > 0);
      const excluded = new Set(Array.from({ length: rng.nextInt(10) }, () => rng.nextInt(n)));
      const k = 1 + rng.nextInt(15);
      const got = topK(scores, catalog, k, excluded);
      const want = bySort(scores, catalog, k, excluded);
      expect(Array.from(got.items)).toEqual(want);
      expect(Array.from(got.scores)).toEqual(want.map((i) => scores[i]!));
      // The same scores aligned with the catalog (scores[j] for catalog[j]) give the same answer.
      const aligned = Float32Array.from(catalog, (i) => scores[i]!);
      expect(topK(aligned, catalog, k, excluded, true)).toEqual(got);
    }
  });

  it('returns fewer than k when fewer are eligible', () => {
    const got = topK(Float32Array.of(1, 3, 2), Int32Array.of(0, 1, 2), 10, new Set([1]));
    expect(Array.from(got.items)).toEqual([2, 0]);
  });
});
