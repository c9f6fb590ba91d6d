/** Floor-mod (Python's `%`) of a signed 32-bit hash into [0, m): the result is never negative. */
export function floorMod(hash: number, m: number): number {
  const r = hash % m;
  // `+ 0` turns the -0 of a negative multiple of m into 0.
  return r < 0 ? r + m : r + 0;
}

/** `a * b mod m` for integers 0 <= a, b < m <= 2^31, exact (the product may exceed 2^53). */
export function mulMod(a: number, b: number, m: number): number {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) return (product % m) + 0;
  // Split b into 16-bit halves: every intermediate stays below 2^48.
  const high = Math.floor(b / 65536);
  const low = b % 65536;
  return (((a * high) % m) * 65536 + a * low) % m;
}

/** The unsigned 64-bit value `high * 2^32 + low` mod m, exact, for m <= 2^31. */
export function mod64(high: number, low: number, m: number): number {
  let r = (high >>> 0) % m;
  r = (r * 65536) % m;
  r = (r * 65536) % m;
  return (r + (low >>> 0)) % m;
}

/**
 * Floor-mod of an integer |x| < 2^52 by m, through the precomputed reciprocal `inverse` = 1 / m: a float
 * multiply instead of a division, about three times faster in bulk loops. The quotient estimate can be off by
 * one, which one correction step repairs; every product stays below 2^53, so the result is exact.
 */
export function floorModFast(x: number, m: number, inverse: number): number {
  const r = x - Math.floor(x * inverse) * m;
  return r < 0 ? r + m : r >= m ? r - m : r;
}

/**
 * A fast exact reducer of unsigned 64-bit values (high, low) mod m for bulk loops: with c = 2^32 mod m,
 * high * 2^32 + low = (high mod m) * c + low (mod m), which stays below 2^53 for m <= 2^21.
 * Larger m falls back to {@link mod64}.
 */
export function mod64Reducer(m: number): (high: number, low: number) => number {
  if (m > 2 ** 21) return (high, low) => mod64(high, low, m);
  const c = 2 ** 32 % m;
  const inverse = 1 / m;
  return (high, low) => floorModFast(floorModFast(high, m, inverse) * c + low, m, inverse);
}
