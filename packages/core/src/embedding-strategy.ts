import type { TableFormulation } from './embedding-table.js';
import type { RegistryEntry } from './registry.js';

/**
 * How the rows an id maps to are combined into its embedding. `weighted` is hash embeddings' rule (see
 * {@link EmbeddingStrategy.importanceRows}): of an id's k + 1 entries, the first k are component rows and the last is
 * its row of trainable importance weights, so only a table built for it (@bloom/embeddings' weighted tables) reads
 * them; the last entry lies past the component rows, so a plain table refuses it as out of range.
 */
export type CombineMode = 'sum' | 'mean' | 'weighted';

/** Options every embedding strategy accepts; strategies extend it with their own. */
export interface EmbeddingStrategyOptions {
  /** N, the size of the id space (ids are in [0, N)). */
  readonly numEmbeddings: number;
  /** d, the embedding width. */
  readonly dim: number;
}

/**
 * How ids become table rows: the part of an embedding that does not depend on the backend.
 * Every strategy has the same call shape: B ids in, B x k row indices out, combined by `combine`.
 * Backends own the table and do the lookup and the update.
 */
export interface EmbeddingStrategy {
  /** The registered name, e.g. `dense` or `bloom`. */
  readonly name: string;
  /** N, the size of the id space. */
  readonly numEmbeddings: number;
  /** d, the embedding width. */
  readonly dim: number;
  /** Rows in the table the strategy needs (N for dense, floor(ratio * N) for bloom). */
  readonly tableRows: number;
  /** k, the rows each id maps to. */
  readonly rowsPerId: number;
  /** How the k rows are combined. */
  readonly combine: CombineMode;
  /** A row that is always zero and never updated (the padding row), or null. */
  readonly paddingRow: number | null;
  /**
   * With combine `weighted` only: the rows of the importance-weight table, each of width k = rowsPerId - 1 (one
   * weight per component row). An id's last entry from `rowsFor` is `tableRows + r`, its weight row r; its
   * embedding is the sum over j of weight j times component row j.
   */
  readonly importanceRows?: number;
  /** How the table computes lookups for this strategy (`multi-hot-matmul` for the paper's binary vectors). */
  readonly formulation: TableFormulation;
  /**
   * Rows of B ids, validating every id against [0, N).
   * @returns [B x k] Int32Array of rows in [0, tableRows).
   * @throws IdRangeError on the first id out of range.
   */
  rowsFor(ids: Int32Array, out?: Int32Array): Int32Array;
  /**
   * The rule behind `rowsFor`, as data, so that a device can compute rows itself (a CUDA kernel hashing ids where
   * they already are). Absent for strategies whose rule is only code (a plugin's); devices then ask `rowsFor`.
   */
  readonly rowMap?: RowMap;
  /**
   * Rows of raw string keys, hashed from their UTF-8 bytes: present only on strategies created with each id's key
   * (vocabulary-free tables, e.g. bloom with `keys`), whose id rows are exactly their keys' rows. So a key never
   * seen in training still maps to trained rows. @returns [n x k] rows in [0, tableRows).
   */
  rowsForKeys?(keys: readonly string[], out?: Int32Array): Int32Array;
}

/**
 * How a strategy maps id i to its k rows, described as data (see {@link EmbeddingStrategy.rowMap}):
 * - `identity`: row i (k = 1).
 * - `hash`: row j is `firstRow + bucket_j(i, buckets - firstRow)` with the registered hasher of `seeds[j]`
 *   (its own bucket rule), except that `paddingIdx` maps to row 0 for every j.
 * - `quotient-remainder`: rows `i mod m` and `m + floor(i / m)`.
 */
export type RowMap =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'hash';
      readonly hasher: string;
      /** One seed per hash function (k of them), as unsigned 32-bit values. */
      readonly seeds: readonly number[];
      /** m, the table rows hashed into (row 0 included). */
      readonly buckets: number;
      /** 1 when row 0 is kept for the padding id alone, else 0. */
      readonly firstRow: 0 | 1;
      readonly paddingIdx: number | null;
    }
  | { readonly kind: 'quotient-remainder'; readonly m: number };

/**
 * The trainable parameters of a strategy's table: rows x d, plus the importance weights of a weighted strategy
 * (what a `compressionRatio` budgets).
 */
export function strategyParameters(strategy: EmbeddingStrategy): number {
  const importance = (strategy.importanceRows ?? 0) * (strategy.rowsPerId - 1);
  return strategy.tableRows * strategy.dim + importance;
}

/** A registered embedding strategy: a name and a factory. */
export interface EmbeddingStrategyDefinition<O extends EmbeddingStrategyOptions = EmbeddingStrategyOptions>
  extends RegistryEntry {
  readonly description: string;
  create(options: O): EmbeddingStrategy;
}
