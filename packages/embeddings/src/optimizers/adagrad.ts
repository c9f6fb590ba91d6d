import type { AdagradConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/** Element-wise Adagrad (torch.optim.Adagrad): G += g^2; w -= lr * g / (sqrt(G) + eps). State: G, d per row. */
export function adagrad(config: AdagradConfig): RowOptimizer {
  const lr = config.lr;
  const eps = config.eps ?? 1e-10;
  const wd = config.weightDecay ?? 0;
  return {
    stateLayout: (dim) => [{ name: 'accumulator', width: dim }],
    stateInit: config.initialAccumulator ?? 0,
    kernel: () => ({ name: 'adagrad', params: [lr, eps, wd] }),
    update({ data, stride, rows, start, end, grads, dim, frozenRow }: RowUpdate) {
      for (let i = start; i < end; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * stride;
        const a = w + dim;
        const g = i * dim;
        for (let c = 0; c < dim; c++) {
          const grad = grads[g + c]! + wd * data[w + c]!;
          const sum = data[a + c]! + grad * grad;
          data[a + c] = sum;
          data[w + c]! -= (lr * grad) / (Math.sqrt(sum) + eps);
        }
      }
    },
  };
}
