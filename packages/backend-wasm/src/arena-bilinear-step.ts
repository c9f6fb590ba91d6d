import {
  type CombineMode,
  ConfigError,
  type EmbeddingStrategy,
  type FactorizationTrainerSpec,
  type FusedEmbedding,
} from '@bloom/core';
import { WeightedHostTable } from '@bloom/embeddings';
import { ArenaWeightedLookup } from './arena-weighted-lookup.js';
import type { KernelArena } from './kernels/kernel-arena.js';
import { align16, alignLine, type ScatterSide } from './kernels/kernel-memory.js';
import {
  columnBands,
  evenRanges,
  type RowKernelDispatch,
  RowKernelThreads,
} from './kernels/row-kernel-threads.js';
import { slotHashBytes, WasmGatherTable } from './tables/wasm-gather-table.js';

/** The four tables of a factorization model (Spotlight's BilinearNet), as the step trains them. */
export type BilinearTables = Pick<FactorizationTrainerSpec, 'users' | 'items' | 'userBias' | 'itemBias'>;

/** One table's part of the step: its ids' rows, looked-up vectors, slots, distinct rows and gradient sums. */
interface Side {
  readonly embedding: FusedEmbedding;
  /** The side's table (a hash-embeddings side's pool). */
  readonly table: WasmGatherTable;
  /**
   * A hash-embeddings side's lookup and update (a `weighted` strategy), or undefined. Its gradients reach it through
   * the scatter kernels with one slot per id (`slots` the identity), which leaves the vectors' gradients in `summed`.
   */
  readonly weighted: ArenaWeightedLookup | undefined;
  /** Whether the side looks up the batch's items (b (1 + n) ids) rather than its users (b ids). */
  readonly onItems: boolean;
  /**
   * The side whose rows and slots this one reuses, because both map every id to the same rows (a dense side and
   * its bias): one numbering serves both tables.
   */
  readonly shares: Side | undefined;
  /** Ids per batch: b for a user side, b (1 + n) for an item side. */
  ids: number;
  rows: number;
  vectors: number;
  slots: number;
  unique: number;
  summed: number;
  count: number;
}

/**
 * One minibatch step of a factorization model (score(u, i) = dot(U[u], I[i]) + b_u + b_i, n negatives per positive,
 * n = 0 for explicit models) run in place, where its four tables share one kernel arena (the wasm adapter's table
 * groups): the step's buffers are a region of that arena too, so the lookups, the score kernels, the numbering of
 * distinct rows, the gradient sums and the optimizer kernels all work on the tables' own memory, with no copy
 * between them. The gradients of the looked-up vectors go straight into the sums of their rows (bilinear_scatter,
 * bias_scatter) instead of through [b, d] buffers. It adds in the same order as copying the same kernels' results
 * through the tables' methods, so the two give the same floats (see its tests).
 *
 * Use: `resize(b)`, fill `users` and `items` (positives, then the negatives of example i at b + i n + j), call
 * `forward`, fill `dPos` and `dNeg` from `pos` and `neg`, call `backward`.
 */
export class ArenaBilinearStep {
  users: Int32Array = new Int32Array(0);
  items: Int32Array = new Int32Array(0);
  pos: Float32Array = new Float32Array(0);
  neg: Float32Array = new Float32Array(0);
  dPos: Float32Array = new Float32Array(0);
  dNeg: Float32Array = new Float32Array(0);
  readonly #arena: KernelArena;
  readonly #dim: number;
  /** Users, items, user biases, item biases. */
  readonly #sides: [Side, Side, Side, Side];
  readonly #threads: RowKernelThreads;
  #region = -1;
  #capacity = 0;
  #size = -1;
  #buffer: ArrayBuffer | null = null;
  // Byte offsets of the shared buffers.
  #at = { users: 0, items: 0, pos: 0, neg: 0, dPos: 0, dNeg: 0, tmp: 0, hash: 0 };

  private constructor(
    readonly net: BilinearTables,
    readonly negatives: number,
    arena: KernelArena,
    tables: WasmGatherTable[],
    weighted: (ArenaWeightedLookup | undefined)[],
    threads: number,
  ) {
    this.#arena = arena;
    this.#threads = RowKernelThreads.create(arena.memory, threads);
    this.#dim = net.users.strategy.dim;
    const side = (embedding: FusedEmbedding, i: number, shares?: Side): Side => ({
      embedding,
      table: tables[i]!,
      weighted: weighted[i],
      onItems: i === 1 || i === 3,
      shares:
        shares !== undefined && sameRows(shares.embedding.strategy, embedding.strategy) ? shares : undefined,
      ids: 0,
      rows: 0,
      vectors: 0,
      slots: 0,
      unique: 0,
      summed: 0,
      count: 0,
    });
    const users = side(net.users, 0);
    const items = side(net.items, 1);
    this.#sides = [users, items, side(net.userBias, 2, users), side(net.itemBias, 3, items)];
  }

  /**
   * The step in place, or why there is none: the net's tables (a hash-embeddings table's pool and weights) must be
   * wasm tables of one arena. `threads` above 1 shares each phase out to worker threads (one where the runtime has
   * none; see {@link threads}): the floats are the same on any number.
   */
  static create(net: BilinearTables, negatives: number, threads = 1): ArenaBilinearStep | string {
    const sides = { users: net.users, items: net.items, userBias: net.userBias, itemBias: net.itemBias };
    const tables: WasmGatherTable[] = [];
    for (const [name, embedding] of Object.entries(sides)) {
      const table =
        embedding.table instanceof WeightedHostTable ? embedding.table.components : embedding.table;
      if (!(table instanceof WasmGatherTable)) {
        return `the ${name} table is not a WebAssembly table (${table.options.formulation ?? 'gather'} formulation, or the runtime lacks WebAssembly SIMD)`;
      }
      if (tables.length > 0 && table.arena !== tables[0]!.arena) {
        return `the ${name} table does not share the users table's WebAssembly memory (the four tables exceed 4 GiB with their optimizer state)`;
      }
      tables.push(table);
    }
    const arena = tables[0]!.arena;
    const weighted: (ArenaWeightedLookup | undefined)[] = [];
    for (const [name, embedding] of Object.entries(sides)) {
      const lookup =
        embedding.strategy.combine === 'weighted'
          ? ArenaWeightedLookup.create(embedding, name, arena)
          : undefined;
      if (typeof lookup === 'string') return lookup;
      weighted.push(lookup);
    }
    return new ArenaBilinearStep(net, negatives, arena, tables, weighted, threads);
  }

  /** Lays out the buffers for a batch of b positives (call before filling `users` and `items`). */
  resize(b: number): void {
    if (b !== this.#size) this.#layout(b);
    this.#view();
  }

  /**
   * Looks up the batch's vectors and biases (validating every id first) and fills `pos` and `neg`; with several
   * threads, each looks up and scores its own range of examples.
   */
  forward(): void {
    this.#view();
    const b = this.users.length;
    const n = this.negatives;
    const d = this.#dim;
    const memory = this.#arena.memory;
    for (const side of this.#sides) {
      const { strategy } = side.embedding;
      const ids = side.onItems ? this.items : this.users;
      if (side.weighted !== undefined) {
        side.weighted.lookup(side.onItems ? this.#at.items : this.#at.users, ids.length, side.vectors);
      } else if (side.shares === undefined) {
        const k = strategy.rowsPerId;
        strategy.rowsFor(ids, memory.i32(side.rows, ids.length * k));
        side.table.checkRowsAt(side.rows, ids.length * k);
      }
    }
    const threads = this.#threads;
    const [u, it, bu, bi] = this.#sides;
    const at = this.#at;
    evenRanges(b, threads.threads).forEach(([lo, hi], t) => {
      if (hi === lo) return;
      for (const side of this.#sides) {
        if (side.weighted !== undefined) continue;
        const { rowsPerId: k, combine, dim } = side.embedding.strategy;
        const gather = (first: number, count: number) =>
          threads.queue(
            t,
            'gather',
            side.table.gatherArgs(
              side.rows + first * k * 4,
              k,
              count,
              combine,
              side.vectors + first * dim * 4,
            ),
          );
        gather(lo, hi - lo);
        if (side.onItems && n > 0) gather(b + lo * n, (hi - lo) * n);
      }
      threads.queue(t, 'bilinear_scores', [
        u.vectors + lo * d * 4,
        it.vectors + lo * d * 4,
        it.vectors + (b + lo * n) * d * 4,
        bu.vectors + lo * 4,
        bi.vectors + lo * 4,
        bi.vectors + (b + lo * n) * 4,
        hi - lo,
        n,
        d,
        at.pos + lo * 4,
        at.neg + lo * n * 4,
      ]);
    });
    threads.run();
  }

  /**
   * Sums `dPos` and `dNeg`'s gradients per table row and applies them to the four tables; with several threads,
   * each sums a band of the vectors' columns, then updates its share of each table's distinct rows.
   */
  backward(): void {
    this.#view();
    const b = this.users.length;
    const n = this.negatives;
    const d = this.#dim;
    const at = this.#at;
    for (const side of this.#sides) {
      const count = side.ids * side.embedding.strategy.rowsPerId;
      side.count =
        side.weighted !== undefined
          ? side.ids
          : (side.shares?.count ??
            side.table.assignSlotsAt(side.rows, count, side.slots, side.unique, at.hash));
    }
    const threads = this.#threads;
    const [u, it, bu, bi] = this.#sides;
    columnBands(d, threads.threads).forEach(([from, to], t) => {
      const band = (side: Side): ScatterSide => {
        const [slots, k, summed, count, share] = scatterArgs(side);
        return [slots, k, summed + from * 4, count, share];
      };
      threads.queue(t, 'bilinear_scatter', [
        u.vectors + from * 4,
        it.vectors + from * 4,
        at.dPos,
        at.dNeg,
        b,
        n,
        to - from,
        d,
        at.tmp + t * d * 4,
        ...band(u),
        ...band(it),
      ]);
    });
    // The last thread has the narrowest band of columns, if any.
    threads.queue(threads.threads - 1, 'bias_scatter', [
      at.dPos,
      at.dNeg,
      b,
      n,
      ...scatterArgs(bu),
      ...scatterArgs(bi),
    ]);
    threads.run();
    const byRows: RowKernelDispatch = (name, args) => {
      const [data, stride, rows, count, grads, dim, ...rest] = args as number[];
      evenRanges(count!, threads.threads).forEach(([lo, hi], t) => {
        if (hi > lo)
          threads.queue(t, name, [
            data!,
            stride!,
            rows! + lo * 4,
            hi - lo,
            grads! + lo * dim! * 4,
            dim!,
            ...rest,
          ]);
      });
    };
    for (const side of this.#sides) {
      if (side.weighted !== undefined) side.weighted.update(side.summed, side.ids);
      else side.table.updateAt(side.unique, side.count, side.summed, byRows);
    }
    threads.run();
  }

  /** Threads each minibatch runs on. */
  get threads(): number {
    return this.#threads.threads;
  }

  /** Stops the worker threads (the buffers are a region of the tables' arena, released with it). */
  dispose(): void {
    this.#threads.dispose();
  }

  /**
   * Places every buffer for a batch of b positives, in the current region if it is large enough. Nothing changes
   * unless the region is secured, so a refused batch size leaves the step as it was.
   */
  #layout(b: number): void {
    const d = this.#dim;
    const m = b * (1 + this.negatives);
    // Byte offsets from the region's start, each buffer on cache lines of its own, so that threads writing
    // neighbouring buffers (or bands of one, see columnBands) never share a line.
    let bytes = 0;
    const take = (n: number) => {
      const offset = bytes;
      bytes += alignLine(n * 4);
      return offset;
    };
    const at = {
      users: take(b),
      items: take(m),
      pos: take(b),
      neg: take(m - b),
      dPos: take(b),
      dNeg: take(m - b),
      tmp: take(d * this.#threads.threads),
      hash: 0,
    };
    const places = this.#sides.map((side) => {
      const ids = side.onItems ? m : b;
      // A hash-embeddings side numbers its ids (one slot each) here, and its own rows in its lookup's buffers.
      const rows = side.weighted !== undefined ? ids : ids * side.embedding.strategy.rowsPerId;
      const width = side.embedding.strategy.dim;
      const own = side.shares === undefined;
      return {
        ids,
        rows,
        weighted: side.weighted === undefined ? 0 : take(side.weighted.floats(ids)),
        vectors: take(ids * width),
        summed: take(rows * width),
        // A side sharing another's numbering uses that side's rows, slots and distinct rows.
        numbering: own ? { rows: take(rows), slots: take(rows), unique: take(rows) } : undefined,
      };
    });
    at.hash = bytes;
    bytes += slotHashBytes(Math.max(...places.map((p) => p.rows)));
    if (bytes > this.#capacity) {
      const region = this.#arena.allocate(bytes);
      if (region === null) {
        throw new ConfigError(
          'batchSize',
          `a batch size whose step buffers fit beside the tables in WebAssembly's 4 GiB (${bytes} bytes for ${b})`,
          b,
        );
      }
      this.#region = region;
      this.#capacity = bytes;
    }
    const base = this.#region;
    this.#at = {
      users: base + at.users,
      items: base + at.items,
      pos: base + at.pos,
      neg: base + at.neg,
      dPos: base + at.dPos,
      dNeg: base + at.dNeg,
      tmp: base + at.tmp,
      hash: base + at.hash,
    };
    this.#sides.forEach((side, i) => {
      const place = places[i]!;
      side.ids = place.ids;
      side.vectors = base + place.vectors;
      side.summed = base + place.summed;
      const numbering = place.numbering;
      if (numbering === undefined) return;
      side.rows = base + numbering.rows;
      side.slots = base + numbering.slots;
      side.unique = base + numbering.unique;
      if (side.weighted === undefined) return;
      let next = base + place.weighted;
      side.weighted.place((floats) => {
        const at = next;
        next += align16(floats * 4);
        return at;
      }, side.ids);
      const identity = this.#arena.memory.i32(side.slots, side.ids);
      for (let i = 0; i < side.ids; i++) identity[i] = i;
    });
    for (const side of this.#sides) {
      if (side.shares === undefined) continue;
      side.rows = side.shares.rows;
      side.slots = side.shares.slots;
      side.unique = side.shares.unique;
    }
    this.#size = b;
    this.#buffer = null;
  }

  /** Makes the JavaScript views afresh when the arena's memory grew since (which detached them). */
  #view(): void {
    const memory = this.#arena.memory;
    if (this.#buffer === memory.buffer) return;
    this.#buffer = memory.buffer;
    const b = this.#size;
    const m = b * (1 + this.negatives);
    const at = this.#at;
    this.users = memory.i32(at.users, b);
    this.items = memory.i32(at.items, m);
    this.pos = memory.f32(at.pos, b);
    this.neg = memory.f32(at.neg, m - b);
    this.dPos = memory.f32(at.dPos, b);
    this.dNeg = memory.f32(at.dNeg, m - b);
  }
}

/** Whether two strategies map every id to the same rows and freeze the same one (identity rules over equal ids). */
function sameRows(a: EmbeddingStrategy, b: EmbeddingStrategy): boolean {
  return (
    a.rowMap?.kind === 'identity' &&
    b.rowMap?.kind === 'identity' &&
    a.numEmbeddings === b.numEmbeddings &&
    a.tableRows === b.tableRows &&
    a.rowsPerId === b.rowsPerId &&
    a.paddingRow === b.paddingRow
  );
}

/** A side's arguments to the scatter kernels: slots, k, summed rows, their count and the combine's share. */
function scatterArgs(side: Side): ScatterSide {
  const { rowsPerId: k, combine } = side.embedding.strategy;
  if (side.weighted !== undefined) return [side.slots, 1, side.summed, side.count, 1];
  return [side.slots, k, side.summed, side.count, share(combine, k)];
}

function share(combine: CombineMode, k: number): number {
  return combine === 'mean' ? 1 / k : 1;
}
