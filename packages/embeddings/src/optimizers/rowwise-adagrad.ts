import type { RowwiseAdagradConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/**
 * Row-wise Adagrad (FBGEMM / TorchRec): one accumulator per row, G += mean_c(g_c^2); w -= lr * g / (sqrt(G) + eps).
 * State is one float per row instead of d.
 */
export function rowwiseAdagrad(config: RowwiseAdagradConfig): RowOptimizer {
  const lr = config.lr;
  const eps = config.eps ?? 1e-10;
  const wd = config.weightDecay ?? 0;
  return {
    stateNames: ['accumulator'],
    stateWidths: () => [1],
    stateInit: 0,
    update({ weights, state, rows, n, grads, dim, frozenRow }: RowUpdate) {
      const acc = state[0]!;
      for (let i = 0; i < n; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * dim;
        const g = i * dim;
        let squares = 0;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * weights[w + c]!;
          squares += grad * grad;
        }
        const sum = acc[row]! + squares / dim;
        acc[row] = sum;
        const scale = lr / (Math.sqrt(sum) + eps);
        for (let c = 0; c < dim; c++) weights[w + c]! -= scale * (grads[g + c]! + wd * weights[w + c]!);
      }
    },
  };
}
