import type { Hasher, HasherDefinition } from '@bloom/core';
import { floorMod, floorModFast, mulMod } from './reduce.js';
import { SeededHasher } from './seeded-hasher.js';
import { runBucketKernel } from './wasm/kernels.js';

/** Registered name of the multiplicative scheme. */
export const MULTIPLICATIVE = 'multiplicative';

/**
 * The scheme of the original Bloom-embedding write-up (and of Spotlight before it moved to MurmurHash3):
 * bucket = `(id * prime) mod m`, computed exactly as Python does (arbitrary precision, floor-mod), where the
 * prime is the seed. It is fast but weak: consecutive ids land in arithmetic progressions, and input bits only
 * affect higher bits, which the quality metrics show.
 *
 * The 32-bit hash (`hashInt32`) is `id * prime mod 2^32` (Knuth's multiplicative hash). Byte strings are hashed
 * FNV-1a style with the prime as multiplier, and their buckets are the floor-mod of that signed hash.
 */
export class MultiplicativeHasher extends SeededHasher implements Hasher {
  readonly name = MULTIPLICATIVE;

  hashInt32(id: number): number {
    return Math.imul(id, this.seed);
  }

  hashInt32Array(ids: Int32Array, out = new Int32Array(ids.length)): Int32Array {
    const prime = this.seed | 0;
    for (let i = 0; i < ids.length; i++) out[i] = Math.imul(ids[i]!, prime);
    return out;
  }

  bucketInt32(id: number, buckets: number): number {
    return mulMod(floorMod(id, buckets), this.seed % buckets, buckets);
  }

  bucketInt32Array(ids: Int32Array, buckets: number, out: Int32Array, offset = 0, stride = 1): Int32Array {
    const factor = this.seed % buckets;
    const inverse = 1 / buckets;
    if (buckets <= 2 ** 21) {
      if (runBucketKernel('multiplicative_buckets', ids, factor, buckets, out, offset, stride)) return out;
      // |id| <= 2^31 and factor < 2^21: the product stays below 2^52, so one exact reduction suffices.
      for (let i = 0, o = offset; i < ids.length; i++, o += stride) {
        out[o] = floorModFast(ids[i]! * factor, buckets, inverse);
      }
      return out;
    }
    // Below 2^26 buckets the product of two residues stays under 2^52: exact in a double.
    const exactInDouble = buckets <= 2 ** 26;
    for (let i = 0, o = offset; i < ids.length; i++, o += stride) {
      const a = floorModFast(ids[i]!, buckets, inverse);
      out[o] = exactInDouble ? floorModFast(a * factor, buckets, inverse) : mulMod(a, factor, buckets);
    }
    return out;
  }

  hashBytes(bytes: Uint8Array): number {
    let h = this.seed | 0;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, this.seed);
    return h;
  }

  bucketBytes(bytes: Uint8Array, buckets: number): number {
    return floorMod(this.hashBytes(bytes), buckets);
  }
}

/** Registry entry for {@link MultiplicativeHasher}. */
export const multiplicative: HasherDefinition = {
  name: MULTIPLICATIVE,
  description: "(id * prime) mod m, the original write-up's scheme; the seed is the prime",
  create: (seed) => new MultiplicativeHasher(seed),
};
