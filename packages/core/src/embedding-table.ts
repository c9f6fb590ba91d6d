import type { CombineMode } from './embedding-strategy.js';

/** SGD: w -= lr * (g + weightDecay * w). */
export interface SgdConfig {
  readonly kind: 'sgd';
  readonly lr: number;
  readonly weightDecay?: number;
}

/** Element-wise Adagrad (as torch.optim.Adagrad): G += g^2; w -= lr * g / (sqrt(G) + eps). */
export interface AdagradConfig {
  readonly kind: 'adagrad';
  readonly lr: number;
  /** Initial value of the accumulator. Default 0. */
  readonly initialAccumulator?: number;
  /** Default 1e-10 (torch's). */
  readonly eps?: number;
  readonly weightDecay?: number;
}

/** Row-wise Adagrad (as FBGEMM/TorchRec): one accumulator per row, G += mean(g^2 over the row). */
export interface RowwiseAdagradConfig {
  readonly kind: 'rowwise-adagrad';
  readonly lr: number;
  /** Default 1e-10. */
  readonly eps?: number;
  readonly weightDecay?: number;
}

/**
 * Adam (as torch.optim.Adam and tf.train.adam, with L2 weight decay added to the gradient as Spotlight uses it).
 * In the sparse update mode it is lazy Adam (as TensorFlow's LazyAdam and torch's SparseAdam): only touched rows
 * update their moments and weights; bias correction uses the global step count.
 */
export interface AdamConfig {
  readonly kind: 'adam';
  readonly lr: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly eps?: number;
  readonly weightDecay?: number;
}

/** An optimizer for table rows: plain serializable data. */
export type OptimizerConfig = SgdConfig | AdagradConfig | RowwiseAdagradConfig | AdamConfig;

/** The optimizer kinds, for validation and listings. */
export const OPTIMIZER_KINDS = ['sgd', 'adagrad', 'rowwise-adagrad', 'adam'] as const;

/**
 * `sparse`: only rows touched by the batch are updated (duplicates summed first): cost independent of N.
 * `dense`: stock TensorFlow.js behaviour, for comparisons: a dense [N, d] gradient and every row updated each step
 * (Adam moments decay everywhere).
 */
export type UpdateMode = 'sparse' | 'dense';

/**
 * How a table computes a lookup. `gather`: the k rows of each id are gathered and combined (cost O(B k d)).
 * `multi-hot-matmul`: the paper's binary-vector formulation, a [B, m] multi-hot matrix times the [m, d] table as
 * a real matrix product with a dense gradient (cost O(B m d)); same results as `gather` with `sum`.
 */
export type TableFormulation = 'gather' | 'multi-hot-matmul';

/** Options of a table. */
export interface TableOptions {
  /** Number of rows (m). */
  readonly rows: number;
  /** Row width (d). */
  readonly dim: number;
  readonly optimizer: OptimizerConfig;
  /** Default `sparse`. */
  readonly updateMode?: UpdateMode;
  /** A row kept at zero and never updated (the padding row), or null. */
  readonly frozenRow?: number | null;
  /** Default `gather`. */
  readonly formulation?: TableFormulation;
  /**
   * How the caller will use the table. `host` (the default) needs the synchronous typed-array methods (`lookup`,
   * `applyGradients`); `tensor` needs only the tensor methods that @bloom/embeddings' `TensorTable` adds, so a GPU
   * adapter may keep the table on the device.
   */
  readonly access?: TableAccess;
  /**
   * Tables trained together by one fused step (a model's user, item and bias tables) pass the same group, so that
   * an adapter may keep them in one memory where that step runs in place on all of them (the wasm adapter puts a
   * group in one WebAssembly memory). Adapters without such a step ignore it.
   */
  readonly group?: TableGroup;
}

/** The fields of {@link TableOptions}, so that tables can refuse a misspelt one (`requireKnownOptions`). */
export const TABLE_OPTIONS = [
  'rows',
  'dim',
  'optimizer',
  'updateMode',
  'frozenRow',
  'formulation',
  'access',
  'group',
] as const satisfies readonly (keyof TableOptions)[];

/** See {@link TableOptions.access}. */
export type TableAccess = 'host' | 'tensor';

/** An identity shared by the tables of one model: see {@link TableOptions.group}. Compared by reference. */
export interface TableGroup {
  /** What the group is, for messages and memory reports. */
  readonly name: string;
}

/** Bytes held by a table, for memory reports. */
export interface TableMemory {
  readonly weightBytes: number;
  /** Optimizer state, allocated lazily on the first update. */
  readonly optimizerStateBytes: number;
  /** Scratch buffers for the backward pass. */
  readonly scratchBytes: number;
}

/**
 * An embedding table owned by a backend: weights and optimizer state live on the adapter's device and are
 * updated in place. What every table offers: its size, whole-table reads and writes (checkpoints), memory and
 * disposal. How a batch reaches it is a capability of its own: {@link HostTable}'s synchronous typed-array
 * methods, or a tensor table's tensor methods (@bloom/embeddings' `TensorTable`, for tables kept on a GPU).
 */
export interface EmbeddingTable {
  readonly rows: number;
  readonly dim: number;
  readonly options: TableOptions;
  /** A copy of the weights, [rows, d]. */
  read(): Promise<Float32Array>;
  /** Replaces the weights (length rows * d), e.g. from a checkpoint. */
  write(weights: Float32Array): Promise<void>;
  /** The optimizer state as named arrays (for checkpoints); empty before the first update. */
  readState(): Promise<Record<string, Float32Array>>;
  writeState(state: Record<string, Float32Array>): Promise<void>;
  memory(): TableMemory;
  dispose(): void;
}

/**
 * A table the host reads and updates synchronously through typed arrays (every table with `access: 'host'`, the
 * default). Row indices come from an {@link EmbeddingStrategy}; a batch is B ids x k rows, row-major.
 */
export interface HostTable extends EmbeddingTable {
  /**
   * Fused lookup and combine: `out[b] = combine_j W[rows[b * k + j]]`, [B, d].
   * @throws IdRangeError when a row index is outside [0, rows).
   */
  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array;
  /**
   * Optional fused lookup and dot product: `out[b] = dot(combine_j W[rows[b * k + j]], vector)`, [B], without
   * materialising the [B, d] vectors (ranking a whole catalogue against one user). Absent: callers use
   * {@link lookup} and a dot product of their own.
   * @throws IdRangeError when a row index is outside [0, rows).
   */
  dotRows?(
    rows: Int32Array,
    k: number,
    combine: CombineMode,
    vector: Float32Array,
    out?: Float32Array,
  ): Float32Array;
  /**
   * Fused backward and optimizer step. `grads` is dLoss/d(out) of {@link lookup}, [B, d]. Each row receives its
   * share (all of it for sum, 1/k for mean), duplicates are summed, then the optimizer updates the rows in place
   * (all rows in the dense mode). The frozen row is never updated.
   */
  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void;
}

/** Options that ask for a {@link HostTable}: `access` absent or `host`. */
export type HostTableOptions = TableOptions & { readonly access?: 'host' };

/** Whether `table` offers the synchronous typed-array methods. */
export function isHostTable(table: EmbeddingTable): table is HostTable {
  const candidate = table as Partial<HostTable>;
  return typeof candidate.lookup === 'function' && typeof candidate.applyGradients === 'function';
}
