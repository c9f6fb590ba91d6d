import type { CombineMode, TableOptions } from '@bloom/core';
import {
  checkK,
  checkLength,
  checkRows,
  createRowOptimizer,
  type RowOptimizer,
  type RowStorage,
  type RowUpdate,
  slotHashCapacity,
  stateWidth,
  TypedArrayTable,
} from '@bloom/embeddings';
import { KernelArena } from '../kernels/kernel-arena.js';
import { align16 } from '../kernels/kernel-memory.js';
import type { RowKernelDispatch } from '../kernels/row-kernel-threads.js';

// Tables up to this many rows number a batch's distinct rows through a direct map of the table (4 bytes per row,
// kept before the rows); larger ones through a hash table sized to the batch, in scratch, so it stays in cache.
const DIRECT_MAP_ROWS = 1 << 17;

/** Bytes of scratch that {@link WasmGatherTable.assignSlotsAt} needs to number n rows of a large table. */
export function slotHashBytes(n: number): number {
  return 8 * slotHashCapacity(n);
}

/** Rows at byte `base` of an arena region sized for the widest rows, so widening them never moves them. */
function regionStorage(arena: KernelArena, base: number): RowStorage {
  return {
    resize: (_previous, previousLength, length) => ({
      previous: arena.memory.f32(base, previousLength),
      next: arena.memory.f32(base, length),
    }),
  };
}

/**
 * The gather table of the wasm backend: the same rows, state layout and update rules as {@link GatherTable},
 * held in a region of a {@link KernelArena}, where SIMD kernels (wasm/row-kernels.wat) gather and combine rows,
 * number and sum the gradients of duplicate rows and run SGD, Adagrad and Adam in place. Row-wise Adagrad runs
 * the TypeScript update on the same memory.
 *
 * The table's own methods copy ids, gradients and outputs through the arena's scratch. A fused step whose
 * buffers live in the same arena skips those copies with the `...At` methods, which take byte offsets into the
 * arena (see {@link ArenaBilinearStep}).
 */
export class WasmGatherTable extends TypedArrayTable {
  readonly arena: KernelArena;
  /** Where the rows start. */
  readonly #base: number;
  /** The direct row-to-slot map of a small table, or -1. */
  readonly #map: number;
  readonly #regionStart: number;
  #live = true;
  /** Where {@link updateAt} hands its optimizer call, while one is given. */
  #dispatch: RowKernelDispatch | undefined;

  private constructor(
    options: TableOptions,
    init: Float32Array | undefined,
    arena: KernelArena,
    regionStart: number,
    map: number,
    base: number,
  ) {
    super(options, init, regionStorage(arena, base));
    this.arena = arena;
    this.#regionStart = regionStart;
    this.#map = map;
    this.#base = base;
  }

  /**
   * A table in `arena` (default: an arena of its own), or null where the row kernels are unavailable or the arena
   * cannot hold the table with its optimizer state under WebAssembly's 4 GiB (callers then use a
   * {@link GatherTable}, or another arena).
   */
  static create(options: TableOptions, init?: Float32Array, arena?: KernelArena): WasmGatherTable | null {
    const target = arena ?? KernelArena.create();
    if (target === null) return null;
    const { rows, dim } = options;
    const stride = dim + stateWidth(createRowOptimizer(options.optimizer), dim);
    const mapBytes = rows <= DIRECT_MAP_ROWS ? align16(rows * 4) : 0;
    // An invalid size is refused here (NaN, or too large) or by the table's own checks, which name the option.
    const at = target.allocate(mapBytes + rows * stride * 4);
    if (at === null) return null;
    return new WasmGatherTable(options, init, target, at, mapBytes > 0 ? at : -1, at + mapBytes);
  }

  /** A fresh view when the shared memory grew since the last one (growing detaches every view on it). */
  protected override get data(): Float32Array {
    const data = super.data;
    // A grown memory gives a new buffer: a non-shared one detaches the old views (length 0); a shared one keeps
    // them valid but on another buffer object, which would send the optimizer to its TypeScript fallback (see
    // runOptimizer), so either way the view is made afresh.
    if (!this.#live || (data.length > 0 && data.buffer === this.arena.memory.buffer)) return data;
    const fresh = this.arena.memory.f32(this.#base, this.rows * this.stride);
    super.data = fresh;
    return fresh;
  }

  protected override set data(value: Float32Array) {
    super.data = value;
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkK(rows, k);
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const rowsAt = this.arena.scratch(align16(rows.length * 4) + batch * d * 4);
    const outAt = rowsAt + align16(rows.length * 4);
    const memory = this.arena.memory;
    memory.i32(rowsAt, rows.length).set(rows);
    this.checkRowsAt(rowsAt, rows.length);
    this.gatherAt(rowsAt, k, batch, combine, outAt);
    result.set(memory.f32(outAt, batch * d));
    return result;
  }

  dotRows(
    rows: Int32Array,
    k: number,
    combine: CombineMode,
    vector: Float32Array,
    out?: Float32Array,
  ): Float32Array {
    const batch = checkK(rows, k);
    const d = this.dim;
    checkLength('vector', vector, d);
    const result = out ?? new Float32Array(batch);
    checkLength('out', result, batch);
    const rowsAt = this.arena.scratch(align16(rows.length * 4) + align16(d * 4) + batch * 4);
    const vectorAt = rowsAt + align16(rows.length * 4);
    const outAt = vectorAt + align16(d * 4);
    const memory = this.arena.memory;
    memory.i32(rowsAt, rows.length).set(rows);
    this.checkRowsAt(rowsAt, rows.length);
    memory.f32(vectorAt, d).set(vector);
    const scale = combine === 'mean' ? 1 / k : 1;
    memory.kernels.gather_dot(this.#base, this.stride, rowsAt, k, batch, d, scale, vectorAt, outAt);
    result.set(memory.f32(outAt, batch));
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkK(rows, k);
    const d = this.dim;
    checkLength('grads', grads, batch * d);
    const n = rows.length;
    const gradsAt = this.arena.scratch(
      align16(batch * d * 4) + 3 * align16(n * 4) + align16(n * d * 4) + slotHashBytes(n),
    );
    const slotsAt = gradsAt + align16(batch * d * 4);
    const uniqueAt = slotsAt + align16(n * 4);
    const rowsAt = uniqueAt + align16(n * 4);
    const summedAt = rowsAt + align16(n * 4);
    const hashAt = summedAt + align16(n * d * 4);
    const memory = this.arena.memory;
    memory.i32(rowsAt, n).set(rows);
    this.checkRowsAt(rowsAt, n);
    const count = this.assignSlotsAt(rowsAt, n, slotsAt, uniqueAt, hashAt);
    memory.f32(gradsAt, batch * d).set(grads);
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
    this.updateAt(uniqueAt, count, summedAt);
  }

  /** Where the rows are, for kernels that read them in place: row 0's byte offset, and floats from row to row. */
  get placement(): { readonly at: number; readonly stride: number } {
    return { at: this.#base, stride: this.stride };
  }

  /** Throws IdRangeError (naming the position) if any of the n rows at byte `rowsAt` is outside the table. */
  checkRowsAt(rowsAt: number, n: number): void {
    const memory = this.arena.memory;
    if (memory.kernels.first_out_of_range(rowsAt, n, this.rows) >= 0)
      checkRows(memory.i32(rowsAt, n), this.rows);
  }

  /** Gathers and combines the k rows of each of `batch` ids listed at `rowsAt` (checked) into [batch, d] at `outAt`. */
  gatherAt(rowsAt: number, k: number, batch: number, combine: CombineMode, outAt: number): void {
    this.arena.memory.kernels.gather(...this.gatherArgs(rowsAt, k, batch, combine, outAt));
  }

  /** The arguments of {@link gatherAt}'s kernel call, for a caller that runs it on another thread. */
  gatherArgs(
    rowsAt: number,
    k: number,
    batch: number,
    combine: CombineMode,
    outAt: number,
  ): [number, number, number, number, number, number, number, number] {
    const scale = combine === 'mean' ? 1 / k : 1;
    return [this.#base, this.stride, rowsAt, k, batch, this.dim, scale, outAt];
  }

  /**
   * Numbers the distinct rows among the n at `rowsAt` (checked) in first-seen order: writes each one's slot to
   * `slotsAt` (-1 for the frozen row) and the rows by slot to `uniqueAt`, and returns their count. `hashAt` is
   * {@link slotHashBytes}(n) of scratch, used by tables too large for a direct map. Follow with
   * {@link updateAt}, which also empties the direct map again.
   */
  assignSlotsAt(rowsAt: number, n: number, slotsAt: number, uniqueAt: number, hashAt: number): number {
    const { kernels } = this.arena.memory;
    if (this.#map >= 0) return kernels.assign_slots(rowsAt, n, this.frozenRow, this.#map, slotsAt, uniqueAt);
    const capacity = slotHashCapacity(n);
    const shift = 32 - Math.log2(capacity);
    return kernels.assign_slots_hashed(
      rowsAt,
      n,
      this.frozenRow,
      hashAt,
      hashAt + capacity * 4,
      shift,
      slotsAt,
      uniqueAt,
    );
  }

  /**
   * One optimizer step on the `count` rows listed at `uniqueAt` with their summed gradients ([count, d]) at
   * `summedAt`. With `dispatch`, the optimizer's kernel call is handed to it instead of run (to be split by rows
   * over threads, before the rows or gradients change); an optimizer without a kernel still runs here.
   */
  updateAt(uniqueAt: number, count: number, summedAt: number, dispatch?: RowKernelDispatch): void {
    const memory = this.arena.memory;
    this.#dispatch = dispatch;
    try {
      this.updateRows(memory.i32(uniqueAt, count), count, memory.f32(summedAt, count * this.dim));
    } finally {
      this.#dispatch = undefined;
    }
    if (this.#map >= 0) memory.kernels.clear_slots(this.#map, uniqueAt, count);
  }

  /** Runs the optimizer's kernel when it has one and the operands are in this table's memory. */
  protected override runOptimizer(optimizer: RowOptimizer, update: RowUpdate): void {
    const { data, rows, grads, start, end, dim, stride, frozenRow, step } = update;
    const memory = this.arena.memory;
    const call = optimizer.kernel?.(step);
    const buffer = memory.buffer;
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
    const args = [
      data.byteOffset,
      stride,
      rows.byteOffset + start * 4,
      end - start,
      grads.byteOffset + start * dim * 4,
      dim,
      frozenRow,
      ...call.params,
    ] as const;
    if (this.#dispatch !== undefined) this.#dispatch(call.name, args);
    else memory.kernels[call.name](...args);
  }

  /** The kernels touch each block of rows ahead themselves, so the TypeScript touch pass never runs. */
  protected override isLarge(): boolean {
    return false;
  }

  /** The direct map, and the arena's shared scratch (counted once, by the table in its first region). */
  protected scratchBytes(): number {
    const map = this.#map >= 0 ? this.#base - this.#map : 0;
    return map + (this.#regionStart === 0 ? this.arena.scratchBytes : 0);
  }

  override dispose(): void {
    this.#live = false;
    super.dispose();
  }
}
