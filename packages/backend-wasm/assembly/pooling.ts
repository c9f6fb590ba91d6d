// Spotlight's pooling representation over a time-major batch: the user at (t, s) is the sum of the items before t
// divided, element by element, by one more than the count of non-zero entries among them. Each timestep is one
// contiguous [b, d] block, so both passes stream through the batch four floats at a time, carrying the running
// sums in `carry` ([b, d] of scratch).

/** users [L b, d] from x [L b, d]; divisors [L b, d] keeps each (count + 1) for the backward pass. */
export function pooling_forward(
  x: usize,
  users: usize,
  divisors: usize,
  carry: usize,
  steps: i32,
  b: i32,
  d: i32,
): void {
  const block = b * d;
  const bytes = (<usize>block) << 2;
  memory.fill(carry, 0, bytes);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let t = 0; t < steps; t++) {
    const at = <usize>t * bytes;
    let i = 0;
    for (; i + 4 <= block; i += 4) {
      const o = (<usize>i) << 2;
      // divisors[t] = divisors[t - 1] + (x[t - 1] != 0), starting at 1.
      const divisor =
        t === 0
          ? one
          : f32x4.add(v128.load(divisors + at - bytes + o), v128.and(f32x4.ne(v128.load(x + at - bytes + o), zero), one));
      const sum = v128.load(carry + o);
      v128.store(divisors + at + o, divisor);
      v128.store(users + at + o, f32x4.div(sum, divisor));
      v128.store(carry + o, f32x4.add(sum, v128.load(x + at + o)));
    }
    for (; i < block; i++) {
      const o = (<usize>i) << 2;
      let divisor: f32 = 1;
      if (t > 0) divisor = load<f32>(divisors + at - bytes + o) + (load<f32>(x + at - bytes + o) !== 0 ? 1 : 0);
      const sum = load<f32>(carry + o);
      store<f32>(divisors + at + o, divisor);
      store<f32>(users + at + o, sum / divisor);
      store<f32>(carry + o, sum + load<f32>(x + at + o));
    }
  }
}

/** Adds to dx [L b, d] the gradient through the pooling: dx[t] += sum over later t' of dUsers[t'] / divisor[t']. */
export function pooling_backward(
  dUsers: usize,
  divisors: usize,
  dx: usize,
  carry: usize,
  steps: i32,
  b: i32,
  d: i32,
): void {
  const block = b * d;
  const bytes = (<usize>block) << 2;
  memory.fill(carry, 0, bytes);
  for (let t = steps - 1; t >= 0; t--) {
    const at = <usize>t * bytes;
    let i = 0;
    for (; i + 4 <= block; i += 4) {
      const o = (<usize>i) << 2;
      const acc = v128.load(carry + o);
      v128.store(dx + at + o, f32x4.add(v128.load(dx + at + o), acc));
      v128.store(carry + o, f32x4.add(acc, f32x4.div(v128.load(dUsers + at + o), v128.load(divisors + at + o))));
    }
    for (; i < block; i++) {
      const o = (<usize>i) << 2;
      const acc = load<f32>(carry + o);
      store<f32>(dx + at + o, load<f32>(dx + at + o) + acc);
      store<f32>(carry + o, acc + load<f32>(dUsers + at + o) / load<f32>(divisors + at + o));
    }
  }
}
