import type { BackendAdapter, DeviceInfo, EmbeddingTable, TableOptions } from '@bloom/core';
import { createTypedArrayTable, type TableKernels } from './create-table.js';

/**
 * A backend adapter whose tables are typed arrays in this process (the cpu and wasm backends): only the
 * TensorFlow.js backend of the dense part and the device description differ between them.
 */
export class TypedArrayAdapter implements BackendAdapter {
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
    return createTypedArrayTable(options, init, this.kernels);
  }

  deviceInfo(): DeviceInfo {
    return { backend: this.name, ...this.device };
  }

  async dispose(): Promise<void> {}
}
