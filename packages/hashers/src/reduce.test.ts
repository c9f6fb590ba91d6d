import { Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { floorMod, floorModFast, mod64, mod64Reducer, mulMod } from './reduce.js';

const bigFloorMod = (x: bigint, m: bigint): number => Number(((x % m) + m) % m);

describe('bucket reductions are exact', () => {
  const rng = new Rng(2024);
  const moduli = [1, 2, 3, 200, 2 ** 21, 2 ** 21 + 1, 1_000_003, 2 ** 26 + 7, 2 ** 31 - 1];

  it('floorMod and floorModFast equal Python floor-mod for |x| < 2^52', () => {
    for (const m of moduli) {
      const inverse = 1 / m;
      for (let i = 0; i < 2000; i++) {
        const magnitude = rng.nextInt(2 ** 20) * 2 ** 32 + rng.nextUint32();
        const x = i % 2 === 0 ? magnitude : -magnitude;
        const expected = bigFloorMod(BigInt(x), BigInt(m));
        expect(floorModFast(x, m, inverse)).toBe(expected);
        if (Math.abs(x) <= 2 ** 31) expect(floorMod(x, m)).toBe(expected);
      }
      for (const x of [0, -1, 1, -m, m, m - 1, -(2 ** 31), 2 ** 31 - 1]) {
        expect(Object.is(floorModFast(x, m, inverse), bigFloorMod(BigInt(x), BigInt(m)))).toBe(true);
        expect(Object.is(floorMod(x, m), bigFloorMod(BigInt(x), BigInt(m)))).toBe(true);
      }
    }
  });

  it('mulMod, mod64 and mod64Reducer agree with BigInt', () => {
    for (const m of moduli) {
      const reduce = mod64Reducer(m);
      for (let i = 0; i < 2000; i++) {
        const a = rng.nextInt(m);
        const b = rng.nextInt(m);
        expect(mulMod(a, b, m)).toBe(Number((BigInt(a) * BigInt(b)) % BigInt(m)));
        const high = rng.nextUint32();
        const low = rng.nextUint32();
        const expected = Number(((BigInt(high) << 32n) | BigInt(low)) % BigInt(m));
        expect(mod64(high, low, m)).toBe(expected);
        expect(reduce(high, low)).toBe(expected);
      }
      expect(reduce(0xffffffff, 0xffffffff)).toBe(Number((2n ** 64n - 1n) % BigInt(m)));
    }
  });
});
