import type { BackendAdapter, DeviceInfo, HostTable, TableOptions } from '@bloom/core';
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

  /** A TypeScript table, whatever `access` asks for (host tables serve tensor access too). */
  createTable(options: TableOptions, init?: Float32Array): HostTable {
    return createTypedArrayTable(options, init);
  }

  deviceInfo(): DeviceInfo {
    return { backend: this.name, ...this.device };
  }

  async dispose(): Promise<void> {}
}
