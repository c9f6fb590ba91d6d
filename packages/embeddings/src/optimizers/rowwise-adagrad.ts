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
    stateLayout: () => [{ name: 'accumulator', width: 1 }],
    stateInit: 0,
    update({ data, stride, rows, start, end, grads, dim, frozenRow }: RowUpdate) {
      for (let i = start; i < end; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * stride;
        const g = i * dim;
        let squares = 0;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * data[w + c]!;
          squares += grad * grad;
        }
        const sum = data[w + dim]! + squares / dim;
        data[w + dim] = sum;
        const scale = lr / (Math.sqrt(sum) + eps);
        for (let c = 0; c < dim; c++) data[w + c]! -= scale * (grads[g + c]! + wd * data[w + c]!);
      }
    },
  };
}
