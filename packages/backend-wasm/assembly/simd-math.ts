// Four-lane exp, sigmoid and tanh for the element kernels. AssemblyScript's Mathf functions are scalar and exact
// to the last bit, and at a few tens of nanoseconds each they cost an LSTM more than its products. exp follows
// Cephes' expf (range reduction by ln 2, a degree-5 polynomial, the exponent set by integer shift), within a few
// float32 ulps of exp over the clamped range. tanh (and sigmoid through it) is a rational function fitted here,
// cheaper than exp and a division: the LSTM takes five of them per element. Tail elements use the same lanes, so
// results never depend on where an element sits. Clamps use pmin/pmax, which V8 lowers to one instruction each
// (min/max must also order NaNs and signed zeros, which takes several).

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two so that n ln 2 is subtracted without rounding error (Cephes' C1, C2).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** e^x in each lane, x clamped to [-87.3, 88.3] (the float32 range of normal results). */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  const clamped = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const n = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(LOG2E)));
  const r = f32x4.sub(
    f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(LN2_HI))),
    f32x4.mul(n, f32x4.splat(LN2_LO)),
  );
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/**
 * tanh x in each lane as x P(x^2) / Q(x^2), degrees 4 and 3 in x^2, x clamped to [-9, 9] and the result to
 * [-1, 1]. The coefficients minimise the relative error on [0, 9] (iterated weighted least squares, numpy); in
 * float32 the error is under 1e-6 everywhere (tanh 9 is 1 to within 3e-8).
 */
// @ts-ignore: decorator
@inline
export function tanh4(x: v128): v128 {
  const one = f32x4.splat(1);
  const clamped = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-9)), f32x4.splat(9));
  const t = f32x4.mul(clamped, clamped);
  let p = f32x4.splat(-5.047592122053857e-9);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(6.5148083194799256e-6));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.002606710186228156));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.12622886896133423));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.999999463558197));
  let q = f32x4.splat(0.00018541068129707128);
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.02246459200978279));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.45955806970596313));
  q = f32x4.add(f32x4.mul(q, t), one);
  const y = f32x4.div(f32x4.mul(clamped, p), q);
  return f32x4.pmin(f32x4.pmax(y, f32x4.neg(one)), one);
}

/** 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2 in each lane. */
// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const half = f32x4.splat(0.5);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
}

/** The same functions on one float, through lane 0, so tails agree with the vector body. */
// @ts-ignore: decorator
@inline
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline
export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline
export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}
