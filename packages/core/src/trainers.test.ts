import { describe, expect, it } from 'vitest';
import { isExplicitLoss, negativesPerPositive } from './trainers.js';

describe('factorization losses', () => {
  it('draw negatives as Spotlight does: n for adaptive hinge, one for the other implicit losses, none for explicit', () => {
    expect(negativesPerPositive({ loss: 'adaptive-hinge', negatives: 5 })).toBe(5);
    for (const loss of ['pointwise', 'bpr', 'hinge'] as const)
      expect(negativesPerPositive({ loss, negatives: 5 })).toBe(1);
    for (const loss of ['regression', 'poisson', 'logistic'] as const) {
      expect(isExplicitLoss(loss)).toBe(true);
      expect(negativesPerPositive({ loss, negatives: 5 })).toBe(0);
    }
    expect(isExplicitLoss('bpr')).toBe(false);
  });
});
