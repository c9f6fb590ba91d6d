import type { BackendAdapter, DeviceInfo, EmbeddingTable, TableGroup, TableOptions } from '@bloom/core';
import { KernelArena } from '../kernels/kernel-arena.js';
import { createTypedArrayTable, type TableKernels } from './create-table.js';

/**
 * A backend adapter whose tables are typed arrays in this process (the cpu and wasm backends): only the
 * TensorFlow.js backend of the dense part and the device description differ between them.
 */
export class TypedArrayAdapter implements BackendAdapter {
  /** One arena per table group, so that a model's fused step runs on all its tables in place. */
  readonly #arenas = new WeakMap<TableGroup, KernelArena>();

  /**
   * @param name - Registered backend name.
   * @param tfBackend - The TensorFlow.js backend the dense part runs on.
   * @param device - The device facts reported in results.
   * @param kernels - What runs the table kernels (see {@link createTypedArrayTable}); default TypeScript.
   */
  constructor(
    readonly name: string,
    readonly tfBackend: string,
    private readonly device: Omit<DeviceInfo, 'backend'>,
    readonly kernels: TableKernels = 'typescript',
  ) {}

  get hostKernels(): TableKernels {
    return this.kernels;
  }

  createTable(options: TableOptions, init?: Float32Array): EmbeddingTable {
    return createTypedArrayTable(options, init, this.kernels, this.#arenaOf(options.group));
  }

  #arenaOf(group: TableGroup | undefined): KernelArena | undefined {
    if (group === undefined || this.kernels !== 'wasm') return undefined;
    let arena = this.#arenas.get(group);
    if (arena === undefined) {
      arena = KernelArena.create() ?? undefined;
      if (arena !== undefined) this.#arenas.set(group, arena);
    }
    return arena;
  }

  deviceInfo(): DeviceInfo {
    return { backend: this.name, ...this.device };
  }

  async dispose(): Promise<void> {}
}
