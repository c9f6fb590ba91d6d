import {
  type CombineMode,
  ConfigError,
  type HostTable,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
  TABLE_OPTIONS,
  type TableMemory,
  type TableOptions,
} from '@bloom/core';
import { createRowOptimizer } from '../optimizers/create-optimizer.js';
import { type RowOptimizer, type RowUpdate, stateWidth } from '../optimizers/row-optimizer.js';
import { TOUCH_BLOCK, touchRows } from './touch-rows.js';
import { checkLength } from './validate-rows.js';

/** Where a table's rows live: a Float32Array of its own, or a region of a WebAssembly memory. */
export interface RowStorage {
  /**
   * Makes the rows region `length` floats long and returns it (`next`) with the region's previous contents
   * (`previous`, `previousLength` floats). The two may share memory, `next` starting where `previous` did.
   */
  resize(
    previous: Float32Array,
    previousLength: number,
    length: number,
  ): { previous: Float32Array; next: Float32Array };
}

/** Rows in a Float32Array of their own: resizing allocates a fresh zeroed array. */
export const plainStorage: RowStorage = {
  resize: (previous, _previousLength, length) => ({ previous, next: new Float32Array(length) }),
};

// Above this size a table no longer fits the caches of the machines measured (benchmarks/embedding-step.mjs).
const LARGE_TABLE_BYTES = 8 * 2 ** 20;

/**
 * What every typed-array table shares. Rows live in one Float32Array, `stride` floats apart: the weights
 * ([0, d)) and, once the first update has allocated it, the optimizer state beside them, so that updating a row
 * touches one region of memory. Also the step count, and the sparse and dense update paths. Subclasses provide
 * lookup and backward.
 */
export abstract class TypedArrayTable implements HostTable {
  readonly rows: number;
  readonly dim: number;
  readonly options: TableOptions;
  #data: Float32Array;
  protected stride: number;
  protected readonly frozenRow: number;
  readonly #optimizer: RowOptimizer;
  #step = 0;
  #denseGrads: Float32Array | undefined;

  readonly #storage: RowStorage;

  constructor(options: TableOptions, init?: Float32Array, storage: RowStorage = plainStorage) {
    requireKnownOptions('table', options, TABLE_OPTIONS);
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
    this.stride = this.dim;
    this.#storage = storage;
    // The field, not the accessor: a subclass's accessor may rely on its own fields, not set yet.
    this.#data = storage.resize(new Float32Array(0), 0, this.rows * this.dim).next;
    if (init !== undefined) {
      checkLength('init', init, this.rows * this.dim);
      this.#data.set(init);
    }
    if (this.frozenRow >= 0) this.#data.fill(0, this.frozenRow * this.dim, (this.frozenRow + 1) * this.dim);
  }

  /**
   * Rows of `stride` floats: weights, then optimizer state. An accessor, so that a table whose memory can grow
   * under it (a shared WebAssembly memory) can make its view afresh.
   */
  protected get data(): Float32Array {
    return this.#data;
  }

  protected set data(value: Float32Array) {
    this.#data = value;
  }

  abstract lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array;
  abstract applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void;

  /** Updates `n` listed rows with their summed gradients ([n, d]); in the dense mode, every row. */
  protected updateRows(rows: Int32Array, n: number, grads: Float32Array): void {
    if (this.options.updateMode === 'dense') {
      // Stock TensorFlow.js: scatter into a dense [N, d] gradient, then update every row.
      const dense = this.denseGradientBuffer();
      for (let i = 0; i < n; i++)
        dense.set(grads.subarray(i * this.dim, (i + 1) * this.dim), rows[i]! * this.dim);
      this.updateAllRows(dense);
      dense.fill(0);
    } else {
      this.#update(rows, n, grads);
    }
  }

  /** Updates every row with a full [rows, d] gradient (the dense formulations). */
  protected updateAllRows(grads: Float32Array): void {
    this.#update(null, this.rows, grads);
  }

  /** Whether the table outgrows the caches, so touching rows ahead pays (below, it is pure overhead). */
  protected isLarge(): boolean {
    return this.data.byteLength > LARGE_TABLE_BYTES;
  }

  /** A zeroed [rows, d] buffer for dense gradients, allocated once. */
  protected denseGradientBuffer(): Float32Array {
    this.#denseGrads ??= new Float32Array(this.rows * this.dim);
    return this.#denseGrads;
  }

  async read(): Promise<Float32Array> {
    return this.#column(0, this.dim);
  }

  async write(weights: Float32Array): Promise<void> {
    checkLength('weights', weights, this.rows * this.dim);
    this.#setColumn(0, this.dim, weights);
  }

  async readState(): Promise<Record<string, Float32Array>> {
    if (this.stride === this.dim) return {};
    const out: Record<string, Float32Array> = { step: Float32Array.of(this.#step) };
    let offset = this.dim;
    for (const { name, width } of this.#optimizer.stateLayout(this.dim)) {
      out[name] = this.#column(offset, width);
      offset += width;
    }
    return out;
  }

  async writeState(state: Record<string, Float32Array>): Promise<void> {
    this.allocateState();
    let offset = this.dim;
    for (const { name, width } of this.#optimizer.stateLayout(this.dim)) {
      const value = state[name];
      if (value === undefined) throw new ConfigError(`state.${name}`, 'a Float32Array', value);
      checkLength(`state.${name}`, value, this.rows * width);
      this.#setColumn(offset, width, value);
      offset += width;
    }
    this.#step = state.step?.[0] ?? 0;
  }

  memory(): TableMemory {
    if (this.data.length === 0) return { weightBytes: 0, optimizerStateBytes: 0, scratchBytes: 0 }; // disposed
    const weightBytes = this.rows * this.dim * 4;
    return {
      weightBytes,
      optimizerStateBytes: this.data.byteLength - weightBytes,
      scratchBytes: (this.#denseGrads?.byteLength ?? 0) + this.scratchBytes(),
    };
  }

  /** Scratch held by the subclass. */
  protected abstract scratchBytes(): number;

  dispose(): void {
    this.data = new Float32Array(0);
    this.#denseGrads = undefined;
  }

  #update(rows: Int32Array | null, n: number, grads: Float32Array): void {
    this.allocateState();
    this.#step++;
    const update = {
      data: this.data,
      stride: this.stride,
      rows,
      grads,
      dim: this.dim,
      step: this.#step,
      frozenRow: this.frozenRow,
    };
    if (rows === null) {
      this.runOptimizer(this.#optimizer, { ...update, start: 0, end: n });
      return;
    }
    if (!this.isLarge()) {
      this.runOptimizer(this.#optimizer, { ...update, start: 0, end: n });
      return;
    }
    for (let start = 0; start < n; start += TOUCH_BLOCK) {
      const end = Math.min(n, start + TOUCH_BLOCK);
      touchRows(this.data, rows, start, end, this.stride, this.stride);
      this.runOptimizer(this.#optimizer, { ...update, start, end });
    }
  }

  /** Runs one optimizer update; tables with faster kernels for some optimizers override it. */
  protected runOptimizer(optimizer: RowOptimizer, update: RowUpdate): void {
    optimizer.update(update);
  }

  /**
   * Allocates the optimizer state by widening every row, once: on the first update, so that a table only looked
   * up never pays for it. Idempotent.
   */
  protected allocateState(): void {
    const extra = stateWidth(this.#optimizer, this.dim);
    if (extra === 0 || this.stride !== this.dim) return;
    const stride = this.dim + extra;
    const d = this.dim;
    const { previous: old, next: data } = this.#storage.resize(this.data, this.rows * d, this.rows * stride);
    const init = this.#optimizer.stateInit;
    // Last row first and last column first, so that this also widens in place when `data` starts where `old`
    // does: row r moves up to r * stride >= r * d, never over a row not yet moved. A plain loop: a subarray
    // per row would allocate millions of views on large tables.
    for (let r = this.rows - 1; r >= 0; r--) {
      const from = r * d;
      const to = r * stride;
      for (let c = d - 1; c >= 0; c--) data[to + c] = old[from + c]!;
      for (let c = d; c < stride; c++) data[to + c] = init;
    }
    this.data = data;
    this.stride = stride;
  }

  #column(offset: number, width: number): Float32Array {
    const out = new Float32Array(this.rows * width);
    const data = this.data;
    for (let r = 0; r < this.rows; r++) {
      const from = r * this.stride + offset;
      const to = r * width;
      for (let c = 0; c < width; c++) out[to + c] = data[from + c]!;
    }
    return out;
  }

  #setColumn(offset: number, width: number, values: Float32Array): void {
    const data = this.data;
    for (let r = 0; r < this.rows; r++) {
      const from = r * width;
      const to = r * this.stride + offset;
      for (let c = 0; c < width; c++) data[to + c] = values[from + c]!;
    }
  }
}
