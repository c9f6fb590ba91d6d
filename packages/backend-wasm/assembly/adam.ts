// Adam on the networks' dense weights, as tf.train.adam computes it, with Spotlight's l2 added to the gradient
// first (torch's weight_decay).
import { f32At, setF32 } from './activations';

/**
 * One Adam step on n weights w with gradients g and moments m, v. `correction1` and `correction2` are
 * 1 - beta1^t and 1 - beta2^t for this step t.
 */
export function adam_dense(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  decay: f32,
  correction1: f32,
  correction2: f32,
): void {
  for (let i = 0; i < n; i++) {
    const weight = f32At(w, i);
    const grad = f32At(g, i) + decay * weight;
    const first = beta1 * f32At(m, i) + (1 - beta1) * grad;
    const second = beta2 * f32At(v, i) + (1 - beta2) * grad * grad;
    setF32(m, i, first);
    setF32(v, i, second);
    setF32(w, i, weight - lr * (first / correction1 / (Mathf.sqrt(second / correction2) + epsilon)));
  }
}
