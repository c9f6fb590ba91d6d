import type { Hasher, HasherDefinition } from '@bloom/core';
import { mod64, mod64Reducer } from './reduce.js';
import { SeededHasher } from './seeded-hasher.js';
import { add, high, low, mul, R, rotl, xorShiftRight } from './u64.js';
import { runBucketKernel } from './wasm/kernels.js';

/** Registered name of XXH64. */
export const XXHASH64 = 'xxhash64';

// The XXH64 primes as (high, low) uint32 halves.
const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;

function readU32(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/** XXH64's round: acc = rotl(acc + lane * P2, 31) * P1; result in the u64 registers. */
function round(accH: number, accL: number, laneH: number, laneL: number): void {
  mul(laneH, laneL, P2H, P2L);
  add(accH, accL, high(), low());
  rotl(high(), low(), 31);
  mul(high(), low(), P1H, P1L);
}

/** XXH64's final avalanche of (h, l); result in the u64 registers. */
function avalanche(h: number, l: number): void {
  xorShiftRight(h, l, 33);
  mul(high(), low(), P2H, P2L);
  xorShiftRight(high(), low(), 29);
  mul(high(), low(), P3H, P3L);
  xorShiftRight(high(), low(), 32);
}

/**
 * XXH64 of the 4 little-endian bytes of an int32 with a 32-bit seed; result in the u64 registers.
 * The hot path of bulk hashing, so the generic steps are specialised by hand: the input is one 32-bit lane and
 * the shifts are constants.
 */
function xxh64Int32(id: number, seed: number): void {
  // h = seed + P5 + 4
  const start = (seed >>> 0) + P5L + 4;
  let h = (P5H + (start > 0xffffffff ? 1 : 0)) | 0;
  let l = start | 0;
  // h ^= id * P1; h = rotl(h, 23) * P2 + P3
  mul(0, id, P1H, P1L);
  h ^= R[0]!;
  l ^= R[1]!;
  mul((h << 23) | (l >>> 9), (l << 23) | (h >>> 9), P2H, P2L);
  const sum = (R[1]! >>> 0) + P3L;
  l = sum | 0;
  h = (R[0]! + P3H + (sum > 0xffffffff ? 1 : 0)) | 0;
  // avalanche: ^= >>> 33; *= P2; ^= >>> 29; *= P3; ^= >>> 32
  mul(h, l ^ (h >>> 1), P2H, P2L);
  h = R[0]!;
  l = R[1]!;
  mul(h ^ (h >>> 29), l ^ ((l >>> 29) | (h << 3)), P3H, P3L);
  R[1] = R[1]! ^ R[0]!;
}

/** XXH64 of a byte string with a 32-bit seed; result in the u64 registers. */
function xxh64Bytes(bytes: Uint8Array, seed: number): void {
  const n = bytes.length;
  let i = 0;
  let h: number;
  let l: number;
  if (n >= 32) {
    add(0, seed, P1H, P1L);
    add(high(), low(), P2H, P2L);
    let v1h = high();
    let v1l = low();
    add(0, seed, P2H, P2L);
    let v2h = high();
    let v2l = low();
    let v3h = 0;
    let v3l = seed >>> 0;
    add(0, seed, ~P1H >>> 0, ~P1L >>> 0); // seed - P1 = seed + ~P1 + 1
    add(high(), low(), 0, 1);
    let v4h = high();
    let v4l = low();
    for (; i + 32 <= n; i += 32) {
      round(v1h, v1l, readU32(bytes, i + 4), readU32(bytes, i));
      v1h = high();
      v1l = low();
      round(v2h, v2l, readU32(bytes, i + 12), readU32(bytes, i + 8));
      v2h = high();
      v2l = low();
      round(v3h, v3l, readU32(bytes, i + 20), readU32(bytes, i + 16));
      v3h = high();
      v3l = low();
      round(v4h, v4l, readU32(bytes, i + 28), readU32(bytes, i + 24));
      v4h = high();
      v4l = low();
    }
    const lanes = [v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l];
    const rotations = [1, 7, 12, 18];
    h = 0;
    l = 0;
    for (let j = 0; j < 4; j++) {
      rotl(lanes[2 * j]!, lanes[2 * j + 1]!, rotations[j]!);
      add(h, l, high(), low());
      h = high();
      l = low();
    }
    for (let j = 0; j < 4; j++) {
      round(0, 0, lanes[2 * j]!, lanes[2 * j + 1]!);
      mul(h ^ high(), l ^ low(), P1H, P1L);
      add(high(), low(), P4H, P4L);
      h = high();
      l = low();
    }
  } else {
    add(0, seed, P5H, P5L);
    h = high();
    l = low();
  }
  add(h, l, 0, n);
  h = high();
  l = low();
  for (; i + 8 <= n; i += 8) {
    round(0, 0, readU32(bytes, i + 4), readU32(bytes, i));
    rotl(h ^ high(), l ^ low(), 27);
    mul(high(), low(), P1H, P1L);
    add(high(), low(), P4H, P4L);
    h = high();
    l = low();
  }
  if (i + 4 <= n) {
    mul(0, readU32(bytes, i), P1H, P1L);
    rotl(h ^ high(), l ^ low(), 23);
    mul(high(), low(), P2H, P2L);
    add(high(), low(), P3H, P3L);
    h = high();
    l = low();
    i += 4;
  }
  for (; i < n; i++) {
    mul(0, bytes[i]!, P5H, P5L);
    rotl(h ^ high(), l ^ low(), 11);
    mul(high(), low(), P1H, P1L);
    h = high();
    l = low();
  }
  avalanche(h, l);
}

/**
 * XXH64 (bit-exact with the reference xxHash) with a 32-bit seed. The 32-bit `hash*` results are the low
 * 32 bits of the 64-bit hash; buckets reduce the full 64-bit value mod m, so their bias is at most m / 2^64
 * rather than the m / 2^32 of a 32-bit truncation.
 */
export class XxHash64Hasher extends SeededHasher implements Hasher {
  readonly name = XXHASH64;

  /** The full 64-bit hash of an int32 id as [high, low] uint32 halves. */
  hash64Int32(id: number): [number, number] {
    xxh64Int32(id, this.seed);
    return [high(), low()];
  }

  /** The full 64-bit hash of a byte string as [high, low] uint32 halves. */
  hash64Bytes(bytes: Uint8Array): [number, number] {
    xxh64Bytes(bytes, this.seed);
    return [high(), low()];
  }

  hashInt32(id: number): number {
    xxh64Int32(id, this.seed);
    return low() | 0;
  }

  hashInt32Array(ids: Int32Array, out = new Int32Array(ids.length)): Int32Array {
    for (let i = 0; i < ids.length; i++) {
      xxh64Int32(ids[i]!, this.seed);
      out[i] = R[1]!;
    }
    return out;
  }

  bucketInt32(id: number, buckets: number): number {
    xxh64Int32(id, this.seed);
    return mod64(high(), low(), buckets);
  }

  bucketInt32Array(ids: Int32Array, buckets: number, out: Int32Array, offset = 0, stride = 1): Int32Array {
    if (runBucketKernel('xxhash64_buckets', ids, this.seed, buckets, out, offset, stride)) return out;
    const seed = this.seed;
    const reduce = mod64Reducer(buckets);
    for (let i = 0, o = offset; i < ids.length; i++, o += stride) {
      xxh64Int32(ids[i]!, seed);
      out[o] = reduce(R[0]! >>> 0, R[1]! >>> 0);
    }
    return out;
  }

  hashBytes(bytes: Uint8Array): number {
    xxh64Bytes(bytes, this.seed);
    return low() | 0;
  }

  bucketBytes(bytes: Uint8Array, buckets: number): number {
    xxh64Bytes(bytes, this.seed);
    return mod64(high(), low(), buckets);
  }
}

/** Registry entry for {@link XxHash64Hasher}. */
export const xxhash64: HasherDefinition = {
  name: XXHASH64,
  description: 'XXH64, bit-exact with the reference xxHash; buckets from the full 64-bit value',
  create: (seed) => new XxHash64Hasher(seed),
};
