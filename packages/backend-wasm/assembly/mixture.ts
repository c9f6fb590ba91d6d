// Spotlight's mixture scoring: a state y = [M tastes, M attentions] (each d wide) and a target x give the
// softmax over components of (attention . x), which weighs the tastes into the user vector scored against x.
import { f32At, setF32 } from './activations';
import { dot } from './scores';

/**
 * Scores of the positive xp[p] and the negative xn[p] for each state y[p] ([n, 2 M d]), plus their biases bp[p]
 * and bn[p]; keeps each pair's component weights in weights [2n, M] (positives, then negatives) for the backward
 * pass.
 */
export function mixture_scores(
  y: usize,
  xp: usize,
  xn: usize,
  bp: usize,
  bn: usize,
  n: i32,
  d: i32,
  components: i32,
  pos: usize,
  neg: usize,
  weights: usize,
): void {
  for (let p = 0; p < n; p++) {
    const state = y + ((<usize>(p * 2 * components * d)) << 2);
    const row = (<usize>(p * d)) << 2;
    const wp = weights + ((<usize>(p * components)) << 2);
    const wn = weights + ((<usize>((n + p) * components)) << 2);
    setF32(pos, p, score(state, xp + row, d, components, wp) + f32At(bp, p));
    setF32(neg, p, score(state, xn + row, d, components, wn) + f32At(bn, p));
  }
}

function score(state: usize, x: usize, d: i32, components: i32, weights: usize): f32 {
  const attentions = state + ((<usize>(components * d)) << 2);
  let top: f32 = -Infinity;
  for (let m = 0; m < components; m++) {
    const a = dot(attentions + ((<usize>(m * d)) << 2), x, d);
    setF32(weights, m, a);
    top = max(top, a);
  }
  let total: f32 = 0;
  for (let m = 0; m < components; m++) {
    const e = Mathf.exp(f32At(weights, m) - top);
    setF32(weights, m, e);
    total += e;
  }
  let s: f32 = 0;
  for (let m = 0; m < components; m++) {
    const w = f32At(weights, m) / total;
    setF32(weights, m, w);
    s += w * dot(state + ((<usize>(m * d)) << 2), x, d);
  }
  return s;
}

/**
 * Backward of mixture_scores: writes dy [n, 2 M d] (both scores' gradients summed) and sets dxp[p] and dxn[p] to
 * the gradients of the positive and negative vectors through the score.
 */
export function mixture_backward(
  y: usize,
  xp: usize,
  xn: usize,
  weights: usize,
  dpos: usize,
  dneg: usize,
  n: i32,
  d: i32,
  components: i32,
  dy: usize,
  dxp: usize,
  dxn: usize,
): void {
  const width = 2 * components * d;
  for (let p = 0; p < n; p++) {
    const state = y + ((<usize>(p * width)) << 2);
    const dState = dy + ((<usize>(p * width)) << 2);
    memory.fill(dState, 0, (<usize>width) << 2);
    const row = (<usize>(p * d)) << 2;
    const wp = weights + ((<usize>(p * components)) << 2);
    const wn = weights + ((<usize>((n + p) * components)) << 2);
    backward(state, xp + row, wp, f32At(dpos, p), d, components, dState, dxp + row);
    backward(state, xn + row, wn, f32At(dneg, p), d, components, dState, dxn + row);
  }
}

function backward(
  state: usize,
  x: usize,
  weights: usize,
  ds: f32,
  d: i32,
  components: i32,
  dState: usize,
  dx: usize,
): void {
  const attentions = state + ((<usize>(components * d)) << 2);
  const dAttentions = dState + ((<usize>(components * d)) << 2);
  // dw_m = ds (taste_m . x); da_m = w_m (dw_m - sum_k w_k dw_k). The dots are taken twice rather than kept,
  // so that the kernel needs no scratch of its own.
  let mean: f32 = 0;
  for (let m = 0; m < components; m++) {
    mean += f32At(weights, m) * ds * dot(state + ((<usize>(m * d)) << 2), x, d);
  }
  for (let c = 0; c < d; c++) setF32(dx, c, 0);
  for (let m = 0; m < components; m++) {
    const w = f32At(weights, m);
    const taste = state + ((<usize>(m * d)) << 2);
    const da = w * (ds * dot(taste, x, d) - mean);
    const attention = attentions + ((<usize>(m * d)) << 2);
    const dTaste = dState + ((<usize>(m * d)) << 2);
    const dAttention = dAttentions + ((<usize>(m * d)) << 2);
    for (let c = 0; c < d; c++) {
      const xc = f32At(x, c);
      setF32(dTaste, c, f32At(dTaste, c) + ds * w * xc);
      setF32(dAttention, c, f32At(dAttention, c) + da * xc);
      setF32(dx, c, f32At(dx, c) + ds * w * f32At(taste, c) + da * f32At(attention, c));
    }
  }
}
