// The Bloom output layer's loss (the paper's; with m = N and k = 1 the full softmax): log-softmax over the m
// units, cross-entropy against the target's k positions (1/k each, colliding positions adding up), averaged over
// the positions whose target is not padding.
import { f32At, i32At, setF32 } from './activations';
import { exp4 } from './simd-math';

/**
 * The loss of logits [n, m] against `positions` [n, k] (the units of each target), masked where targets[p] is 0
 * and divided by the minibatch's unmasked count (the i32 at `countAt`); overwrites the logits with their gradients
 * (softmax minus labels, over that count; zero at padding).
 */
export function softmax_xent(
  logits: usize,
  n: i32,
  m: i32,
  positions: usize,
  k: i32,
  targets: usize,
  countAt: usize,
): f32 {
  const scale: f32 = 1 / <f32>max(load<i32>(countAt), 1);
  const share: f32 = 1 / <f32>k;
  let total: f32 = 0;
  for (let p = 0; p < n; p++) {
    const row = logits + ((<usize>(p * m)) << 2);
    if (i32At(targets, p) === 0) {
      memory.fill(row, 0, (<usize>m) << 2);
      continue;
    }
    let top: f32 = -Infinity;
    for (let j = 0; j < m; j++) top = max(top, f32At(row, j));
    const logSum = top + Mathf.log(sumExp(row, m, top));
    for (let j = 0; j < k; j++) total -= share * (f32At(row, i32At(positions, p * k + j)) - logSum);
    toProbabilities(row, m, logSum, scale);
    for (let j = 0; j < k; j++) {
      const unit = i32At(positions, p * k + j);
      setF32(row, unit, f32At(row, unit) - share * scale);
    }
  }
  return total * scale;
}

// The sum of e^(row[j] - top) over the m logits, four at a time (the tail through the same lanes, zero-filled).
function sumExp(row: usize, m: i32, top: f32): f32 {
  const shift = f32x4.splat(top);
  let lanes = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= m; j += 4) lanes = f32x4.add(lanes, exp4(f32x4.sub(v128.load(row + ((<usize>j) << 2)), shift)));
  let sum =
    f32x4.extract_lane(lanes, 0) +
    f32x4.extract_lane(lanes, 1) +
    f32x4.extract_lane(lanes, 2) +
    f32x4.extract_lane(lanes, 3);
  for (; j < m; j++) sum += f32x4.extract_lane(exp4(f32x4.splat(f32At(row, j) - top)), 0);
  return sum;
}

// row[j] = e^(row[j] - logSum) * scale: the softmax, scaled.
function toProbabilities(row: usize, m: i32, logSum: f32, scale: f32): void {
  const shift = f32x4.splat(logSum);
  const factor = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const at = row + ((<usize>j) << 2);
    v128.store(at, f32x4.mul(exp4(f32x4.sub(v128.load(at), shift)), factor));
  }
  for (; j < m; j++) setF32(row, j, f32x4.extract_lane(exp4(f32x4.splat(f32At(row, j) - logSum)), 0) * scale);
}
