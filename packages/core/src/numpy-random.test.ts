import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { NumpyRandomState } from './numpy-random.js';

// Produced by numpy's own RandomState: tools/reference/numpy_random_vectors.py.
interface Case {
  seed: number;
  uint32: number[];
  rand: number[];
  permutation10: number[];
  permutation1000_head: number[];
  randint_uint32_range: number[];
  randint_0_10: number[];
  randint_0_100_int32: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/numpy-random.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
  mt19937_5489_10000th: number;
};

describe('NumpyRandomState', () => {
  it("passes the C++ standard's MT19937 check (10000th output for seed 5489)", () => {
    const rs = new NumpyRandomState(5489);
    let last = 0;
    for (let i = 0; i < 10000; i++) last = rs.nextUint32();
    expect(last).toBe(4123659995);
    expect(fixture.mt19937_5489_10000th).toBe(4123659995);
  });

  for (const c of fixture.cases) {
    it(`matches numpy draw for draw with seed ${c.seed}`, () => {
      let rs = new NumpyRandomState(c.seed);
      expect(Array.from({ length: 8 }, () => rs.nextUint32())).toEqual(c.uint32);
      rs = new NumpyRandomState(c.seed);
      expect(Array.from({ length: 6 }, () => rs.rand())).toEqual(c.rand);
      expect(Array.from(new NumpyRandomState(c.seed).permutation(10))).toEqual(c.permutation10);
      expect(Array.from(new NumpyRandomState(c.seed).permutation(1000).subarray(0, 20))).toEqual(
        c.permutation1000_head,
      );
      rs = new NumpyRandomState(c.seed);
      expect(Array.from({ length: 3 }, () => rs.randint(0, 0xffffffff))).toEqual(c.randint_uint32_range);
      rs = new NumpyRandomState(c.seed);
      expect(Array.from({ length: 10 }, () => rs.randint(0, 10))).toEqual(c.randint_0_10);
      rs = new NumpyRandomState(c.seed);
      expect(Array.from({ length: 10 }, () => rs.randint(0, 100))).toEqual(c.randint_0_100_int32);
    });
  }

  it('refuses seeds numpy refuses', () => {
    expect(() => new NumpyRandomState(-1)).toThrow(ConfigError);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(/seed.*\[0, 4294967295\]/);
    expect(() => new NumpyRandomState(1.5)).toThrow(ConfigError);
  });

  it('refuses an empty randint range', () => {
    expect(() => new NumpyRandomState(0).randint(5, 5)).toThrow(/randint range/);
  });

  it('permutation is a permutation', () => {
    const p = new NumpyRandomState(7).permutation(5000);
    const seen = new Uint8Array(5000);
    for (const v of p) seen[v] = 1;
    expect(seen.every((s) => s === 1)).toBe(true);
  });
});
