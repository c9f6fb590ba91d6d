// The Bloom output layer's loss (the paper's; with m = N and k = 1 the full softmax): log-softmax over the m
// units, cross-entropy against the target's k positions (1/k each, colliding positions adding up), averaged over
// the positions whose target is not padding.
import { f32At, i32At, setF32 } from './activations';

/**
 * The loss of logits [n, m] against `positions` [n, k] (the units of each target), masked where targets[p] is 0;
 * overwrites the logits with their gradients (softmax minus labels, over the unmasked count; zero at padding).
 */
export function softmax_xent(logits: usize, n: i32, m: i32, positions: usize, k: i32, targets: usize): f32 {
  let count = 0;
  for (let p = 0; p < n; p++) if (i32At(targets, p) !== 0) count++;
  const scale: f32 = 1 / <f32>max(count, 1);
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
    let sum: f32 = 0;
    for (let j = 0; j < m; j++) sum += Mathf.exp(f32At(row, j) - top);
    const logSum = top + Mathf.log(sum);
    for (let j = 0; j < k; j++) total -= share * (f32At(row, i32At(positions, p * k + j)) - logSum);
    for (let j = 0; j < m; j++) setF32(row, j, Mathf.exp(f32At(row, j) - logSum) * scale);
    for (let j = 0; j < k; j++) {
      const unit = i32At(positions, p * k + j);
      setF32(row, unit, f32At(row, unit) - share * scale);
    }
  }
  return total * scale;
}
