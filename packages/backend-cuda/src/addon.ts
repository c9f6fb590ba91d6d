import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the native addon (native/addon.cc) exports. */
export interface CudaAddon {
  /** CUDA devices visible, or -1 with the runtime's reason (no driver, no device). */
  deviceCount(): { count: number; reason: string };
  /** Name, compute capability and memory of device `index`. */
  deviceName(index: number): string;
  /**
   * A side's rows of `ids` ([ids x k] into `out`) by the kernels' row rule (`side`, see row-map.ts): on the GPU,
   * or on the host through the same device/host function (row_math.cuh). Throws with CUDA's reason when the device
   * run fails.
   */
  mapRows(side: Int32Array, ids: Int32Array, out: Int32Array, onDevice: boolean): void;
  /** Philox4x32-10 on the host: `block` holds the counter (4 words) and key (2); the output replaces the counter. */
  philox(block: Uint32Array): void;
  /**
   * The kernels' optimizer arithmetic on the host, element by element, in place: kind 0 SGD (params lr, wd),
   * 1 Adagrad (lr, eps, wd; state0 the accumulator), 2 Adam (b1, b2, eps, stepSize, invSqrtC2, wd; state0 m,
   * state1 v).
   */
  optimizerHost(
    kind: 0 | 1 | 2,
    w: Float32Array,
    state0: Float32Array,
    state1: Float32Array,
    grads: Float32Array,
    params: Float64Array,
  ): void;
  /** A table of rows x dim floats plus `stateBlocks` state blocks, on the device or (emulated) on the host. */
  tableCreate(onDevice: boolean, rows: number, dim: number, stateBlocks: number): CudaTableHandle;
  /** Copies block 0 (weights), 1 or 2 (state) from `data` (toTable) or into it. */
  tableCopy(handle: CudaTableHandle, block: number, data: Float32Array, toTable: boolean): void;
  tableLookup(handle: CudaTableHandle, rows: Int32Array, k: number, scale: number, out: Float32Array): void;
  /** One update of the distinct rows `uniq`; params: lr, wd, eps, b1, b2, stepSize, invSqrtC2, share. */
  tableUpdate(
    handle: CudaTableHandle,
    grads: Float32Array,
    uniq: Int32Array,
    offsets: Int32Array,
    entries: Int32Array,
    optimizer: 0 | 1 | 2,
    params: Float64Array,
  ): void;
  /** The paper's formulation: the lookup as X W, X the [batch, rows] multi-hot (count) matrix of `rows`. */
  tableMatmulLookup(handle: CudaTableHandle, rows: Int32Array, k: number, out: Float32Array): void;
  /** The paper's formulation: the update of the distinct rows `uniq` from the dense gradient X^T G. */
  tableMatmulUpdate(
    handle: CudaTableHandle,
    rows: Int32Array,
    k: number,
    grads: Float32Array,
    uniq: Int32Array,
    optimizer: 0 | 1 | 2,
    params: Float64Array,
  ): void;
  /** Releases the table's memory now; later calls with the handle throw. */
  tableFree(handle: CudaTableHandle): void;
  /**
   * A fused factorization trainer over four live tables (users, items, user bias, item bias): `sides` their row
   * rules (4 x 48 ints, row-map.ts), `scales` their combine factors, `rowTables` precomputed rows where a side has
   * no rule the device knows, `config` [loss, negatives, numItems, seed low, seed high].
   */
  trainerCreate(
    onDevice: boolean,
    tables: readonly CudaTableHandle[],
    sides: Int32Array,
    scales: Float32Array,
    rowTables: readonly (Int32Array | null)[],
    config: Float64Array,
  ): CudaTrainerHandle;
  /** Uploads a chunk of examples and validates its ids: null, or [side (0 users, 1 items), position] of a bad id. */
  trainerLoad(
    handle: CudaTrainerHandle,
    users: Int32Array,
    items: Int32Array,
    ratings: Float32Array | null,
  ): null | [0 | 1, number];
  /** Launches minibatches [first, first + batches) of the chunk; params [batches x 4 x 8] (table step params). */
  trainerRun(
    handle: CudaTrainerHandle,
    first: number,
    batches: number,
    batchSize: number,
    rngStep: number,
    params: Float64Array,
  ): void;
  /** Waits for the device and copies the last run's minibatch losses into `out`. */
  trainerLosses(handle: CudaTrainerHandle, out: Float32Array): void;
  trainerFree(handle: CudaTrainerHandle): void;
}

/** An opaque native trainer (freed by trainerFree, or when it is garbage-collected). */
export type CudaTrainerHandle = { readonly __cudaTrainer: unique symbol };

/** An opaque native table (freed by tableFree, or when it is garbage-collected). */
export type CudaTableHandle = { readonly __cudaTable: unique symbol };

const require = createRequire(import.meta.url);
// BLOOM_CUDA_ADDON points elsewhere (the GPU machine's check carries a prebuilt addon beside its bundle).
const BINARY = process.env.BLOOM_CUDA_ADDON ?? '../build/Release/bloom_cuda.node';
const RECORD = new URL('../build/unavailable.json', import.meta.url);

let loaded: { addon: CudaAddon } | { reason: string } | undefined;

/** The addon, or why there is none (the install-time build's recorded reason, or the load error). */
export function loadCudaAddon(): { addon: CudaAddon } | { reason: string } {
  if (loaded !== undefined) return loaded;
  try {
    loaded = { addon: require(BINARY) as CudaAddon };
  } catch (error) {
    const recorded = existsSync(RECORD)
      ? (JSON.parse(readFileSync(RECORD, 'utf8')) as { reason: string }).reason
      : undefined;
    loaded = {
      reason: recorded
        ? `the CUDA addon was not built at install time: ${recorded}`
        : `the CUDA addon could not be loaded: ${String(error).split('\n')[0]}`,
    };
  }
  return loaded;
}
