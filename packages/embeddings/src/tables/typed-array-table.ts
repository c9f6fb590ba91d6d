import {
  type CombineMode,
  ConfigError,
  type EmbeddingTable,
  INT32_MAX,
  requireInteger,
  type TableMemory,
  type TableOptions,
} from '@bloom/core';
import { createRowOptimizer } from '../optimizers/create-optimizer.js';
import type { RowOptimizer } from '../optimizers/row-optimizer.js';
import { checkLength } from './validate-rows.js';

/**
 * What every typed-array table shares: weights in one Float32Array ([rows, d]), optimizer state allocated on the
 * first update, the step count, and the sparse and dense update paths. Subclasses provide lookup and backward.
 */
export abstract class TypedArrayTable implements EmbeddingTable {
  readonly rows: number;
  readonly dim: number;
  readonly options: TableOptions;
  protected weights: Float32Array;
  protected readonly frozenRow: number;
  readonly #optimizer: RowOptimizer;
  #state: Float32Array[] | undefined;
  #step = 0;
  #denseGrads: Float32Array | undefined;

  constructor(options: TableOptions, init?: Float32Array) {
    this.rows = requireInteger('rows', options.rows, 1, INT32_MAX);
    this.dim = requireInteger('dim', options.dim, 1, 1 << 16);
    if (
      options.updateMode !== undefined &&
      options.updateMode !== 'sparse' &&
      options.updateMode !== 'dense'
    ) {
      throw new ConfigError('updateMode', "'sparse' or 'dense'", options.updateMode);
    }
    const frozen = options.frozenRow ?? null;
    if (frozen !== null) requireInteger('frozenRow', frozen, 0, this.rows - 1);
    this.frozenRow = frozen ?? -1;
    this.options = options;
    this.#optimizer = createRowOptimizer(options.optimizer);
    this.weights = new Float32Array(this.rows * this.dim);
    if (init !== undefined) {
      checkLength('init', init, this.rows * this.dim);
      this.weights.set(init);
    }
    if (this.frozenRow >= 0) this.weights.fill(0, this.frozenRow * this.dim, (this.frozenRow + 1) * this.dim);
  }

  abstract lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array;
  abstract applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void;

  /** Updates `n` listed rows with their summed gradients ([n, d]); in the dense mode, every row. */
  protected updateRows(rows: Int32Array, n: number, grads: Float32Array): void {
    this.#step++;
    const state = this.#stateArrays();
    const common = {
      weights: this.weights,
      state,
      dim: this.dim,
      step: this.#step,
      frozenRow: this.frozenRow,
    };
    if (this.options.updateMode === 'dense') {
      // Stock TensorFlow.js: scatter into a dense [N, d] gradient, then update every row.
      const dense = this.denseGradientBuffer();
      for (let i = 0; i < n; i++)
        dense.set(grads.subarray(i * this.dim, (i + 1) * this.dim), rows[i]! * this.dim);
      this.#optimizer.update({ ...common, rows: null, n: this.rows, grads: dense });
      dense.fill(0);
    } else {
      this.#optimizer.update({ ...common, rows, n, grads });
    }
  }

  /** Updates every row with a full [rows, d] gradient (the dense formulations). */
  protected updateAllRows(grads: Float32Array): void {
    this.#step++;
    this.#optimizer.update({
      weights: this.weights,
      state: this.#stateArrays(),
      rows: null,
      n: this.rows,
      grads,
      dim: this.dim,
      step: this.#step,
      frozenRow: this.frozenRow,
    });
  }

  /** A zeroed [rows, d] buffer for dense gradients, allocated once. */
  protected denseGradientBuffer(): Float32Array {
    this.#denseGrads ??= new Float32Array(this.rows * this.dim);
    return this.#denseGrads;
  }

  async read(): Promise<Float32Array> {
    return this.weights.slice();
  }

  async write(weights: Float32Array): Promise<void> {
    checkLength('weights', weights, this.rows * this.dim);
    this.weights.set(weights);
  }

  async readState(): Promise<Record<string, Float32Array>> {
    if (this.#state === undefined) return {};
    const out: Record<string, Float32Array> = { step: Float32Array.of(this.#step) };
    this.#optimizer.stateNames.forEach((name, i) => {
      out[name] = this.#state![i]!.slice();
    });
    return out;
  }

  async writeState(state: Record<string, Float32Array>): Promise<void> {
    const arrays = this.#stateArrays();
    this.#optimizer.stateNames.forEach((name, i) => {
      const value = state[name];
      if (value === undefined) throw new ConfigError(`state.${name}`, 'a Float32Array', value);
      checkLength(`state.${name}`, value, arrays[i]!.length);
      arrays[i]!.set(value);
    });
    this.#step = state.step?.[0] ?? 0;
  }

  memory(): TableMemory {
    const stateBytes = (this.#state ?? []).reduce((sum, a) => sum + a.byteLength, 0);
    return {
      weightBytes: this.weights.byteLength,
      optimizerStateBytes: stateBytes,
      scratchBytes: (this.#denseGrads?.byteLength ?? 0) + this.scratchBytes(),
    };
  }

  /** Scratch held by the subclass. */
  protected abstract scratchBytes(): number;

  dispose(): void {
    this.weights = new Float32Array(0);
    this.#state = undefined;
    this.#denseGrads = undefined;
  }

  #stateArrays(): Float32Array[] {
    if (this.#state === undefined) {
      const init = this.#optimizer.stateInit;
      this.#state = this.#optimizer
        .stateWidths(this.dim)
        .map((w) => new Float32Array(this.rows * w).fill(init));
    }
    return this.#state;
  }
}
