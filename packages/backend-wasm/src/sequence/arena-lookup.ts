import type { FusedEmbedding } from '@bloom/core';
import type { KernelArena } from '../kernels/kernel-arena.js';
import { slotHashBytes, type WasmGatherTable } from '../tables/wasm-gather-table.js';

/** Allocates a region of `floats` 4-byte values in the trainer's arena and returns its byte offset. */
export type Take = (floats: number) => number;

/**
 * One embedding's part of a fused step in its table's arena: the rows of a batch's ids, their combined vectors,
 * and the sparse update from the vectors' gradients (distinct rows numbered, gradients summed per row, one
 * optimizer step), all on buffers in the arena, as `sparseStep` does for the tfjs path.
 */
export class ArenaLookup {
  #rows = 0;
  #slots = 0;
  #unique = 0;
  #summed = 0;
  #hash = 0;

  constructor(
    readonly embedding: FusedEmbedding,
    readonly table: WasmGatherTable,
    readonly arena: KernelArena,
  ) {}

  /** Places the buffers for up to `ids` ids per step. */
  place(take: Take, ids: number): void {
    const rows = ids * this.embedding.strategy.rowsPerId;
    this.#rows = take(rows);
    this.#slots = take(rows);
    this.#unique = take(rows);
    this.#summed = take(rows * this.embedding.strategy.dim);
    this.#hash = take(slotHashBytes(rows) / 4);
  }

  /**
   * The rows of the `count` ids at byte `idsAt`, checked, then their combined vectors written to `outAt`.
   * @throws IdRangeError before anything changes.
   */
  lookup(idsAt: number, count: number, outAt: number): void {
    const { strategy } = this.embedding;
    const memory = this.arena.memory;
    const k = strategy.rowsPerId;
    strategy.rowsFor(memory.i32(idsAt, count), memory.i32(this.#rows, count * k));
    this.table.checkRowsAt(this.#rows, count * k);
    this.table.gatherAt(this.#rows, k, count, strategy.combine, outAt);
  }

  /** Applies the gradients [count, dim] at `gradsAt` of the vectors the last lookup of `count` ids gave. */
  update(gradsAt: number, count: number): void {
    const { strategy } = this.embedding;
    const k = strategy.rowsPerId;
    const distinct = this.table.assignSlotsAt(this.#rows, count * k, this.#slots, this.#unique, this.#hash);
    const share = strategy.combine === 'mean' ? 1 / k : 1;
    this.arena.memory.kernels.scatter_sum(
      gradsAt,
      this.#slots,
      count,
      k,
      strategy.dim,
      this.#summed,
      distinct,
      share,
    );
    this.table.updateAt(this.#unique, distinct, this.#summed);
  }
}
