import type {
  DeviceInfo,
  FactorizationTrainerSpec,
  HostTable,
  TableOptions,
  TrainerKind,
  TrainerKinds,
} from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import type { CudaAddon } from './addon.js';
import { type CudaPlacement, CudaTable } from './cuda-table.js';
import { CudaFactorizationTrainer } from './cuda-trainer.js';

/**
 * The cuda adapter: tables in CUDA device memory with CUDA kernels ({@link CudaTable}) wherever the kernels cover the
 * configuration (otherwise host typed-array tables, and `lastHostReason` says why), the models' dense part on
 * TensorFlow.js's cpu backend. With placement `host-emulation` the tables run the kernels' element functions on the host:
 * the same code paths as on a GPU, for tests on machines without one.
 */
export class CudaAdapter extends TypedArrayAdapter {
  /** Why the last table was kept on the host, if it was. */
  lastHostReason: string | undefined;

  constructor(
    readonly addon: CudaAddon,
    readonly placement: CudaPlacement,
    tfBackend: string,
    info: Omit<DeviceInfo, 'backend'>,
  ) {
    super('cuda', tfBackend, info);
  }

  override createTable(options: TableOptions, init?: Float32Array): HostTable {
    const table = CudaTable.create(options, init, this.addon, this.placement);
    if (typeof table !== 'string') return table;
    this.lastHostReason = table;
    return super.createTable(options, init);
  }

  /**
   * The fused factorization trainer on this adapter's device (see {@link CudaFactorizationTrainer}), or why there
   * is none; no other model family has one here.
   */
  createTrainer<K extends TrainerKind>(
    kind: K,
    spec: TrainerKinds[K]['spec'],
  ): TrainerKinds[K]['trainer'] | string {
    if (kind !== 'factorization') return `the cuda backend has no fused ${kind} trainer`;
    return CudaFactorizationTrainer.create(spec as FactorizationTrainerSpec, this.addon, this.placement);
  }
}
