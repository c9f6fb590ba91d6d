import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

// Known answers from tools/reference/rng_vectors.py, an independent big-integer implementation.
const U32: Record<string, number[]> = {
  42: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290, 65323186, 1112262688],
  0: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335, 104831812, 1587294886],
  1099511627783: [368071896, 501484723, 3045041044, 3466898179, 680906757, 3971650900, 136559453, 172996258],
};
const INTS_SEED7: [number, number[]][] = [
  [1, [0, 0, 0, 0, 0, 0]],
  [10, [5, 3, 8, 2, 5, 3]],
  [1000003, [334787, 383123, 254084, 199387, 616481, 520763]],
  [4294967291, [924364884, 2895072725, 554381150, 3432956282, 4248029279, 2538660083]],
  [4294967296, [992355168, 56397915, 2967116620, 2422980902, 3414198200, 742935773]],
];

describe('Rng', () => {
  it.each(Object.entries(U32))('matches the reference stream for seed %s', (seed, expected) => {
    const rng = new Rng(Number(seed));
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(expected);
  });

  it('matches the reference for unbiased bounded integers, including n = 2^32', () => {
    const rng = new Rng(7);
    for (const [n, expected] of INTS_SEED7) {
      expect(Array.from({ length: 6 }, () => rng.nextInt(n))).toEqual(expected);
    }
  });

  it("draws Lemire's integer exactly on both paths (n up to 2^21 and above), rejections included", () => {
    // The reference: the same uint32 stream, the 64-bit product in BigInt.
    for (const n of [1, 2, 3, 1682, 80_000, 2 ** 21 - 1, 2 ** 21, 2 ** 21 + 1, 3 * 2 ** 30 + 1]) {
      const [rng, words] = [new Rng(n), new Rng(n)];
      const threshold = (2n ** 32n - BigInt(n)) % BigInt(n);
      for (let i = 0; i < 2000; i++) {
        let expected: bigint;
        for (;;) {
          const product = BigInt(words.nextUint32()) * BigInt(n);
          if (product % 2n ** 32n >= threshold) {
            expected = product >> 32n;
            break;
          }
        }
        expect(rng.nextInt(n)).toBe(Number(expected));
      }
    }
  });

  it('fillInt draws exactly what as many nextInt calls would, and leaves the stream where they would', () => {
    // 30k draws at n near 2^21 include about 15 rejections; n above 2^21 takes nextInt's other path.
    for (const n of [1, 7, 1682, 2 ** 21 - 1, 2 ** 21, 2 ** 21 + 1, 3 * 2 ** 30 + 1]) {
      const [bulk, single] = [new Rng(n + 5), new Rng(n + 5)];
      const out = new Uint32Array(30_003).fill(7);
      bulk.fillInt(out, n, 2, 30_001);
      const expected = Uint32Array.from({ length: 29_999 }, () => single.nextInt(n));
      expect(out.subarray(2, 30_001)).toEqual(expected);
      expect([out[0], out[1], out[30_001], out[30_002]]).toEqual([7, 7, 7, 7]);
      expect(bulk.nextUint32()).toBe(single.nextUint32());
    }
    expect(() => new Rng(1).fillInt(new Int32Array(3), 0)).toThrow(/Invalid n/);
  });

  it('rejects bad seeds and bounds with a typed error naming the option', () => {
    expect(() => new Rng(1.5)).toThrow(/Invalid seed/);
    expect(() => new Rng(Number.NaN)).toThrow(/Invalid seed/);
    expect(() => new Rng(1).nextInt(0)).toThrow(/Invalid n: expected an integer in \[1, 4294967296\]/);
  });

  it('gives uniform floats in [0, 1) and uniform bounded integers (chi-square)', () => {
    const rng = new Rng(123);
    const bins = new Float64Array(50);
    const draws = 200_000;
    let min = 1;
    let max = 0;
    for (let i = 0; i < draws; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 50)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const expected = draws / 50;
    const chi2 = bins.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
    // 49 degrees of freedom: the 99.99% quantile is about 95.
    expect(chi2).toBeLessThan(95);

    const counts = new Float64Array(7);
    for (let i = 0; i < 70_000; i++) counts[rng.nextInt(7)]!++;
    const chi2Int = counts.reduce((acc, o) => acc + (o - 10_000) ** 2 / 10_000, 0);
    expect(chi2Int).toBeLessThan(27.9); // 6 dof, 99.99%
  });

  it('draws normals with the requested mean and deviation', () => {
    const rng = new Rng(9);
    const xs = rng.fillNormal(new Float64Array(100_000), 2, 0.5);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 2)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.01);
  });

  it('fills normals exactly as as many normal() calls draw them, a pending spare and a split pair included', () => {
    for (const [lengths, mean, std] of [
      [[7, 1, 0, 6, 5], 0, 1],
      [[10_001], -3, 0.03125],
    ] as const) {
      const filled = new Rng(31);
      const called = new Rng(31);
      for (const length of lengths) {
        const out = filled.fillNormal(new Float32Array(length), mean, std);
        const expected = Float32Array.from({ length }, () => called.normal(mean, std));
        expect(out).toEqual(expected);
        // Both generators stand at the same point afterwards, spare included.
        expect(filled.getState()).toEqual(called.getState());
      }
      expect(filled.normal()).toBe(called.normal());
      expect(filled.nextUint32()).toBe(called.nextUint32());
    }
  });

  it('shuffles into a permutation, reproducibly from the seed', () => {
    const a = new Rng(5).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    const b = new Rng(5).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('saves and restores its state, and forks independent streams', () => {
    const rng = new Rng(77);
    rng.normal();
    const state = rng.getState();
    const first = [rng.normal(), rng.nextUint32(), rng.next()];
    rng.setState(state);
    expect([rng.normal(), rng.nextUint32(), rng.next()]).toEqual(first);
    const child = rng.fork();
    expect(child.nextUint32()).not.toBe(rng.nextUint32());
    expect(() => rng.setState({ words: [0, 0, 0, 0] })).toThrow(RangeError);
  });

  it('gives each named stream of a seed its own seed, the same on every call', () => {
    const names = ['shuffle', 'negatives', 'users', 'items'];
    const seeds = names.map((name) => Rng.streamSeed(7, name));
    expect(new Set(seeds).size).toBe(names.length);
    expect(names.map((name) => Rng.streamSeed(7, name))).toEqual(seeds);
    // Another seed moves every stream; seeds above 2^32 count too.
    expect(Rng.streamSeed(8, 'shuffle')).not.toBe(seeds[0]);
    expect(Rng.streamSeed(7 + 2 ** 32, 'shuffle')).not.toBe(seeds[0]);
    for (const seed of seeds) expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
    expect(Rng.stream(7, 'negatives').nextUint32()).toBe(new Rng(seeds[1]!).nextUint32());
    expect(() => Rng.streamSeed(0.5, 'shuffle')).toThrow(/seed/);
  });
});
