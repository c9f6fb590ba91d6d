import { type HasherDefinition, Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { builtinHashers } from './register.js';

// One contract for every hasher: bulk and scalar paths agree, strided writes land where promised, buckets stay in
// range at the extremes of m, strings hash through their UTF-8 bytes, and results depend on the seed.
describe.each(builtinHashers.map((d) => [d.name, d] as [string, HasherDefinition]))(
  '%s hasher contract',
  (_, def) => {
    const rng = new Rng(99);
    const ids = Int32Array.from({ length: 1000 }, () => rng.nextUint32() | 0);
    ids.set([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]);
    const hasher = def.create(179424941);

    it('bulk hashes equal scalar hashes', () => {
      const bulk = hasher.hashInt32Array(ids);
      for (let i = 0; i < ids.length; i++) expect(bulk[i]).toBe(hasher.hashInt32(ids[i]!));
    });

    it('bulk buckets equal scalar buckets, strided, in [0, m) for m from 1 to 2^31 - 1', () => {
      for (const m of [1, 2, 3, 200, 65537, 2 ** 31 - 1]) {
        const out = new Int32Array(ids.length * 3).fill(-7);
        hasher.bucketInt32Array(ids, m, out, 1, 3);
        for (let i = 0; i < ids.length; i++) {
          expect(out[i * 3]).toBe(-7);
          expect(out[i * 3 + 2]).toBe(-7);
          const b = out[i * 3 + 1]!;
          expect(b).toBe(hasher.bucketInt32(ids[i]!, m));
          expect(b >= 0 && b < m).toBe(true);
        }
      }
    });

    it('hashes strings through their UTF-8 bytes, including long and non-ASCII ones', () => {
      for (const key of ['', 'a', 'user:42', 'naïve café ☕ 𝔘', 'x'.repeat(1000)]) {
        const bytes = new TextEncoder().encode(key);
        expect(hasher.hashString(key)).toBe(hasher.hashBytes(bytes));
        const b = hasher.bucketString(key, 97);
        expect(b).toBe(hasher.bucketBytes(bytes, 97));
        expect(b >= 0 && b < 97).toBe(true);
      }
    });

    it('depends on the seed and accepts negative seeds modulo 2^32', () => {
      const other = def.create(179425457);
      let differ = 0;
      for (let i = 0; i < 100; i++) if (other.hashInt32(ids[i]!) !== hasher.hashInt32(ids[i]!)) differ++;
      expect(differ).toBeGreaterThan(90);
      expect(def.create(-1).seed).toBe(2 ** 32 - 1);
      expect(() => def.create(2 ** 32)).toThrow(/Invalid seed/);
      expect(() => def.create(0.5)).toThrow(/Invalid seed/);
    });
  },
);
