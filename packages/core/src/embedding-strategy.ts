import type { TableFormulation } from './embedding-table.js';
import type { RegistryEntry } from './registry.js';

/** How the rows an id maps to are combined into its embedding. */
export type CombineMode = 'sum' | 'mean';

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
  /** How the table computes lookups for this strategy (`multi-hot-matmul` for the paper's binary vectors). */
  readonly formulation: TableFormulation;
  /**
   * Rows of B ids, validating every id against [0, N).
   * @returns [B x k] Int32Array of rows in [0, tableRows).
   * @throws IdRangeError on the first id out of range.
   */
  rowsFor(ids: Int32Array, out?: Int32Array): Int32Array;
}

/** A registered embedding strategy: a name and a factory. */
export interface EmbeddingStrategyDefinition<O extends EmbeddingStrategyOptions = EmbeddingStrategyOptions>
  extends RegistryEntry {
  readonly description: string;
  create(options: O): EmbeddingStrategy;
}
