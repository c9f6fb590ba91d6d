import type { AdamConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';
import { stepParams } from './step-params.js';

/**
 * Adam as torch.optim.Adam and tf.train.adam compute it, with L2 weight decay added to the gradient:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * Over the touched rows only it is lazy Adam; over every row (dense mode) it is stock Adam. State: m and v.
 */
export function adam(config: AdamConfig): RowOptimizer {
  const lr = config.lr;
  const b1 = config.beta1 ?? 0.9;
  const b2 = config.beta2 ?? 0.999;
  const eps = config.eps ?? 1e-8;
  const wd = config.weightDecay ?? 0;
  return {
    stateLayout: (dim) => [
      { name: 'm', width: dim },
      { name: 'v', width: dim },
    ],
    stateInit: 0,
    kernel: (step) => {
      const p = stepParams(config, step);
      return { name: 'adam', params: [b1, 1 - b1, b2, 1 - b2, eps, p.stepSize, p.invSqrtC2, wd] };
    },
    update({ data, stride, rows, start, end, grads, dim, step, frozenRow }: RowUpdate) {
      // lr * (m / c1) / (sqrt(v / c2) + eps), with the bias corrections folded into two constants.
      const stepSize = lr / (1 - b1 ** step);
      const invSqrtC2 = 1 / Math.sqrt(1 - b2 ** step);
      for (let i = start; i < end; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * stride;
        const m = w + dim;
        const v = m + dim;
        const g = i * dim;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * data[w + c]!;
          const mi = b1 * data[m + c]! + (1 - b1) * grad;
          const vi = b2 * data[v + c]! + (1 - b2) * grad * grad;
          data[m + c] = mi;
          data[v + c] = vi;
          data[w + c]! -= (stepSize * mi) / (Math.sqrt(vi) * invSqrtC2 + eps);
        }
      }
    },
  };
}
