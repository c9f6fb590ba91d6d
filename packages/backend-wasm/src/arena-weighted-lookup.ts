import type { FusedEmbedding } from '@bloom/core';
import { WeightedHostTable } from '@bloom/embeddings';
import type { KernelArena } from './kernels/kernel-arena.js';
import type { Take } from './sequence/arena-lookup.js';
import { slotHashBytes, WasmGatherTable } from './tables/wasm-gather-table.js';

/**
 * Hash embeddings' part of a fused step (a `weighted` strategy: k component rows and k importance weights per id),
 * where its pool and weight tables are wasm tables in the step's arena: the weights gathered by the table's kernel,
 * the components read in place and combined by `weighted_gather`, and on the way back `weighted_backward`'s
 * gradients summed per distinct row and applied by each table's optimizer kernel, all on buffers in the arena. The
 * same arithmetic as {@link WeightedHostTable}'s methods, without copying a batch out of WebAssembly memory.
 */
export class ArenaWeightedLookup {
  readonly #k: number;
  readonly #dim: number;
  #at = {
    entries: 0,
    components: 0,
    weightRows: 0,
    weights: 0,
    dVectors: 0,
    dWeights: 0,
    slots: 0,
    unique: 0,
    summed: 0,
    weightSlots: 0,
    weightUnique: 0,
    weightSummed: 0,
    hash: 0,
  };

  private constructor(
    readonly embedding: FusedEmbedding,
    readonly pool: WasmGatherTable,
    readonly importance: WasmGatherTable,
    readonly arena: KernelArena,
  ) {
    this.#k = importance.dim;
    this.#dim = pool.dim;
  }

  /** The lookup, or why the embedding's tables cannot take part in a step on `arena`. */
  static create(embedding: FusedEmbedding, name: string, arena: KernelArena): ArenaWeightedLookup | string {
    const { table } = embedding;
    if (!(table instanceof WeightedHostTable)) return `the ${name} table is not a hash-embeddings table`;
    const { components, importance } = table;
    if (!(components instanceof WasmGatherTable) || !(importance instanceof WasmGatherTable)) {
      return `the ${name} table's pool or importance weights are not WebAssembly tables`;
    }
    if (components.arena !== arena || importance.arena !== arena) {
      return `the ${name} table's pool or importance weights are not in the step's WebAssembly memory`;
    }
    return new ArenaWeightedLookup(embedding, components, importance, arena);
  }

  /** 4-byte values {@link place} takes for up to `ids` ids (each region rounded up to 16 bytes). */
  floats(ids: number): number {
    let total = 0;
    this.place((floats) => {
      const at = total;
      total += Math.ceil(floats / 4) * 4;
      return at;
    }, ids);
    return total;
  }

  /** Places the buffers for up to `ids` ids per step. */
  place(take: Take, ids: number): void {
    const k = this.#k;
    const d = this.#dim;
    const parts = ids * k;
    this.#at = {
      entries: take(ids * (k + 1)),
      components: take(parts),
      weightRows: take(ids),
      weights: take(parts),
      dVectors: take(parts * d),
      dWeights: take(parts),
      slots: take(parts),
      unique: take(parts),
      summed: take(parts * d),
      weightSlots: take(ids),
      weightUnique: take(ids),
      weightSummed: take(parts),
      hash: take(slotHashBytes(parts) / 4),
    };
  }

  /**
   * The rows of the `count` ids at byte `idsAt`, checked, then their weighted vectors written to `outAt`.
   * @throws IdRangeError before anything changes.
   */
  lookup(idsAt: number, count: number, outAt: number): void {
    const k = this.#k;
    const at = this.#at;
    const memory = this.arena.memory;
    this.embedding.strategy.rowsFor(memory.i32(idsAt, count), memory.i32(at.entries, count * (k + 1)));
    const { sequenceKernels } = memory;
    sequenceKernels.weighted_split(at.entries, k, count, this.pool.rows, at.components, at.weightRows);
    this.pool.checkRowsAt(at.components, count * k);
    this.importance.checkRowsAt(at.weightRows, count);
    this.importance.gatherAt(at.weightRows, 1, count, 'sum', at.weights);
    const pool = this.pool.placement;
    sequenceKernels.weighted_gather(
      pool.at,
      pool.stride,
      at.components,
      k,
      count,
      this.#dim,
      at.weights,
      outAt,
    );
  }

  /** Applies the gradients [count, d] at `gradsAt` of the vectors the last lookup of `count` ids gave. */
  update(gradsAt: number, count: number): void {
    const k = this.#k;
    const d = this.#dim;
    const at = this.#at;
    const { kernels, sequenceKernels } = this.arena.memory;
    // Both gradients come from the weights before this step; then each table takes its own optimizer step.
    const pool = this.pool.placement;
    sequenceKernels.weighted_backward(
      pool.at,
      pool.stride,
      at.components,
      at.weights,
      gradsAt,
      k,
      count,
      d,
      at.dVectors,
      at.dWeights,
    );
    const rows = this.pool.assignSlotsAt(at.components, count * k, at.slots, at.unique, at.hash);
    kernels.scatter_sum(at.dVectors, at.slots, count * k, 1, d, at.summed, rows, 1);
    this.pool.updateAt(at.unique, rows, at.summed);
    const weightRows = this.importance.assignSlotsAt(
      at.weightRows,
      count,
      at.weightSlots,
      at.weightUnique,
      at.hash,
    );
    kernels.scatter_sum(at.dWeights, at.weightSlots, count, 1, k, at.weightSummed, weightRows, 1);
    this.importance.updateAt(at.weightUnique, weightRows, at.weightSummed);
  }
}
