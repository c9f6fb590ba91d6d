/**
 * Unsigned 64-bit arithmetic on (high, low) pairs of uint32, for XXH64 without BigInt (which would allocate per
 * operation). Each operation writes its result to the module registers `hi` and `lo`, read with {@link u64}.
 * @internal
 */

let hi = 0;
let lo = 0;

/** The registers after the last operation: [high, low] as uint32. */
export function u64(): [number, number] {
  return [hi >>> 0, lo >>> 0];
}

/** Reads the high register. */
export function high(): number {
  return hi >>> 0;
}

/** Reads the low register. */
export function low(): number {
  return lo >>> 0;
}

/** (ah, al) + (bh, bl) mod 2^64. */
export function add(ah: number, al: number, bh: number, bl: number): void {
  const sum = (al >>> 0) + (bl >>> 0);
  lo = sum >>> 0;
  hi = ((ah >>> 0) + (bh >>> 0) + (sum > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (ah, al) * (bh, bl) mod 2^64. */
export function mul(ah: number, al: number, bh: number, bl: number): void {
  // The full 64-bit product of the low words, from 16-bit pieces that multiply exactly in doubles.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low48 = a0 * b0 + (mid % 65536) * 65536;
  lo = low48 >>> 0;
  const carry = Math.floor(low48 / 4294967296) + Math.floor(mid / 65536) + a1 * b1;
  hi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Rotates (h, l) left by r in [1, 63]. */
export function rotl(h: number, l: number, r: number): void {
  if (r === 32) {
    hi = l >>> 0;
    lo = h >>> 0;
  } else if (r < 32) {
    hi = ((h << r) | (l >>> (32 - r))) >>> 0;
    lo = ((l << r) | (h >>> (32 - r))) >>> 0;
  } else {
    const s = r - 32;
    hi = ((l << s) | (h >>> (32 - s))) >>> 0;
    lo = ((h << s) | (l >>> (32 - s))) >>> 0;
  }
}

/** (h, l) ^ ((h, l) >>> r) for r in [1, 63]: the xor-shift step of XXH64's avalanche. */
export function xorShiftRight(h: number, l: number, r: number): void {
  if (r < 32) {
    lo = (l ^ ((l >>> r) | (h << (32 - r)))) >>> 0;
    hi = (h ^ (h >>> r)) >>> 0;
  } else {
    lo = (l ^ (h >>> (r - 32))) >>> 0;
    hi = h >>> 0;
  }
}
