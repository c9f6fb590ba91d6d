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

const NODE_GPU = '@tensorflow/tfjs-node-gpu';

/**
 * Where the models' dense part (the sequence networks) runs beside CUDA tables: libtensorflow on the GPU when
 * @tensorflow/tfjs-node-gpu is installed and registers with this package's TensorFlow.js, else tfjs's cpu backend,
 * with the reason as `note` (the CLI prints it for sequence models).
 */
export async function denseBackend(): Promise<{ backend: string; dense: string; note?: string }> {
  let reason: string;
  try {
    await import(NODE_GPU);
    if (tf.findBackendFactory('tensorflow') !== null && (await tf.setBackend('tensorflow')))
      return { backend: 'tensorflow', dense: `libtensorflow on the GPU (${NODE_GPU})` };
    reason = `${NODE_GPU} registered no 'tensorflow' backend with this @tensorflow/tfjs (${tf.version.tfjs})`;
  } catch (error) {
    const missing =
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ||
      /Cannot find (package|module)|Could not resolve|Failed to load url/.test(String(error));
    reason = missing
      ? `${NODE_GPU} is not installed`
      : `${NODE_GPU} failed to load (${String(error).split('\n')[0]})`;
  }
  await tf.setBackend('cpu');
  return {
    backend: 'cpu',
    dense: 'tfjs cpu',
    note: `the dense part (sequence networks) runs on TensorFlow.js's cpu backend: ${reason}`,
  };
}

/**
 * Registry entry of the cuda backend: available where the addon was built and a CUDA device answers; `create()`
 * throws BackendUnavailableError with the reason otherwise. Tables live on the first device and factorization
 * models train there end to end (the fused trainer); the sequence networks' dense part runs on libtensorflow's GPU
 * kernels where @tensorflow/tfjs-node-gpu is installed, else on tfjs's cpu backend, and `details.denseNote` says so.
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
    const dense = await denseBackend();
    return new CudaAdapter(found.addon, 'device', dense.backend, {
      device: probe.devices[0]!,
      details: {
        devices: probe.devices.join('; '),
        tables: 'CUDA device memory',
        dense: dense.dense,
        ...(dense.note === undefined ? {} : { denseNote: dense.note }),
      },
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
  return new CudaAdapter(found.addon, 'host-emulation', 'cpu', {
    device: 'CUDA kernels emulated on the host',
    details: { tables: 'host memory, CUDA element functions', dense: 'tfjs cpu' },
  });
}
