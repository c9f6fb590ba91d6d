import type { CombineMode, TableOptions } from '@bloom/core';
import { align16, KernelMemory, MAX_KERNEL_MEMORY_BYTES } from '../kernels/kernel-memory.js';
import type { RowOptimizer, RowUpdate } from '../optimizers/row-optimizer.js';
import { RowSlots } from './row-slots.js';
import { type RowStorage, TypedArrayTable } from './typed-array-table.js';
import { checkBatch, checkLength } from './validate-rows.js';

// Widest row with optimizer state (Adam: weights, m and v), and room left for a step's scratch.
const MAX_STATE_FACTOR = 3;
const SCRATCH_HEADROOM = 256 * 2 ** 20;

/** Rows at byte 0 of a kernel memory; resizing grows the memory and keeps the rows where they are. */
function kernelStorage(memory: KernelMemory): RowStorage {
  return {
    resize(_previous, previousLength, length) {
      memory.reserve(length * 4);
      return { previous: memory.f32(0, previousLength), next: memory.f32(0, length) };
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
  readonly #slots: RowSlots;

  private constructor(options: TableOptions, init: Float32Array | undefined, memory: KernelMemory) {
    super(options, init, kernelStorage(memory));
    this.#memory = memory;
    this.#slots = new RowSlots(this.rows);
  }

  /**
   * A table in a kernel memory, or null where the row kernels are unavailable or the table with its optimizer
   * state could outgrow WebAssembly's 4 GiB (callers then use a {@link GatherTable}).
   */
  static create(options: TableOptions, init?: Float32Array): WasmGatherTable | null {
    const floats = options.rows * options.dim;
    if (!(floats * MAX_STATE_FACTOR * 4 <= MAX_KERNEL_MEMORY_BYTES - SCRATCH_HEADROOM)) return null;
    const memory = KernelMemory.create(floats * 4);
    return memory === null ? null : new WasmGatherTable(options, init, memory);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const rowsAt = this.#scratch(align16(rows.length * 4) + batch * d * 4);
    const outAt = rowsAt + align16(rows.length * 4);
    const memory = this.#memory;
    memory.i32(rowsAt, rows.length).set(rows);
    memory.kernels.gather(0, this.stride, rowsAt, k, batch, d, combine === 'mean' ? 1 / k : 1, outAt);
    result.set(memory.f32(outAt, batch * d));
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    checkLength('grads', grads, batch * d);
    // Before the scratch views are made: widening the rows grows the memory, which would detach them.
    this.allocateState();
    const n = rows.length;
    const gradsAt = this.#scratch(align16(batch * d * 4) + 2 * align16(n * 4) + n * d * 4);
    const slotsAt = gradsAt + align16(batch * d * 4);
    const uniqueAt = slotsAt + align16(n * 4);
    const summedAt = uniqueAt + align16(n * 4);
    const memory = this.#memory;
    const slots = this.#slots;
    slots.reset(n);
    const slotOf = memory.i32(slotsAt, n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      slotOf[i] = row === this.frozenRow ? -1 : slots.slotOf(row);
    }
    memory.f32(gradsAt, batch * d).set(grads);
    const count = slots.count;
    memory.kernels.scatter_sum(
      gradsAt,
      slotsAt,
      batch,
      k,
      d,
      summedAt,
      count,
      combine === 'mean' ? 1 / k : 1,
    );
    const unique = memory.i32(uniqueAt, count);
    unique.set(slots.rows.subarray(0, count));
    this.updateRows(unique, count, memory.f32(summedAt, count * d));
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
    return this.#memory.byteLength - this.rows * this.stride * 4 + this.#slots.byteLength;
  }

  /** Reserves `bytes` of scratch past the rows and returns where it starts (re-viewing the rows if it grew). */
  #scratch(bytes: number): number {
    const at = align16(this.rows * this.stride * 4);
    if (this.#memory.reserve(at + bytes)) this.data = this.#memory.f32(0, this.rows * this.stride);
    return at;
  }
}
