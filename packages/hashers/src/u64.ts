/**
 * Unsigned 64-bit arithmetic on (high, low) pairs of 32-bit words, for XXH64 without BigInt (which would allocate
 * per operation). Each operation writes its result to {@link R} (R[0] = high, R[1] = low, as int32 bit patterns):
 * a typed array, because uint32 values kept in module variables would be boxed as heap numbers.
 * @internal
 */
export const R = new Int32Array(2);

/** The high word of the last result, as uint32. */
export function high(): number {
  return R[0]! >>> 0;
}

/** The low word of the last result, as uint32. */
export function low(): number {
  return R[1]! >>> 0;
}

/** (ah, al) + (bh, bl) mod 2^64. */
export function add(ah: number, al: number, bh: number, bl: number): void {
  const sum = (al >>> 0) + (bl >>> 0);
  R[1] = sum | 0;
  R[0] = (ah + bh + (sum > 0xffffffff ? 1 : 0)) | 0;
}

/** (ah, al) * (bh, bl) mod 2^64. */
export function mul(ah: number, al: number, bh: number, bl: number): void {
  // The full 64-bit product of the low words from 16-bit limbs (every partial product is exact in a double);
  // the cross terms only reach the high word, where Math.imul's wrap-around is what we want.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const mid = a1 * b0 + (p00 >>> 16);
  const mid2 = a0 * b1 + (mid & 0xffff);
  R[1] = ((mid2 & 0xffff) << 16) | (p00 & 0xffff);
  R[0] =
    (a1 * b1 + Math.floor(mid / 65536) + Math.floor(mid2 / 65536) + Math.imul(ah, bl) + Math.imul(al, bh)) |
    0;
}

/** Rotates (h, l) left by r in [1, 63]. */
export function rotl(h: number, l: number, r: number): void {
  if (r === 32) {
    R[0] = l;
    R[1] = h;
  } else if (r < 32) {
    R[0] = (h << r) | (l >>> (32 - r));
    R[1] = (l << r) | (h >>> (32 - r));
  } else {
    const s = r - 32;
    R[0] = (l << s) | (h >>> (32 - s));
    R[1] = (h << s) | (l >>> (32 - s));
  }
}

/** (h, l) ^ ((h, l) >>> r) for r in [1, 63]: the xor-shift step of XXH64's avalanche. */
export function xorShiftRight(h: number, l: number, r: number): void {
  if (r < 32) {
    R[1] = l ^ ((l >>> r) | (h << (32 - r)));
    R[0] = h ^ (h >>> r);
  } else {
    R[1] = l ^ (h >>> (r - 32));
    R[0] = h;
  }
}
