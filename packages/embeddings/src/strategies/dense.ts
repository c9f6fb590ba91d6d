import {
  type EmbeddingStrategy,
  type EmbeddingStrategyDefinition,
  type EmbeddingStrategyOptions,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
} from '@bloom/core';
import { validateIds } from './validate-ids.js';

/** Registered name of the dense strategy. */
export const DENSE = 'dense';

/** Options of the dense strategy. */
export interface DenseOptions extends EmbeddingStrategyOptions {
  /** An id whose row stays zero and is never updated (Spotlight's padding_idx), or null. Default null. */
  readonly paddingIdx?: number | null;
}

/** One row per id: the ordinary embedding table ([N, d]). */
export function createDenseStrategy(options: DenseOptions): EmbeddingStrategy {
  requireKnownOptions('dense', options, ['numEmbeddings', 'dim', 'paddingIdx']);
  const numEmbeddings = requireInteger('numEmbeddings', options.numEmbeddings, 1, INT32_MAX);
  const dim = requireInteger('dim', options.dim, 1, 1 << 16);
  const paddingIdx = options.paddingIdx ?? null;
  if (paddingIdx !== null) requireInteger('paddingIdx', paddingIdx, 0, numEmbeddings - 1);
  return {
    name: DENSE,
    numEmbeddings,
    dim,
    tableRows: numEmbeddings,
    rowsPerId: 1,
    combine: 'sum',
    paddingRow: paddingIdx,
    formulation: 'gather',
    rowMap: { kind: 'identity' },
    rowsFor(ids, out = new Int32Array(ids.length)) {
      validateIds(ids, numEmbeddings);
      out.set(ids);
      return out;
    },
  };
}

/** Registry entry of the dense strategy. */
export const dense: EmbeddingStrategyDefinition<DenseOptions> = {
  name: DENSE,
  description: 'one row per id ([N, d])',
  create: createDenseStrategy,
};
