import type { EmbeddingTable, HostTable, HostTableOptions, TableOptions } from './embedding-table.js';
import type { RegistryEntry } from './registry.js';
import type { TrainerFactory } from './trainers.js';

/** Whether a backend can run here, and why not when it cannot. */
export type Availability =
  | { readonly available: true }
  | { readonly available: false; readonly reason: string };

/** What a backend runs on, reported in results so that numbers are never attributed to the wrong device. */
export interface DeviceInfo {
  /** Backend name, e.g. `wasm`. */
  readonly backend: string;
  /** Human-readable device, e.g. `NVIDIA H200` or `x86_64 CPU (2 threads)`. */
  readonly device: string;
  /** Further facts (driver, adapter, SIMD, feature level). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

/** A running backend: owns tables and kernels on one device, and runs the model's dense part in TensorFlow.js. */
export interface BackendAdapter {
  readonly name: string;
  /** The TensorFlow.js backend the dense part runs on (asserted active when the adapter is created). */
  readonly tfBackend: string;
  /**
   * Creates a table of `options.rows` x `options.dim`, initialised with `init` (length rows * dim) or zeros: a
   * {@link HostTable} for `access: 'host'` (the default); for `access: 'tensor'` an adapter may return a table that
   * offers only tensor methods (a GPU-resident table).
   */
  createTable(options: HostTableOptions, init?: Float32Array): HostTable;
  createTable(options: TableOptions, init?: Float32Array): EmbeddingTable;
  /**
   * A fused trainer of a model family (see {@link TrainerKinds}) for a model whose tables this adapter created, or
   * the reason this adapter has none for that spec; models then train with their host loop. Absent on adapters
   * without any fused trainer.
   */
  readonly createTrainer?: TrainerFactory;
  /** Device facts for reports. */
  deviceInfo(): DeviceInfo;
  /** Releases device resources. */
  dispose(): Promise<void>;
}

/**
 * A registered backend. Factories are async (a GPU adapter must probe the device) and carry a priority used
 * when the caller asks for the best available backend; higher wins.
 */
export interface BackendDefinition extends RegistryEntry {
  readonly priority: number;
  /** Probes whether the backend can run here, without side effects. */
  availability(): Promise<Availability>;
  /** Creates the adapter; throws BackendUnavailableError with the reason when it cannot. */
  create(): Promise<BackendAdapter>;
}
