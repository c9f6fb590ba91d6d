import type { AdamConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/**
 * Adam as torch.optim.Adam and tf.train.adam compute it, with L2 weight decay added to the gradient:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * Over the touched rows only it is lazy Adam; over every row (dense mode) it is stock Adam.
 */
export function adam(config: AdamConfig): RowOptimizer {
  const lr = config.lr;
  const b1 = config.beta1 ?? 0.9;
  const b2 = config.beta2 ?? 0.999;
  const eps = config.eps ?? 1e-8;
  const wd = config.weightDecay ?? 0;
  return {
    stateNames: ['m', 'v'],
    stateWidths: (dim) => [dim, dim],
    stateInit: 0,
    update({ weights, state, rows, n, grads, dim, step, frozenRow }: RowUpdate) {
      const m = state[0]!;
      const v = state[1]!;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      for (let i = 0; i < n; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * dim;
        const g = i * dim;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * weights[w + c]!;
          const mi = b1 * m[w + c]! + (1 - b1) * grad;
          const vi = b2 * v[w + c]! + (1 - b2) * grad * grad;
          m[w + c] = mi;
          v[w + c] = vi;
          weights[w + c]! -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
        }
      }
    },
  };
}
