import { type EmbeddingStrategy, Rng } from '@bloom/core';

/**
 * Spotlight's initialisation for embedding tables (ScaledEmbedding and BloomEmbedding): normal(0, 1/d) (the
 * standard deviation is 1/d, not 1/sqrt(d)), with the padding row zero. [tableRows, d]. A weighted strategy's
 * importance weights follow, [importanceRows, k], all 1: the table starts as the plain sum of its components.
 */
export function initialWeights(strategy: EmbeddingStrategy, seed: number): Float32Array {
  const d = strategy.dim;
  const rows = strategy.tableRows * d;
  const importance = (strategy.importanceRows ?? 0) * (strategy.rowsPerId - 1);
  const weights = new Float32Array(rows + importance);
  new Rng(seed).fillNormal(weights.subarray(0, rows), 0, 1 / d);
  weights.fill(1, rows);
  if (strategy.paddingRow !== null) weights.fill(0, strategy.paddingRow * d, (strategy.paddingRow + 1) * d);
  return weights;
}
