import { type EmbeddingStrategy, Rng } from '@bloom/core';

/**
 * Spotlight's initialisation for embedding tables (ScaledEmbedding and BloomEmbedding): normal(0, 1/d) (the
 * standard deviation is 1/d, not 1/sqrt(d)), with the padding row zero. [tableRows, d].
 */
export function initialWeights(strategy: EmbeddingStrategy, seed: number): Float32Array {
  const d = strategy.dim;
  const weights = new Rng(seed).fillNormal(new Float32Array(strategy.tableRows * d), 0, 1 / d);
  if (strategy.paddingRow !== null) weights.fill(0, strategy.paddingRow * d, (strategy.paddingRow + 1) * d);
  return weights;
}
