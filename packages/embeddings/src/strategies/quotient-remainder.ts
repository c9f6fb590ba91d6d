import {
  type CombineMode,
  ConfigError,
  type EmbeddingStrategy,
  type EmbeddingStrategyDefinition,
  type EmbeddingStrategyOptions,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
  requireOneOf,
} from '@bloom/core';
import { validateIds } from './validate-ids.js';

/** Registered name of the quotient-remainder strategy. */
export const QUOTIENT_REMAINDER = 'quotient-remainder';

/** Options of the quotient-remainder strategy. */
export interface QuotientRemainderOptions extends EmbeddingStrategyOptions {
  /** Remainder rows m = floor(compressionRatio * N); the quotient part adds ceil(N / m) rows. Default 0.2. */
  readonly compressionRatio?: number;
  /** How the two rows combine. Default `sum`. */
  readonly combine?: CombineMode;
}

/**
 * The quotient-remainder trick (Shi et al., KDD 2020): id i uses row (i mod m) of a remainder table and row
 * floor(i / m) of a quotient table, stored here as one table of m + ceil(N / m) rows, combined by sum or mean.
 * Unlike hashing, no two ids share both rows, so every id keeps a distinct embedding at any compression.
 * The padding rule does not apply: remainder rows are shared by design, so none can be frozen.
 */
export function createQuotientRemainderStrategy(options: QuotientRemainderOptions): EmbeddingStrategy {
  requireKnownOptions('quotient-remainder', options, ['numEmbeddings', 'dim', 'compressionRatio', 'combine']);
  const numEmbeddings = requireInteger('numEmbeddings', options.numEmbeddings, 1, INT32_MAX);
  const dim = requireInteger('dim', options.dim, 1, 1 << 16);
  const ratio = options.compressionRatio ?? 0.2;
  const m = Math.floor(ratio * numEmbeddings);
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || m < 1 || m > numEmbeddings) {
    throw new ConfigError(
      'compressionRatio',
      `a ratio giving between 1 and ${numEmbeddings} remainder rows`,
      ratio,
    );
  }
  const quotients = Math.ceil(numEmbeddings / m);
  if (m + quotients > INT32_MAX)
    throw new ConfigError('compressionRatio', 'a ratio giving at most 2^31 - 1 rows', ratio);
  const combine = requireOneOf('combine', options.combine ?? 'sum', ['sum', 'mean'] as const);
  return {
    name: QUOTIENT_REMAINDER,
    numEmbeddings,
    dim,
    tableRows: m + quotients,
    rowsPerId: 2,
    combine,
    paddingRow: null,
    formulation: 'gather',
    rowMap: { kind: 'quotient-remainder', m },
    rowsFor(ids, out = new Int32Array(ids.length * 2)) {
      validateIds(ids, numEmbeddings);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const q = Math.floor(id / m);
        out[2 * i] = id - q * m;
        out[2 * i + 1] = m + q;
      }
      return out;
    },
  };
}

/** Registry entry of the quotient-remainder strategy. */
export const quotientRemainder: EmbeddingStrategyDefinition<QuotientRemainderOptions> = {
  name: QUOTIENT_REMAINDER,
  description: 'rows (i mod m) and m + floor(i / m): collision-free compression (Shi et al. 2020)',
  create: createQuotientRemainderStrategy,
};
