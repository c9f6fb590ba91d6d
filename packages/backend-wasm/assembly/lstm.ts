// One timestep of torch's LSTM cell over a batch (gate order i, f, g, o), forward and backward. The products
// x K + h R + bias come from gemm; these kernels do the rest, four columns at a time.
import { f32At, setF32 } from './activations';
import { sigmoid1, sigmoid4, tanh1, tanh4 } from './simd-math';

/**
 * Activates the pre-activations z [b, 4d] in place (i, f, o through the sigmoid, g through tanh), then writes
 * c = f * cPrev + i * g, tc = tanh(c) (kept for the backward pass) and h = o * tc ([b, d] each). `cPrev` may be 0
 * for the first step (zero state).
 */
export function lstm_forward(z: usize, cPrev: usize, c: usize, tc: usize, h: usize, b: i32, d: i32): void {
  const gate = (<usize>d) << 2;
  for (let r = 0; r < b; r++) {
    const zr = z + (<usize>(r * 4 * d) << 2);
    const row = (<usize>(r * d)) << 2;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const at = zr + ((<usize>j) << 2);
      const i = sigmoid4(v128.load(at));
      const f = sigmoid4(v128.load(at + gate));
      const g = tanh4(v128.load(at + 2 * gate));
      const o = sigmoid4(v128.load(at + 3 * gate));
      v128.store(at, i);
      v128.store(at + gate, f);
      v128.store(at + 2 * gate, g);
      v128.store(at + 3 * gate, o);
      const offset = row + ((<usize>j) << 2);
      const previous = cPrev === 0 ? f32x4.splat(0) : v128.load(cPrev + offset);
      const cell = f32x4.add(f32x4.mul(f, previous), f32x4.mul(i, g));
      const squashed = tanh4(cell);
      v128.store(c + offset, cell);
      v128.store(tc + offset, squashed);
      v128.store(h + offset, f32x4.mul(o, squashed));
    }
    for (; j < d; j++) {
      const i = sigmoid1(f32At(zr, j));
      const f = sigmoid1(f32At(zr, d + j));
      const g = tanh1(f32At(zr, 2 * d + j));
      const o = sigmoid1(f32At(zr, 3 * d + j));
      setF32(zr, j, i);
      setF32(zr, d + j, f);
      setF32(zr, 2 * d + j, g);
      setF32(zr, 3 * d + j, o);
      const previous: f32 = cPrev === 0 ? 0 : f32At(cPrev, r * d + j);
      const cell = f * previous + i * g;
      const squashed = tanh1(cell);
      setF32(c, r * d + j, cell);
      setF32(tc, r * d + j, squashed);
      setF32(h, r * d + j, o * squashed);
    }
  }
}

/**
 * Backward through one step: from dh [b, d] (the state's gradient, the next step's included) and dc [b, d] (the
 * cell's gradient from the next step, replaced here by this step's contribution to the previous cell), writes the
 * pre-activation gradients dz [b, 4d]. `gates` are the activated gates and `tanhC` the tanh of the cell
 * lstm_forward left; `cPrev` may be 0.
 */
export function lstm_backward(
  gates: usize,
  cPrev: usize,
  tanhC: usize,
  dh: usize,
  dc: usize,
  dz: usize,
  b: i32,
  d: i32,
): void {
  const gate = (<usize>d) << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < b; r++) {
    const gr = gates + (<usize>(r * 4 * d) << 2);
    const dr = dz + (<usize>(r * 4 * d) << 2);
    const row = (<usize>(r * d)) << 2;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const at = (<usize>j) << 2;
      const offset = row + at;
      const i = v128.load(gr + at);
      const f = v128.load(gr + at + gate);
      const g = v128.load(gr + at + 2 * gate);
      const o = v128.load(gr + at + 3 * gate);
      const tc = v128.load(tanhC + offset);
      const gh = v128.load(dh + offset);
      const cell = f32x4.add(v128.load(dc + offset), f32x4.mul(f32x4.mul(gh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
      const previous = cPrev === 0 ? f32x4.splat(0) : v128.load(cPrev + offset);
      v128.store(dr + at, f32x4.mul(f32x4.mul(cell, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(dr + at + gate, f32x4.mul(f32x4.mul(cell, previous), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(dr + at + 2 * gate, f32x4.mul(f32x4.mul(cell, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(dr + at + 3 * gate, f32x4.mul(f32x4.mul(gh, tc), f32x4.mul(o, f32x4.sub(one, o))));
      v128.store(dc + offset, f32x4.mul(cell, f));
    }
    for (; j < d; j++) {
      const at = r * d + j;
      const i = f32At(gr, j);
      const f = f32At(gr, d + j);
      const g = f32At(gr, 2 * d + j);
      const o = f32At(gr, 3 * d + j);
      const tc = f32At(tanhC, at);
      const gh = f32At(dh, at);
      const cell = f32At(dc, at) + gh * o * (1 - tc * tc);
      const previous: f32 = cPrev === 0 ? 0 : f32At(cPrev, at);
      setF32(dr, j, cell * g * (i * (1 - i)));
      setF32(dr, d + j, cell * previous * (f * (1 - f)));
      setF32(dr, 2 * d + j, cell * i * (1 - g * g));
      setF32(dr, 3 * d + j, gh * tc * (o * (1 - o)));
      setF32(dc, at, cell * f);
    }
  }
}
