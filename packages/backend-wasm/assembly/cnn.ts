// Spotlight's causal convolution as im2col: position (t, s) of a time-major batch reads the kw items before t,
// zeros before the sequence starts. The product with the filter comes from gemm.
import { f32At, setF32 } from './activations';
import { tanh1, tanh4 } from './simd-math';

/** windows [L b, kw d]: row t b + s holds x[t - kw + j] for j < kw (zeros where t - kw + j < 0); x is [L b, d]. */
export function im2col(x: usize, windows: usize, steps: i32, b: i32, d: i32, kw: i32): void {
  const rowBytes = (<usize>d) << 2;
  for (let t = 0; t < steps; t++) {
    for (let s = 0; s < b; s++) {
      const out = windows + ((<usize>((t * b + s) * kw * d)) << 2);
      for (let j = 0; j < kw; j++) {
        const source = t - kw + j;
        const to = out + <usize>j * rowBytes;
        if (source < 0) memory.fill(to, 0, rowBytes);
        else memory.copy(to, x + ((<usize>(source * b + s)) << 2) * d, rowBytes);
      }
    }
  }
}

/** The transpose of im2col: adds each window's gradient back to the rows of dx [L b, d] it was read from. */
export function col2im_add(dWindows: usize, dx: usize, steps: i32, b: i32, d: i32, kw: i32): void {
  for (let t = 0; t < steps; t++) {
    for (let s = 0; s < b; s++) {
      const row = dWindows + ((<usize>((t * b + s) * kw * d)) << 2);
      for (let j = 0; j < kw; j++) {
        const source = t - kw + j;
        if (source < 0) continue;
        const to = dx + ((<usize>((source * b + s) * d)) << 2);
        for (let c = 0; c < d; c++) setF32(to, c, f32At(to, c) + f32At(row, j * d + c));
      }
    }
  }
}

/**
 * out = tanh(pre) + residual, where the residual of (t, s) is x[t - 1, s] (zero at t = 0); pre [L b, d] becomes
 * tanh(pre) in place for the backward pass.
 */
export function cnn_output(pre: usize, x: usize, out: usize, steps: i32, b: i32, d: i32): void {
  const n = steps * b * d;
  const shift = b * d;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const activated = tanh4(v128.load(pre + at));
    v128.store(pre + at, activated);
    v128.store(out + at, activated);
  }
  for (; i < n; i++) {
    const activated = tanh1(f32At(pre, i));
    setF32(pre, i, activated);
    setF32(out, i, activated);
  }
  // The residual: every position but the first reads the item before it.
  for (let j = shift; j < n; j++) setF32(out, j, f32At(out, j) + f32At(x, j - shift));
}

/** From dOut: dPre = dOut (1 - tanh^2) (in a buffer of its own), and the residual's gradient added to dx. */
export function cnn_output_backward(
  activated: usize,
  dOut: usize,
  dPre: usize,
  dx: usize,
  steps: i32,
  b: i32,
  d: i32,
): void {
  const n = steps * b * d;
  const shift = b * d;
  for (let i = 0; i < n; i++) {
    const a = f32At(activated, i);
    const g = f32At(dOut, i);
    setF32(dPre, i, g * (1 - a * a));
    if (i >= shift) setF32(dx, i - shift, f32At(dx, i - shift) + g);
  }
}
