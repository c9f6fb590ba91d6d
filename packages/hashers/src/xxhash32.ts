import type { Hasher, HasherDefinition } from '@bloom/core';
import { floorModFast } from './reduce.js';
import { SeededHasher } from './seeded-hasher.js';
import { runBucketKernel } from './wasm/kernels.js';

/** Registered name of XXH32. */
export const XXHASH32 = 'xxhash32';

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return h ^ (h >>> 16);
}

function readU32(bytes: Uint8Array, i: number): number {
  return bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
}

/** XXH32 of the 4 little-endian bytes of an int32, as a signed int32. */
export function xxhash32Int32(id: number, seed: number): number {
  let h = (seed + P5 + 4) | 0;
  h = (h + Math.imul(id, P3)) | 0;
  h = Math.imul(rotl(h, 17), P4);
  return avalanche(h);
}

/** XXH32 of a byte string, as a signed int32. */
export function xxhash32Bytes(bytes: Uint8Array, seed: number): number {
  const n = bytes.length;
  let i = 0;
  let h: number;
  if (n >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    for (; i + 16 <= n; i += 16) {
      v1 = round(v1, readU32(bytes, i));
      v2 = round(v2, readU32(bytes, i + 4));
      v3 = round(v3, readU32(bytes, i + 8));
      v4 = round(v4, readU32(bytes, i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + n) | 0;
  for (; i + 4 <= n; i += 4) h = Math.imul(rotl((h + Math.imul(readU32(bytes, i), P3)) | 0, 17), P4);
  for (; i < n; i++) h = Math.imul(rotl((h + Math.imul(bytes[i]!, P5)) | 0, 11), P1);
  return avalanche(h);
}

/**
 * XXH32 (bit-exact with the reference xxHash). Buckets are the unsigned hash mod m, whose bias is at most
 * m / 2^32.
 */
export class XxHash32Hasher extends SeededHasher implements Hasher {
  readonly name = XXHASH32;

  hashInt32(id: number): number {
    return xxhash32Int32(id, this.seed);
  }

  hashInt32Array(ids: Int32Array, out = new Int32Array(ids.length)): Int32Array {
    const seed = this.seed | 0;
    for (let i = 0; i < ids.length; i++) out[i] = xxhash32Int32(ids[i]!, seed);
    return out;
  }

  bucketInt32(id: number, buckets: number): number {
    return (xxhash32Int32(id, this.seed) >>> 0) % buckets;
  }

  bucketInt32Array(ids: Int32Array, buckets: number, out: Int32Array, offset = 0, stride = 1): Int32Array {
    if (runBucketKernel('xxhash32_buckets', ids, this.seed, buckets, out, offset, stride)) return out;
    const seed = this.seed | 0;
    const inverse = 1 / buckets;
    for (let i = 0, o = offset; i < ids.length; i++, o += stride) {
      out[o] = floorModFast(xxhash32Int32(ids[i]!, seed) >>> 0, buckets, inverse);
    }
    return out;
  }

  hashBytes(bytes: Uint8Array): number {
    return xxhash32Bytes(bytes, this.seed);
  }

  bucketBytes(bytes: Uint8Array, buckets: number): number {
    return (xxhash32Bytes(bytes, this.seed) >>> 0) % buckets;
  }
}

/** Registry entry for {@link XxHash32Hasher}. */
export const xxhash32: HasherDefinition = {
  name: XXHASH32,
  description: 'XXH32, bit-exact with the reference xxHash (unsigned hash mod m)',
  create: (seed) => new XxHash32Hasher(seed),
};
