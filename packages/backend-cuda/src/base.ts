import { type BackendDefinition, BackendUnavailableError } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { loadCudaAddon } from './addon.js';
import { CudaAdapter } from './cuda-adapter.js';

/** Registered name of the cuda backend. */
export const CUDA = 'cuda';

/** Whether a CUDA device is usable here, and which; or why not. */
export function probeCuda(): { devices: string[] } | { reason: string } {
  const found = loadCudaAddon();
  if ('reason' in found) return found;
  const { count, reason } = found.addon.deviceCount();
  if (count <= 0) return { reason: `no CUDA device: ${count < 0 ? reason : 'the runtime found none'}` };
  return { devices: Array.from({ length: count }, (_, i) => found.addon.deviceName(i)) };
}

/**
 * Registry entry of the cuda backend: available where the addon was built and a CUDA device answers; `create()`
 * throws BackendUnavailableError with the reason otherwise. Tables live on the first device; the models' dense part
 * runs on TensorFlow.js's cpu backend (tfjs-node-gpu cannot be installed here).
 */
export const cudaBackend: BackendDefinition = {
  name: CUDA,
  priority: 50,
  async availability() {
    const probe = probeCuda();
    return 'reason' in probe ? { available: false, reason: probe.reason } : { available: true };
  },
  async create() {
    const probe = probeCuda();
    if ('reason' in probe) throw new BackendUnavailableError(CUDA, probe.reason);
    const found = loadCudaAddon();
    if (!('addon' in found)) throw new BackendUnavailableError(CUDA, found.reason);
    await tf.setBackend('cpu');
    return new CudaAdapter(found.addon, true, {
      device: probe.devices[0]!,
      details: { devices: probe.devices.join('; '), tables: 'CUDA device memory', dense: 'tfjs cpu' },
    });
  },
};

/**
 * An adapter whose tables run the CUDA kernels' element functions on the host (no GPU needed): the same table
 * code as on a device, for tests and for checking the kernels' logic. Throws BackendUnavailableError without the
 * addon.
 */
export async function createCudaHostEmulation(): Promise<CudaAdapter> {
  const found = loadCudaAddon();
  if (!('addon' in found)) throw new BackendUnavailableError(CUDA, found.reason);
  await tf.setBackend('cpu');
  return new CudaAdapter(found.addon, false, {
    device: 'CUDA kernels emulated on the host',
    details: { tables: 'host memory, CUDA element functions', dense: 'tfjs cpu' },
  });
}
