import type { CombineMode, OptimizerConfig } from '@bloom/core';

/**
 * A deliberately plain scalar reference, written independently of @bloom/embeddings' kernels: float64 numbers,
 * one element at a time, dense gradients. Backends are compared with it.
 */

/** out[b][c] = combine over j of W[rows[b*k+j]][c]. */
export function referenceLookup(
  weights: ArrayLike<number>,
  rows: Int32Array,
  k: number,
  combine: CombineMode,
  dim: number,
): number[] {
  const batch = rows.length / k;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < dim; c++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += weights[rows[b * k + j]! * dim + c]!;
      out.push(combine === 'mean' ? sum / k : sum);
    }
  }
  return out;
}

/** dLoss/dW as a dense [m, d] array, from dLoss/d(lookup) ([B, d]). The frozen row gets no gradient. */
export function referenceGradient(
  rows: Int32Array,
  k: number,
  combine: CombineMode,
  grads: ArrayLike<number>,
  tableRows: number,
  dim: number,
  frozenRow: number | null,
): number[] {
  const dense = new Array<number>(tableRows * dim).fill(0);
  for (let i = 0; i < rows.length; i++) {
    const b = Math.floor(i / k);
    if (rows[i] === frozenRow) continue;
    for (let c = 0; c < dim; c++)
      dense[rows[i]! * dim + c]! += grads[b * dim + c]! / (combine === 'mean' ? k : 1);
  }
  return dense;
}

/** Optimizer state of the reference, keyed by name, dense [m * d] (or [m] for row-wise). */
export type ReferenceState = Record<string, number[]>;

/**
 * One optimizer step on the dense weights. In the sparse mode only `touched` rows change; in the dense mode all do.
 * Mutates `weights` and `state`; `step` starts at 1.
 */
export function referenceStep(
  config: OptimizerConfig,
  weights: number[],
  state: ReferenceState,
  gradient: number[],
  touched: Set<number>,
  mode: 'sparse' | 'dense',
  dim: number,
  step: number,
  frozenRow: number | null,
): void {
  const rows = weights.length / dim;
  const wd = config.weightDecay ?? 0;
  for (let r = 0; r < rows; r++) {
    if (r === frozenRow || (mode === 'sparse' && !touched.has(r))) continue;
    const g = (c: number) => gradient[r * dim + c]! + wd * weights[r * dim + c]!;
    if (config.kind === 'sgd') {
      for (let c = 0; c < dim; c++) weights[r * dim + c]! -= config.lr * g(c);
    } else if (config.kind === 'adagrad') {
      state.accumulator ??= new Array(rows * dim).fill(config.initialAccumulator ?? 0);
      const acc = state.accumulator;
      for (let c = 0; c < dim; c++) {
        const gc = g(c);
        acc[r * dim + c]! += gc * gc;
        weights[r * dim + c]! -= (config.lr * gc) / (Math.sqrt(acc[r * dim + c]!) + (config.eps ?? 1e-10));
      }
    } else if (config.kind === 'rowwise-adagrad') {
      state.accumulator ??= new Array(rows).fill(0);
      const acc = state.accumulator;
      const gs = Array.from({ length: dim }, (_, c) => g(c));
      acc[r]! += gs.reduce((s, x) => s + x * x, 0) / dim;
      for (let c = 0; c < dim; c++)
        weights[r * dim + c]! -= (config.lr * gs[c]!) / (Math.sqrt(acc[r]!) + (config.eps ?? 1e-10));
    } else {
      const b1 = config.beta1 ?? 0.9;
      const b2 = config.beta2 ?? 0.999;
      state.m ??= new Array(rows * dim).fill(0);
      state.v ??= new Array(rows * dim).fill(0);
      const { m, v } = state;
      for (let c = 0; c < dim; c++) {
        const i = r * dim + c;
        const gc = g(c);
        m[i] = b1 * m[i]! + (1 - b1) * gc;
        v[i] = b2 * v[i]! + (1 - b2) * gc * gc;
        const mHat = m[i]! / (1 - b1 ** step);
        const vHat = v[i]! / (1 - b2 ** step);
        weights[i]! -= (config.lr * mHat) / (Math.sqrt(vHat) + (config.eps ?? 1e-8));
      }
    }
  }
}

/** Largest |a - b| / max(1, |b|): absolute near zero, relative for large values. */
export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
