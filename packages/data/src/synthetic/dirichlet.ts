import type { Rng } from '@bloom/core';

/**
 * log of a Gamma(shape, 1) draw. Marsaglia and Tsang's method for shape >= 1; below 1, the boost
 * Gamma(a) = Gamma(a + 1) * U^(1/a), kept in log space so tiny shapes (Spotlight's tests use 1e-3) lose
 * nothing before normalisation.
 */
export function logGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.next(); // (0, 1]: log(u) is finite
    return logGamma(rng, shape + 1) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/**
 * Fills `out` (length k) with one draw from a symmetric Dirichlet(alpha, ..., alpha). Exponentiating after
 * subtracting the largest log draw keeps the row summing to 1; entries far below it underflow to 0 as
 * numpy's (which works in linear space) do.
 */
export function symmetricDirichlet(rng: Rng, alpha: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < out.length; j++) {
    out[j] = logGamma(rng, alpha);
    if (out[j]! > max) max = out[j]!;
  }
  let sum = 0;
  for (let j = 0; j < out.length; j++) {
    out[j] = Math.exp(out[j]! - max);
    sum += out[j]!;
  }
  for (let j = 0; j < out.length; j++) out[j]! /= sum;
  return out;
}
