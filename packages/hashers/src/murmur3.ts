import type { Hasher, HasherDefinition } from '@bloom/core';
import { floorMod, floorModFast } from './reduce.js';
import { SeededHasher } from './seeded-hasher.js';
import { runBucketKernel } from './wasm/kernels.js';

/** Registered name of MurmurHash3_x86_32. */
export const MURMUR3 = 'murmur3';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** MurmurHash3_x86_32 of the 4 little-endian bytes of an int32, as a signed int32 (scikit-learn's result). */
export function murmur3Int32(id: number, seed: number): number {
  let h = seed ^ mixK1(id);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  return fmix32(h ^ 4);
}

/** MurmurHash3_x86_32 of a byte string, as a signed int32. */
export function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  const n = bytes.length;
  const blocks = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixK1(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = bytes[blocks]!;
    if (tail > 1) k |= bytes[blocks + 1]! << 8;
    if (tail > 2) k |= bytes[blocks + 2]! << 16;
    h ^= mixK1(k);
  }
  return fmix32(h ^ n);
}

/**
 * MurmurHash3_x86_32, bit-exact with scikit-learn's `murmurhash3_32(key, seed, positive=False)`, the hash
 * Spotlight's BloomEmbedding uses. Buckets are the floor-mod of the signed hash, as in Spotlight.
 */
export class Murmur3Hasher extends SeededHasher implements Hasher {
  readonly name = MURMUR3;

  hashInt32(id: number): number {
    return murmur3Int32(id, this.seed);
  }

  hashInt32Array(ids: Int32Array, out = new Int32Array(ids.length)): Int32Array {
    const seed = this.seed | 0;
    for (let i = 0; i < ids.length; i++) out[i] = murmur3Int32(ids[i]!, seed);
    return out;
  }

  bucketInt32(id: number, buckets: number): number {
    return floorMod(murmur3Int32(id, this.seed), buckets);
  }

  bucketInt32Array(ids: Int32Array, buckets: number, out: Int32Array, offset = 0, stride = 1): Int32Array {
    if (runBucketKernel('murmur3_buckets', ids, this.seed, buckets, out, offset, stride)) return out;
    const seed = this.seed | 0;
    const inverse = 1 / buckets;
    for (let i = 0, o = offset; i < ids.length; i++, o += stride) {
      out[o] = floorModFast(murmur3Int32(ids[i]!, seed), buckets, inverse);
    }
    return out;
  }

  hashBytes(bytes: Uint8Array): number {
    return murmur3Bytes(bytes, this.seed);
  }

  bucketBytes(bytes: Uint8Array, buckets: number): number {
    return floorMod(murmur3Bytes(bytes, this.seed), buckets);
  }
}

/** Registry entry for {@link Murmur3Hasher}. */
export const murmur3: HasherDefinition = {
  name: MURMUR3,
  description:
    'MurmurHash3_x86_32, bit-exact with scikit-learn and Spotlight (signed hash, floor-mod buckets)',
  create: (seed) => new Murmur3Hasher(seed),
};
