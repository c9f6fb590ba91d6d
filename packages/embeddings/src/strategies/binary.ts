import { ConfigError, type EmbeddingStrategyDefinition } from '@bloom/core';
import { type BloomOptions, createBloomStrategy } from './bloom.js';

/** Registered name of the binary-vector strategy. */
export const BINARY = 'binary';

/**
 * The paper's formulation of Bloom embeddings: each id becomes a multi-hot vector of width m (its k hashed
 * positions) multiplied by a dense [m, d] matrix, as a real matrix product with a dense [m, d] gradient, so its
 * cost can be compared honestly with the gathered `bloom` strategy. The vector holds counts, so an id whose hashes
 * collide counts that row twice, exactly as `bloom` with `sum` does; results are equal.
 */
export const binary: EmbeddingStrategyDefinition<BloomOptions> = {
  name: BINARY,
  description:
    "the paper's multi-hot [B, m] x [m, d] matrix product with a dense gradient (equals bloom-sum)",
  create: (options) => {
    if (options.combine !== undefined && options.combine !== 'sum') {
      throw new ConfigError('combine', "'sum' (a multi-hot product sums its rows)", options.combine);
    }
    return createBloomStrategy(options, 'multi-hot-matmul');
  },
};
