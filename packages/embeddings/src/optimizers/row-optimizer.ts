/**
 * An optimizer over table rows, written over typed arrays. `update` visits n rows: `rows[i]` (or row i when
 * `rows` is null, the dense mode) gets gradient `grads[i * d .. (i + 1) * d)`. State arrays are indexed like the
 * weights ([rows, d], or [rows] for per-row state) and allocated by the table on first use.
 */
export interface RowOptimizer {
  /** Names of the state arrays, for checkpoints. */
  readonly stateNames: readonly string[];
  /** Floats per table row of each state array. */
  stateWidths(dim: number): readonly number[];
  /** Initial value of the state (Adagrad's initial accumulator; 0 otherwise). */
  readonly stateInit: number;
  update(update: RowUpdate): void;
}

/** One optimizer step's operands. */
export interface RowUpdate {
  readonly weights: Float32Array;
  readonly state: readonly Float32Array[];
  /** Table rows to update, or null for rows 0..n-1. */
  readonly rows: Int32Array | null;
  readonly n: number;
  /** [n, d] gradients, one row per updated row. */
  readonly grads: Float32Array;
  readonly dim: number;
  /** 1 for the first step. */
  readonly step: number;
  /** A row to leave untouched (padding), or -1. */
  readonly frozenRow: number;
}
