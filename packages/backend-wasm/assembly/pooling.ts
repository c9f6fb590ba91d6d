// Spotlight's pooling representation over a time-major batch: the user at (t, s) is the sum of the items before t
// divided, element by element, by one more than the count of non-zero entries among them. Sums are in f64, as
// the host reference's are.
import { f32At, setF32 } from './activations';

/** users [L b, d] from x [L b, d]; divisors [L b, d] keeps each (count + 1) for the backward pass. */
export function pooling_forward(x: usize, users: usize, divisors: usize, steps: i32, b: i32, d: i32): void {
  for (let s = 0; s < b; s++) {
    for (let c = 0; c < d; c++) {
      let sum: f64 = 0;
      let count: f64 = 0;
      for (let t = 0; t < steps; t++) {
        const at = (t * b + s) * d + c;
        setF32(divisors, at, <f32>(count + 1));
        setF32(users, at, <f32>(sum / (count + 1)));
        const v = f32At(x, at);
        sum += v;
        if (v !== 0) count += 1;
      }
    }
  }
}

/** Adds to dx [L b, d] the gradient through the pooling: dx[t] += sum over later t' of dUsers[t'] / divisor[t']. */
export function pooling_backward(
  dUsers: usize,
  divisors: usize,
  dx: usize,
  steps: i32,
  b: i32,
  d: i32,
): void {
  for (let s = 0; s < b; s++) {
    for (let c = 0; c < d; c++) {
      let acc: f64 = 0;
      for (let t = steps - 1; t >= 0; t--) {
        const at = (t * b + s) * d + c;
        setF32(dx, at, <f32>(<f64>f32At(dx, at) + acc));
        acc += <f64>f32At(dUsers, at) / <f64>f32At(divisors, at);
      }
    }
  }
}
