import { Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { MultiplicativeHasher } from './multiplicative.js';
import { SPOTLIGHT_SEEDS } from './seeds.js';

// Python's (id * prime) % m in arbitrary precision, the scheme's definition.
function pythonMod(id: number, prime: number, m: number): number {
  const r = (BigInt(id) * BigInt(prime)) % BigInt(m);
  return Number(r < 0n ? r + BigInt(m) : r);
}

describe('multiplicative', () => {
  it('computes (id * prime) mod m exactly with floor-mod, for small and huge m', () => {
    const rng = new Rng(11);
    const ids = Int32Array.from({ length: 3000 }, () => rng.nextUint32() | 0);
    ids.set([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]);
    for (const m of [1, 7, 200, 2 ** 21, 2 ** 21 + 1, 2 ** 26, 2 ** 26 + 1, 2 ** 31 - 1]) {
      for (const prime of SPOTLIGHT_SEEDS.slice(0, 3)) {
        const hasher = new MultiplicativeHasher(prime);
        const bulk = hasher.bucketInt32Array(ids, m, new Int32Array(ids.length));
        for (let i = 0; i < ids.length; i++) {
          const expected = pythonMod(ids[i]!, prime, m);
          expect(bulk[i]).toBe(expected);
          expect(hasher.bucketInt32(ids[i]!, m)).toBe(expected);
        }
      }
    }
  });

  it('its 32-bit hash is id * prime mod 2^32', () => {
    const hasher = new MultiplicativeHasher(SPOTLIGHT_SEEDS[0]!);
    for (const id of [0, 1, -5, 123456789, 2 ** 31 - 1]) {
      expect(hasher.hashInt32(id)).toBe(Number(BigInt.asIntN(32, BigInt(id) * BigInt(SPOTLIGHT_SEEDS[0]!))));
    }
  });
});
