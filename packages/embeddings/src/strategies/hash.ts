import {
  ConfigError,
  type EmbeddingStrategy,
  type EmbeddingStrategyDefinition,
  type EmbeddingStrategyOptions,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
} from '@bloom/core';
import { createHashFamily, SPOTLIGHT_SEEDS } from '@bloom/hashers';
import { requireRatio } from './ratio-rows.js';
import { copyRows, requireOut } from './row-table.js';
import { validateIds } from './validate-ids.js';

// Id spaces this small get every id's k + 1 entries computed once, on first use (as bloom does): 4 MiB at most.
const ROW_TABLE_MAX_ENTRIES = 1 << 20;

/** Registered name of the hash-embeddings strategy. */
export const HASH = 'hash';

/** Options of the hash strategy. */
export interface HashOptions extends EmbeddingStrategyOptions {
  /**
   * The parameter budget: component rows x d plus the importance weights are at most ratio x N x d. The component
   * rows are what the budget leaves after the weights. Default 0.2.
   */
  readonly compressionRatio?: number;
  /** k, component rows per id (hash functions). Default 2, the paper's. */
  readonly numHashes?: number;
  /** A registered hasher. Default `murmur3`. */
  readonly hasher?: string;
  /**
   * Seeds: one per component hash, then (with hashed importance weights) one more for the weights' row. Default:
   * Spotlight's primes.
   */
  readonly seeds?: readonly number[];
  /**
   * `per-id`: each id has its own k importance weights (N x k parameters). A number B: the weights are hashed into
   * B rows shared by ids, as the paper does for vocabularies too large for a weight per id. `auto` (the default):
   * per id where that takes at most half the budget, else hashed into the rows that half the budget pays for.
   */
  readonly importanceRows?: 'auto' | 'per-id' | number;
  /** The padding id: all its components are row 0, which stays zero and which no other id uses. Default 0. */
  readonly paddingIdx?: number | null;
}

const HASH_OPTIONS = [
  'numEmbeddings',
  'dim',
  'compressionRatio',
  'numHashes',
  'hasher',
  'seeds',
  'importanceRows',
  'paddingIdx',
] as const;

/**
 * Hash embeddings (Svenstrup, Hansen and Winther, NeurIPS 2017): each id's vector is a weighted sum of k component
 * rows, drawn by k hash functions from a shared pool, with k trainable importance weights per id. Its rows come
 * out as k component rows then the id's importance row (offset by the pool's rows), combined `weighted`; the
 * weights start at 1, so an untrained table equals a Bloom table (summed, padding row reserved) on the same hashes.
 */
export function createHashStrategy(options: HashOptions): EmbeddingStrategy {
  requireKnownOptions(HASH, options, HASH_OPTIONS);
  const numEmbeddings = requireInteger('numEmbeddings', options.numEmbeddings, 1, INT32_MAX);
  const dim = requireInteger('dim', options.dim, 1, 1 << 16);
  const k = requireInteger('numHashes', options.numHashes ?? 2, 1, 64);
  const paddingIdx = options.paddingIdx === undefined ? 0 : options.paddingIdx;
  if (paddingIdx !== null) requireInteger('paddingIdx', paddingIdx, 0, numEmbeddings - 1);
  const ratio = requireRatio(options.compressionRatio ?? 0.2);
  const { rows: importanceRows, perId } = weightRows(
    options.importanceRows ?? 'auto',
    ratio,
    numEmbeddings,
    dim,
    k,
  );
  const pool = poolRows(ratio, numEmbeddings, dim, importanceRows * k);
  const hasher = options.hasher ?? 'murmur3';
  const seeds = options.seeds ?? SPOTLIGHT_SEEDS;
  const family = createHashFamily({
    hasher,
    numHashes: k,
    buckets: pool,
    seeds: seeds.slice(0, k),
    paddingIdx,
    reservePaddingRow: paddingIdx !== null,
  });
  if (!perId && seeds.length <= k) {
    throw new ConfigError(
      'seeds',
      `${k + 1} seeds (k for the components, one for the importance row)`,
      seeds,
    );
  }
  const weightRowOf = perId
    ? undefined
    : createHashFamily({ hasher, numHashes: 1, buckets: importanceRows, seeds: [seeds[k]!] });
  const width = k + 1;
  // Every entry of a batch of ids: k component rows from the family, then pool + the id's importance row.
  const compute = (ids: Int32Array, out: Int32Array) => {
    const components = family.indices(ids);
    const weights = weightRowOf?.indices(ids);
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < k; j++) out[i * width + j] = components[i * k + j]!;
      out[i * width + k] = pool + (weights === undefined ? ids[i]! : weights[i]!);
    }
    return out;
  };
  let rowTable: Int32Array | undefined;
  return {
    name: HASH,
    numEmbeddings,
    dim,
    tableRows: pool,
    rowsPerId: width,
    combine: 'weighted',
    paddingRow: paddingIdx === null ? null : 0,
    formulation: 'gather',
    importanceRows,
    rowsFor(ids, out = new Int32Array(ids.length * width)) {
      validateIds(ids, numEmbeddings);
      requireOut(out, ids.length * width, 'ids x (k + 1)');
      if (numEmbeddings * width > ROW_TABLE_MAX_ENTRIES) return compute(ids, out);
      rowTable ??= compute(
        Int32Array.from({ length: numEmbeddings }, (_, id) => id),
        new Int32Array(numEmbeddings * width),
      );
      return copyRows(rowTable, ids, width, out);
    },
  };
}

// The rows of importance weights an `importanceRows` option asks for (see HashOptions.importanceRows).
function weightRows(
  option: unknown,
  ratio: number,
  numEmbeddings: number,
  dim: number,
  k: number,
): { rows: number; perId: boolean } {
  if (option === 'per-id') return { rows: numEmbeddings, perId: true };
  if (option !== 'auto')
    return { rows: requireInteger('importanceRows', option, 1, INT32_MAX), perId: false };
  const half = (ratio * numEmbeddings * dim) / 2;
  if (numEmbeddings * k <= half) return { rows: numEmbeddings, perId: true };
  return { rows: Math.max(1, Math.floor(half / k)), perId: false };
}

// The component rows the budget leaves once the importance weights are paid for: at least 2 (row 0 is the
// padding row, and a pool needs a row to share).
function poolRows(ratio: number, numEmbeddings: number, dim: number, weights: number): number {
  const rows = Math.floor((ratio * numEmbeddings * dim - weights) / dim);
  if (rows < 2 || rows > INT32_MAX) {
    throw new ConfigError(
      'compressionRatio',
      `a ratio whose budget (ratio x ${numEmbeddings} ids x d ${dim}) pays for the ${weights} importance weights ` +
        `and leaves between 2 and ${INT32_MAX} component rows (fewer weights: a numeric importanceRows)`,
      ratio,
    );
  }
  return rows;
}

/** Registry entry of the hash strategy. */
export const hash: EmbeddingStrategyDefinition<HashOptions> = {
  name: HASH,
  description: 'hash embeddings: k hashed component rows per id, summed with k trainable importance weights',
  create: (options) => createHashStrategy(options),
};
