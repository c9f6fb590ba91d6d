import type { BackendAdapter, DeviceInfo, EmbeddingTable, TableOptions } from '@bloom/core';
import { createTypedArrayTable } from './create-table.js';

/**
 * A backend adapter whose tables are typed arrays in this process with TypeScript kernels (the cpu and tensorflow
 * backends): only the TensorFlow.js backend of the dense part and the device description differ between them.
 * Adapters with faster tables of their own (wasm, cuda) extend it and override {@link createTable}.
 */
export class TypedArrayAdapter implements BackendAdapter {
  /**
   * @param name - Registered backend name.
   * @param tfBackend - The TensorFlow.js backend the dense part runs on.
   * @param device - The device facts reported in results.
   */
  constructor(
    readonly name: string,
    readonly tfBackend: string,
    private readonly device: Omit<DeviceInfo, 'backend'>,
  ) {}

  createTable(options: TableOptions, init?: Float32Array): EmbeddingTable {
    return createTypedArrayTable(options, init);
  }

  deviceInfo(): DeviceInfo {
    return { backend: this.name, ...this.device };
  }

  async dispose(): Promise<void> {}
}
