import type { CombineMode, TableOptions } from '@bloom/core';
import { align16, KernelMemory, MAX_KERNEL_MEMORY_BYTES } from '../kernels/kernel-memory.js';
import type { RowOptimizer, RowUpdate } from '../optimizers/row-optimizer.js';
import { RowSlots } from './row-slots.js';
import { type RowStorage, TypedArrayTable } from './typed-array-table.js';
import { checkK, checkLength, checkRows } from './validate-rows.js';

// Widest row with optimizer state (Adam: weights, m and v), and room left for a step's scratch.
const MAX_STATE_FACTOR = 3;
const SCRATCH_HEADROOM = 256 * 2 ** 20;
// Tables up to this many rows number a batch's distinct rows in the kernels through a direct map of the table
// (4 bytes per row, kept before the rows); larger ones use RowSlots' batch-sized hash table, in cache.
const DIRECT_MAP_ROWS = 1 << 17;

/** Rows at byte `base` of a kernel memory; resizing grows the memory and keeps the rows where they are. */
function kernelStorage(memory: KernelMemory, base: number): RowStorage {
  return {
    resize(_previous, previousLength, length) {
      memory.reserve(base + length * 4);
      return { previous: memory.f32(base, previousLength), next: memory.f32(base, length) };
    },
  };
}

/**
 * The gather table of the wasm backend: the same rows, state layout and update rules as {@link GatherTable},
 * held in a WebAssembly memory of the table's own, where SIMD kernels (wasm/row-kernels.wat) gather and combine
 * rows, sum the gradients of duplicate rows and run SGD, Adagrad and Adam in place. Each call copies its ids,
 * gradients and outputs through scratch just past the rows. Row-wise Adagrad runs the TypeScript update on the
 * same memory.
 */
export class WasmGatherTable extends TypedArrayTable {
  readonly #memory: KernelMemory;
  /** Distinct-row numbering of large tables (small ones use the direct map at byte 0). */
  readonly #slots: RowSlots | undefined;
  /** Where the rows start: past the direct map, if any. */
  readonly #base: number;

  private constructor(
    options: TableOptions,
    init: Float32Array | undefined,
    memory: KernelMemory,
    base: number,
  ) {
    super(options, init, kernelStorage(memory, base));
    this.#memory = memory;
    this.#base = base;
    this.#slots = base === 0 ? new RowSlots(this.rows) : undefined;
  }

  /**
   * A table in a kernel memory, or null where the row kernels are unavailable or the table with its optimizer
   * state could outgrow WebAssembly's 4 GiB (callers then use a {@link GatherTable}).
   */
  static create(options: TableOptions, init?: Float32Array): WasmGatherTable | null {
    const floats = options.rows * options.dim;
    if (!(floats * MAX_STATE_FACTOR * 4 <= MAX_KERNEL_MEMORY_BYTES - SCRATCH_HEADROOM)) return null;
    const base = options.rows <= DIRECT_MAP_ROWS ? align16(options.rows * 4) : 0;
    const memory = KernelMemory.create(base + floats * 4);
    return memory === null ? null : new WasmGatherTable(options, init, memory, base);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkK(rows, k);
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const rowsAt = this.#scratch(align16(rows.length * 4) + batch * d * 4);
    const outAt = rowsAt + align16(rows.length * 4);
    const memory = this.#memory;
    this.#copyRows(rows, rowsAt);
    memory.kernels.gather(
      this.#base,
      this.stride,
      rowsAt,
      k,
      batch,
      d,
      combine === 'mean' ? 1 / k : 1,
      outAt,
    );
    result.set(memory.f32(outAt, batch * d));
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkK(rows, k);
    const d = this.dim;
    checkLength('grads', grads, batch * d);
    // Before the scratch views are made: widening the rows grows the memory, which would detach them.
    this.allocateState();
    const n = rows.length;
    const gradsAt = this.#scratch(align16(batch * d * 4) + 3 * align16(n * 4) + n * d * 4);
    const slotsAt = gradsAt + align16(batch * d * 4);
    const uniqueAt = slotsAt + align16(n * 4);
    const rowsAt = uniqueAt + align16(n * 4);
    const summedAt = rowsAt + align16(n * 4);
    const { kernels } = this.#memory;
    this.#copyRows(rows, rowsAt);
    let count: number;
    if (this.#slots === undefined) {
      count = kernels.assign_slots(rowsAt, n, this.frozenRow, 0, slotsAt, uniqueAt);
    } else {
      count = this.#hashSlots(rows, slotsAt, uniqueAt);
    }
    this.#memory.f32(gradsAt, batch * d).set(grads);
    kernels.scatter_sum(gradsAt, slotsAt, batch, k, d, summedAt, count, combine === 'mean' ? 1 / k : 1);
    this.updateRows(this.#memory.i32(uniqueAt, count), count, this.#memory.f32(summedAt, count * d));
    if (this.#slots === undefined) kernels.clear_slots(0, uniqueAt, count);
  }

  /** Copies `rows` into the scratch at `at`, refusing any outside the table before a kernel reads it. */
  #copyRows(rows: Int32Array, at: number): void {
    this.#memory.i32(at, rows.length).set(rows);
    if (this.#memory.kernels.first_out_of_range(at, rows.length, this.rows) >= 0) checkRows(rows, this.rows);
  }

  /** Numbers the distinct rows with RowSlots (large tables), writing the kernels' slot and unique arrays. */
  #hashSlots(rows: Int32Array, slotsAt: number, uniqueAt: number): number {
    const slots = this.#slots!;
    const n = rows.length;
    slots.reset(n);
    const slotOf = this.#memory.i32(slotsAt, n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      slotOf[i] = row === this.frozenRow ? -1 : slots.slotOf(row);
    }
    this.#memory.i32(uniqueAt, slots.count).set(slots.rows.subarray(0, slots.count));
    return slots.count;
  }

  /** Runs the optimizer's kernel when it has one and the operands are in this table's memory. */
  protected override runOptimizer(optimizer: RowOptimizer, update: RowUpdate): void {
    const { data, rows, grads, start, end, dim, stride, frozenRow, step } = update;
    const buffer = this.#memory.buffer;
    const call = optimizer.kernel?.(step);
    if (
      call === undefined ||
      rows === null ||
      rows.buffer !== buffer ||
      grads.buffer !== buffer ||
      data.buffer !== buffer
    ) {
      optimizer.update(update);
      return;
    }
    this.#memory.kernels[call.name](
      data.byteOffset,
      stride,
      rows.byteOffset + start * 4,
      end - start,
      grads.byteOffset + start * dim * 4,
      dim,
      frozenRow,
      ...call.params,
    );
  }

  /** The kernels touch each block of rows ahead themselves, so the TypeScript touch pass never runs. */
  protected override isLarge(): boolean {
    return false;
  }

  protected scratchBytes(): number {
    return this.#memory.byteLength - this.rows * this.stride * 4 + (this.#slots?.byteLength ?? 0);
  }

  /** Reserves `bytes` of scratch past the rows and returns where it starts (re-viewing the rows if it grew). */
  #scratch(bytes: number): number {
    const at = this.#base + align16(this.rows * this.stride * 4);
    if (this.#memory.reserve(at + bytes)) this.data = this.#memory.f32(this.#base, this.rows * this.stride);
    return at;
  }
}
