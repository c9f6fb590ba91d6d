import { type BackendDefinition, BackendUnavailableError } from '@bloom/core';
import { loadCudaAddon } from './addon.js';

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
 * Registry entry of the cuda backend. This release has the addon (built with nvcc at install time), device
 * discovery and the kernels' arithmetic; GPU-resident tables and the fused trainer are not implemented yet, so
 * `create()` always throws BackendUnavailableError with the reason, and `availability()` says it too.
 */
export const cudaBackend: BackendDefinition = {
  name: CUDA,
  priority: 50,
  async availability() {
    const probe = probeCuda();
    if ('reason' in probe) return { available: false, reason: probe.reason };
    return {
      available: false,
      reason: `found ${probe.devices.join(', ')}, but the CUDA adapter's tables and trainer are not implemented yet`,
    };
  },
  async create() {
    const availability = await cudaBackend.availability();
    throw new BackendUnavailableError(CUDA, availability.available ? 'unexpected' : availability.reason);
  },
};
