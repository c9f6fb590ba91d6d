import {
  ConfigError,
  DeviceError,
  type FactorizationLoss,
  type FactorizationTrainer,
  type FactorizationTrainerSpec,
  type FusedEmbedding,
  IdRangeError,
  isExplicitLoss,
  negativesPerPositive,
} from '@bloom/core';
import { stepParams } from '@bloom/embeddings';
import type { CudaAddon, CudaTableHandle, CudaTrainerHandle } from './addon.js';
import { type CudaPlacement, CudaTable } from './cuda-table.js';
import { encodeRowMap, rowTableSide, SIDE_INTS } from './row-map.js';

const LOSSES: Record<FactorizationLoss, number> = {
  pointwise: 0,
  bpr: 1,
  hinge: 2,
  'adaptive-hinge': 3,
  regression: 4,
  poisson: 5,
  logistic: 6,
};
/** Minibatches launched between two loss read-backs (the only synchronisations). */
const REPORT_EVERY = 16;
/** Examples uploaded at once: whole epochs of ML-100K or ML-1M, bounded chunks of larger data. */
const CHUNK_EXAMPLES = 1 << 22;
const SIDE_NAMES = ['users', 'items', 'userBias', 'itemBias'] as const;

/**
 * The cuda backend's fused factorization trainer (native/factorization.cu): minibatches run on the device from
 * ids to updated tables. Examples go up in chunks of up to 4M (one copy each, ids validated on the device); a
 * minibatch draws its negatives from a seeded counter-based generator (Philox4x32-10: the same negatives on any
 * device, and on the host emulation), hashes ids with the strategies' own rules, and updates the four tables with
 * their optimizers, duplicates grouped by a stable radix sort. The host waits only when it reads losses back, every
 * 16 minibatches.
 */
export class CudaFactorizationTrainer implements FactorizationTrainer {
  readonly name = 'cuda-fused';
  readonly #addon: CudaAddon;
  readonly #tables: readonly CudaTable[];
  readonly #handles: readonly CudaTableHandle[];
  readonly #explicit: boolean;
  /** Each side's share of its combined vector's gradient: 1 / k for mean, 1 for sum. */
  readonly #scales: Float32Array;
  /** The id range of the users and items sides (their strategies' N), for error messages. */
  readonly #numIds: readonly number[];
  #handle: CudaTrainerHandle | null;
  #rngStep = 0;

  private constructor(
    addon: CudaAddon,
    tables: CudaTable[],
    tableHandles: CudaTableHandle[],
    handle: CudaTrainerHandle,
    explicit: boolean,
    scales: Float32Array,
    numIds: readonly number[],
  ) {
    this.#addon = addon;
    this.#scales = scales;
    this.#numIds = numIds;
    this.#tables = tables;
    this.#handles = tableHandles;
    this.#explicit = explicit;
    this.#handle = handle;
  }

  /** A trainer for `spec` on `addon`'s device (or its host emulation), or the reason there can be none. */
  static create(
    spec: FactorizationTrainerSpec,
    addon: CudaAddon,
    placement: CudaPlacement,
  ): CudaFactorizationTrainer | string {
    const onDevice = placement === 'device';
    const sides: FusedEmbedding[] = [spec.users, spec.items, spec.userBias, spec.itemBias];
    const tables: CudaTable[] = [];
    for (const [s, { table, strategy }] of sides.entries()) {
      const name = SIDE_NAMES[s];
      if (strategy.combine === 'weighted')
        return `the ${name} strategy (${strategy.name}) weights its rows by trained importance weights, which the fused kernel does not have`;
      if (!(table instanceof CudaTable)) return `the ${name} table is a host table`;
      if (strategy.formulation !== 'gather')
        return `the ${name} strategy's ${strategy.formulation} formulation has no fused kernel`;
      if (strategy.rowsPerId > 32) return `the ${name} strategy maps ids to more than 32 rows`;
      if (s >= 2 && (strategy.rowMap?.kind !== 'identity' || table.dim !== 1))
        return 'the bias tables must be dense and of width 1';
      tables.push(table);
    }
    if (tables[0]!.dim !== tables[1]!.dim) return 'the user and item tables differ in width';
    const explicit = isExplicitLoss(spec.loss);
    const negatives = negativesPerPositive(spec);
    const encoded = new Int32Array(4 * SIDE_INTS);
    const rowTables: (Int32Array | null)[] = [];
    const handles: CudaTableHandle[] = [];
    for (const [s, { strategy }] of sides.entries()) {
      const access = tables[s]!.fusedAccess();
      handles.push(access.handle);
      if (access.onDevice !== onDevice) return `the ${SIDE_NAMES[s]} table is on another device`;
      let side = encodeRowMap(strategy);
      let rows: Int32Array | null = null;
      if (side === null) ({ side, rows } = rowTableSide(strategy));
      side[7] = access.frozenRow;
      side[8] = access.kernel;
      side[9] = strategy.numEmbeddings;
      encoded.set(side, s * SIDE_INTS);
      rowTables.push(rows);
    }
    const scales = Float32Array.from(sides, ({ strategy }) =>
      strategy.combine === 'mean' ? 1 / strategy.rowsPerId : 1,
    );
    const seed = BigInt.asUintN(64, BigInt(spec.seed));
    const config = Float64Array.of(
      LOSSES[spec.loss],
      negatives,
      spec.numItems,
      Number(seed & 0xffffffffn),
      Number(seed >> 32n),
    );
    const handle = native(() => addon.trainerCreate(onDevice, handles, encoded, scales, rowTables, config));
    const numIds = sides.map(({ strategy }) => strategy.numEmbeddings);
    return new CudaFactorizationTrainer(addon, tables, handles, handle, explicit, scales, numIds);
  }

  async trainEpoch(
    users: Int32Array,
    items: Int32Array,
    ratings: Float32Array | undefined,
    batchSize: number,
    report: (losses: Float32Array, first: number) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const handle = this.#live();
    if (this.#explicit && ratings === undefined)
      throw new ConfigError('ratings', 'the observed ratings, for an explicit loss', ratings);
    const chunk = Math.max(batchSize, Math.floor(CHUNK_EXAMPLES / batchSize) * batchSize);
    let reported = 0;
    for (let start = 0; start < users.length; start += chunk) {
      const end = Math.min(users.length, start + chunk);
      const bad = native(() =>
        this.#addon.trainerLoad(
          handle,
          users.subarray(start, end),
          items.subarray(start, end),
          this.#explicit ? ratings!.subarray(start, end) : null,
        ),
      );
      if (bad !== null) {
        const [side, at] = bad;
        const ids = side === 0 ? users : items;
        const limit = this.#numIds[side]!;
        throw new IdRangeError(
          ids[start + at]!,
          start + at,
          `an id in [0, ${limit - 1}] (${SIDE_NAMES[side]})`,
        );
      }
      const batches = Math.ceil((end - start) / batchSize);
      for (let first = 0; first < batches; first += REPORT_EVERY) {
        signal?.throwIfAborted();
        const count = Math.min(REPORT_EVERY, batches - first);
        // Checked again before each launch: a progress callback may have disposed a table meanwhile.
        const live = this.#live();
        const params = this.#params(count);
        native(() => this.#addon.trainerRun(live, first, count, batchSize, this.#rngStep, params));
        this.#rngStep += count;
        const losses = new Float32Array(count);
        native(() => this.#addon.trainerLosses(live, losses));
        await report(losses, reported);
        reported += count;
      }
    }
  }

  dispose(): void {
    if (this.#handle !== null) this.#addon.trainerFree(this.#handle);
    this.#handle = null;
  }

  // Each table's step parameters for the next `count` minibatches: [count x 4 tables x 8].
  #params(count: number): Float64Array {
    const params = new Float64Array(count * 32);
    this.#tables.forEach((table, s) => {
      const first = table.claimSteps(count);
      const share = this.#scales[s]!;
      for (let j = 0; j < count; j++) {
        const p = stepParams(table.options.optimizer, first + j);
        params.set(
          [p.lr, p.weightDecay, p.eps, p.beta1, p.beta2, p.stepSize, p.invSqrtC2, share],
          j * 32 + s * 8,
        );
      }
    });
    return params;
  }

  #live(): CudaTrainerHandle {
    if (this.#handle === null) throw new DeviceError('cuda', 'the trainer has been disposed');
    this.#tables.forEach((table, s) => {
      if (table.fusedAccess().handle !== this.#handles[s])
        throw new DeviceError('cuda', `the ${SIDE_NAMES[s]} table was disposed or replaced during training`);
    });
    return this.#handle;
  }
}

// Native failures (CUDA's reason, out of memory) as typed errors.
function native<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new DeviceError('cuda', String((error as Error).message ?? error));
  }
}
