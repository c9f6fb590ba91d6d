import type { SgdConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/** SGD with L2 weight decay: w -= lr * (g + wd * w). */
export function sgd(config: SgdConfig): RowOptimizer {
  const lr = config.lr;
  const wd = config.weightDecay ?? 0;
  return {
    stateLayout: () => [],
    stateInit: 0,
    kernel: () => ({ name: 'sgd', params: [lr, wd] }),
    update({ data, stride, rows, start, end, grads, dim, frozenRow }: RowUpdate) {
      for (let i = start; i < end; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * stride;
        const g = i * dim;
        for (let c = 0; c < dim; c++) data[w + c]! -= lr * (grads[g + c]! + wd * data[w + c]!);
      }
    },
  };
}
