/** The optimizers a backend may run as a native kernel (the wasm backend's row kernels). */
export type OptimizerKernel = 'sgd' | 'adagrad' | 'adam';

/**
 * An optimizer over table rows, written over typed arrays. The table keeps each row's weights and optimizer
 * state side by side (`[w (d) | state (stateWidth)]`, `stride` floats per row), so an update of a row touches one
 * region of memory instead of three: on tables far larger than the caches that is most of the cost of a step.
 * `update` visits i in [start, end): row `rows[i]` (or row i when `rows` is null, the dense mode) with gradient
 * `grads[i * d .. (i + 1) * d)`.
 */
export interface RowOptimizer {
  /** Named state blocks in row order, with their width in floats for a row of width d (for checkpoints). */
  stateLayout(dim: number): readonly { readonly name: string; readonly width: number }[];
  /** Initial value of the state (Adagrad's initial accumulator; 0 otherwise). */
  readonly stateInit: number;
  update(update: RowUpdate): void;
  /**
   * The native kernel that computes the same update (the wasm backend's row kernels) and its float parameters at
   * `step`; absent when the optimizer has none, and the TypeScript `update` runs instead.
   */
  kernel?(step: number): KernelCall;
}

/** An optimizer kernel and the parameters it takes after its common ones. */
export interface KernelCall {
  readonly name: OptimizerKernel;
  readonly params: readonly number[];
}

/** One optimizer step's operands. */
export interface RowUpdate {
  /** Rows of `stride` floats: weights first, then the state blocks of {@link RowOptimizer.stateLayout}. */
  readonly data: Float32Array;
  readonly stride: number;
  /** Table rows to update, or null for row i itself. */
  readonly rows: Int32Array | null;
  readonly start: number;
  readonly end: number;
  /** Gradients, one row of d per entry of `rows` (or per table row). */
  readonly grads: Float32Array;
  readonly dim: number;
  /** 1 for the first step. */
  readonly step: number;
  /** A row to leave untouched (padding), or -1. */
  readonly frozenRow: number;
}

/** Total state floats per row. */
export function stateWidth(optimizer: RowOptimizer, dim: number): number {
  return optimizer.stateLayout(dim).reduce((sum, block) => sum + block.width, 0);
}
