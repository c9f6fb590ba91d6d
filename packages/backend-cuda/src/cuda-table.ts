import {
  type CombineMode,
  ConfigError,
  DeviceError,
  type HostTable,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
  TABLE_OPTIONS,
  type TableMemory,
  type TableOptions,
} from '@bloom/core';
import {
  checkBatch,
  checkLength,
  createRowOptimizer,
  RowSlots,
  segmentRows,
  stepParams,
} from '@bloom/embeddings';
import type { CudaAddon, CudaTableHandle } from './addon.js';

const KERNELS = { sgd: 0, adagrad: 1, adam: 2 } as const;

/**
 * Where a CUDA table or trainer runs: on the GPU, or in host memory through the same element functions (the
 * emulation that tests the kernels' code on machines without a GPU).
 */
export type CudaPlacement = 'device' | 'host-emulation';

/**
 * A table of the cuda backend: weights and optimizer state in CUDA device memory (or, for tests on machines without
 * a GPU, in host memory run by the same element functions, placement `host-emulation`), with the lookup and the sparse update
 * as CUDA kernels (native/table.cu). It serves the synchronous table interface (each call copies its ids and
 * results across; the update synchronises once), so every model runs on it. Duplicates are grouped on the host
 * (`segmentRows`) and summed by the thread that owns each row and column; rows are validated before the device
 * sees them; device failures (out of memory, a launch) throw `DeviceError`.
 */
export class CudaTable implements HostTable {
  readonly rows: number;
  readonly dim: number;
  readonly options: TableOptions;
  readonly #addon: CudaAddon;
  readonly #onDevice: boolean;
  readonly #kernel: 0 | 1 | 2;
  readonly #stateLayout: readonly { readonly name: string; readonly width: number }[];
  readonly #stateInit: number;
  readonly #frozenRow: number;
  readonly #slots: RowSlots;
  /** The paper's formulation: lookups and gradients as multi-hot matrix products (table_matmul.cu). */
  readonly #matmul: boolean;
  #handle: CudaTableHandle | null;
  #hasState = false;
  #step = 0;

  private constructor(
    options: TableOptions,
    init: Float32Array | undefined,
    addon: CudaAddon,
    placement: CudaPlacement,
  ) {
    this.rows = requireInteger('rows', options.rows, 1, INT32_MAX);
    this.dim = requireInteger('dim', options.dim, 1, 1 << 16);
    this.options = options;
    this.#addon = addon;
    this.#onDevice = placement === 'device';
    const optimizer = createRowOptimizer(options.optimizer);
    this.#kernel = KERNELS[options.optimizer.kind as keyof typeof KERNELS];
    this.#stateLayout = optimizer.stateLayout(this.dim);
    this.#stateInit = optimizer.stateInit;
    this.#frozenRow = options.frozenRow ?? -1;
    if (this.#frozenRow !== -1) requireInteger('frozenRow', this.#frozenRow, 0, this.rows - 1);
    this.#slots = new RowSlots(this.rows);
    this.#matmul = (options.formulation ?? 'gather') === 'multi-hot-matmul';
    this.#handle = this.#native(() => addon.tableCreate(this.#onDevice, this.rows, this.dim, 0));
    const weights = new Float32Array(this.rows * this.dim);
    if (init !== undefined) {
      checkLength('init', init, weights.length);
      weights.set(init);
    }
    if (this.#frozenRow >= 0) weights.fill(0, this.#frozenRow * this.dim, (this.#frozenRow + 1) * this.dim);
    this.#copy(0, weights, true);
  }

  /**
   * A table, or the reason this configuration stays on the host: the kernels cover the sparse update, gathered or
   * as the paper's multi-hot matrix product, with SGD, Adagrad and Adam (not row-wise Adagrad or the dense mode).
   */
  static create(
    options: TableOptions,
    init: Float32Array | undefined,
    addon: CudaAddon,
    placement: CudaPlacement,
  ): CudaTable | string {
    requireKnownOptions('table', options, TABLE_OPTIONS);
    if ((options.updateMode ?? 'sparse') !== 'sparse') return 'the dense update mode runs on the host';
    if (!(options.optimizer?.kind in KERNELS)) return `${options.optimizer?.kind} has no CUDA kernel yet`;
    return new CudaTable(options, init, addon, placement);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkBatch(rows, k, this.rows);
    const result = out ?? new Float32Array(batch * this.dim);
    checkLength('out', result, batch * this.dim);
    const handle = this.#live();
    if (this.#matmul) {
      this.#requireSum(combine);
      this.#native(() => this.#addon.tableMatmulLookup(handle, rows, k, result));
    } else {
      this.#native(() => this.#addon.tableLookup(handle, rows, k, combine === 'mean' ? 1 / k : 1, result));
    }
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkBatch(rows, k, this.rows);
    checkLength('grads', grads, batch * this.dim);
    if (this.#matmul) this.#requireSum(combine);
    this.#allocateState();
    this.#step++;
    const { uniq, offsets, entries } = segmentRows(rows, k, this.#frozenRow, this.#slots);
    if (uniq.length === 0) return;
    const p = stepParams(this.options.optimizer, this.#step);
    const params = Float64Array.of(
      p.lr,
      p.weightDecay,
      p.eps,
      p.beta1,
      p.beta2,
      p.stepSize,
      p.invSqrtC2,
      combine === 'mean' ? 1 / k : 1,
    );
    const handle = this.#live();
    if (this.#matmul) {
      this.#native(() => this.#addon.tableMatmulUpdate(handle, rows, k, grads, uniq, this.#kernel, params));
    } else {
      this.#native(() =>
        this.#addon.tableUpdate(handle, grads, uniq, offsets, entries, this.#kernel, params),
      );
    }
  }

  async read(): Promise<Float32Array> {
    return this.#copy(0, new Float32Array(this.rows * this.dim), false);
  }

  async write(weights: Float32Array): Promise<void> {
    checkLength('weights', weights, this.rows * this.dim);
    this.#copy(0, weights, true);
  }

  async readState(): Promise<Record<string, Float32Array>> {
    if (!this.#hasState) return {};
    const out: Record<string, Float32Array> = { step: Float32Array.of(this.#step) };
    this.#stateLayout.forEach(({ name }, i) => {
      out[name] = this.#copy(i + 1, new Float32Array(this.rows * this.dim), false);
    });
    return out;
  }

  async writeState(state: Record<string, Float32Array>): Promise<void> {
    this.#allocateState();
    this.#stateLayout.forEach(({ name }, i) => {
      const value = state[name];
      if (value === undefined) throw new ConfigError(`state.${name}`, 'a Float32Array', value);
      checkLength(`state.${name}`, value, this.rows * this.dim);
      this.#copy(i + 1, value, true);
    });
    this.#step = state.step?.[0] ?? 0;
  }

  memory(): TableMemory {
    if (this.#handle === null) return { weightBytes: 0, optimizerStateBytes: 0, scratchBytes: 0 };
    const block = this.rows * this.dim * 4;
    return {
      weightBytes: block,
      optimizerStateBytes: this.#hasState ? block * this.#stateLayout.length : 0,
      scratchBytes: 0,
    };
  }

  /**
   * What a fused trainer on this table's device needs: the native handle (with its optimizer state allocated, so
   * that the handle stays the same while training), the kernel's optimizer, the frozen row and the device flag.
   */
  fusedAccess(): { handle: CudaTableHandle; kernel: 0 | 1 | 2; frozenRow: number; onDevice: boolean } {
    this.#allocateState();
    return {
      handle: this.#live(),
      kernel: this.#kernel,
      frozenRow: this.#frozenRow,
      onDevice: this.#onDevice,
    };
  }

  /** Counts `count` optimizer steps taken for this table elsewhere (a fused trainer); returns the first one's number. */
  claimSteps(count: number): number {
    const first = this.#step + 1;
    this.#step += count;
    return first;
  }

  /** Frees the table's device memory now. */
  dispose(): void {
    if (this.#handle !== null) this.#addon.tableFree(this.#handle);
    this.#handle = null;
  }

  // State blocks on the first update (a table only looked up never pays for them): a new native table with the
  // blocks, the weights moved over once.
  #allocateState(): void {
    if (this.#hasState || this.#stateLayout.length === 0) return;
    const weights = this.#copy(0, new Float32Array(this.rows * this.dim), false);
    const handle = this.#native(() =>
      this.#addon.tableCreate(this.#onDevice, this.rows, this.dim, this.#stateLayout.length),
    );
    this.#addon.tableFree(this.#live());
    this.#handle = handle;
    this.#copy(0, weights, true);
    if (this.#stateInit !== 0) {
      const filled = new Float32Array(this.rows * this.dim).fill(this.#stateInit);
      for (let i = 0; i < this.#stateLayout.length; i++) this.#copy(i + 1, filled, true);
    }
    this.#hasState = true;
  }

  #requireSum(combine: CombineMode): void {
    if (combine !== 'sum') throw new ConfigError('combine', "'sum' for the multi-hot product", combine);
  }

  #copy(block: number, data: Float32Array, toTable: boolean): Float32Array {
    const handle = this.#live();
    this.#native(() => this.#addon.tableCopy(handle, block, data, toTable));
    return data;
  }

  #live(): CudaTableHandle {
    if (this.#handle === null)
      throw new ConfigError('table', 'a table that has not been disposed', 'disposed');
    return this.#handle;
  }

  // Native failures (CUDA's reason, or out of memory) as typed errors.
  #native<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw new DeviceError('cuda', String((error as Error).message ?? error));
    }
  }
}
