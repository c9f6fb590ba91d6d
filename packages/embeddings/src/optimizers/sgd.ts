import type { SgdConfig } from '@bloom/core';
import type { RowOptimizer, RowUpdate } from './row-optimizer.js';

/** SGD with L2 weight decay: w -= lr * (g + wd * w). */
export function sgd(config: SgdConfig): RowOptimizer {
  const lr = config.lr;
  const wd = config.weightDecay ?? 0;
  return {
    stateNames: [],
    stateWidths: () => [],
    stateInit: 0,
    update({ weights, rows, n, grads, dim, frozenRow }: RowUpdate) {
      for (let i = 0; i < n; i++) {
        const row = rows === null ? i : rows[i]!;
        if (row === frozenRow) continue;
        const w = row * dim;
        const g = i * dim;
        for (let c = 0; c < dim; c++) weights[w + c]! -= lr * (grads[g + c]! + wd * weights[w + c]!);
      }
    },
  };
}
