import type { AdagradConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/** Element-wise Adagrad (torch.optim.Adagrad): G += g^2; w -= lr * g / (sqrt(G) + eps). */
export function adagrad(config: AdagradConfig): RowOptimizer {
  const lr = config.lr;
  const eps = config.eps ?? 1e-10;
  const wd = config.weightDecay ?? 0;
  return {
    stateNames: ['accumulator'],
    stateWidths: (dim) => [dim],
    stateInit: config.initialAccumulator ?? 0,
    update({ weights, state, rows, n, grads, dim, frozenRow }: RowUpdate) {
      const acc = state[0]!;
      for (let i = 0; i < n; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * dim;
        const g = i * dim;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * weights[w + c]!;
          const sum = acc[w + c]! + grad * grad;
          acc[w + c] = sum;
          weights[w + c]! -= (lr * grad) / (Math.sqrt(sum) + eps);
        }
      }
    },
  };
}
