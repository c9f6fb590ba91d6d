// One timestep of torch's LSTM cell over a batch (gate order i, f, g, o), forward and backward. The products
// x K + h R + bias come from gemm; these kernels do the rest, element by element.
import { f32At, setF32, sigmoid, tanh } from './activations';

/**
 * Activates the pre-activations z [b, 4d] in place (i, f, o through the sigmoid, g through tanh), then writes
 * c = f * cPrev + i * g and h = o * tanh(c) ([b, d] each). `cPrev` may be 0 for the first step (zero state).
 */
export function lstm_forward(z: usize, cPrev: usize, c: usize, h: usize, b: i32, d: i32): void {
  for (let r = 0; r < b; r++) {
    const zr = z + ((<usize>(r * 4 * d)) << 2);
    for (let j = 0; j < d; j++) {
      const i = sigmoid(f32At(zr, j));
      const f = sigmoid(f32At(zr, d + j));
      const g = tanh(f32At(zr, 2 * d + j));
      const o = sigmoid(f32At(zr, 3 * d + j));
      setF32(zr, j, i);
      setF32(zr, d + j, f);
      setF32(zr, 2 * d + j, g);
      setF32(zr, 3 * d + j, o);
      const previous: f32 = cPrev === 0 ? 0 : f32At(cPrev, r * d + j);
      const cell = f * previous + i * g;
      setF32(c, r * d + j, cell);
      setF32(h, r * d + j, o * tanh(cell));
    }
  }
}

/**
 * Backward through one step: from dh [b, d] (the state's gradient, the next step's included) and dc [b, d] (the
 * cell's gradient from the next step, replaced here by this step's contribution to the previous cell), writes the
 * pre-activation gradients dz [b, 4d]. `gates` are the activated gates lstm_forward left; `cPrev` may be 0.
 */
export function lstm_backward(
  gates: usize,
  cPrev: usize,
  c: usize,
  dh: usize,
  dc: usize,
  dz: usize,
  b: i32,
  d: i32,
): void {
  for (let r = 0; r < b; r++) {
    const gr = gates + ((<usize>(r * 4 * d)) << 2);
    const dr = dz + ((<usize>(r * 4 * d)) << 2);
    for (let j = 0; j < d; j++) {
      const at = r * d + j;
      const i = f32At(gr, j);
      const f = f32At(gr, d + j);
      const g = f32At(gr, 2 * d + j);
      const o = f32At(gr, 3 * d + j);
      const tc = tanh(f32At(c, at));
      const gh = f32At(dh, at);
      const cell = f32At(dc, at) + gh * o * (1 - tc * tc);
      const previous: f32 = cPrev === 0 ? 0 : f32At(cPrev, at);
      setF32(dr, j, cell * g * i * (1 - i));
      setF32(dr, d + j, cell * previous * f * (1 - f));
      setF32(dr, 2 * d + j, cell * i * (1 - g * g));
      setF32(dr, 3 * d + j, gh * tc * o * (1 - o));
      setF32(dc, at, cell * f);
    }
  }
}
