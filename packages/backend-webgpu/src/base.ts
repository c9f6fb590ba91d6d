import { type BackendDefinition, BackendUnavailableError } from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, type GpuAdapterLike, provideNavigatorGpu } from './navigator-gpu.js';

/** Registered name of the webgpu backend (and of TensorFlow.js's backend it runs). */
export const WEBGPU = 'webgpu';

async function findAdapter(): Promise<
  { adapter: GpuAdapterLike; source: string; flags: readonly string[] } | { reason: string }
> {
  const provision = await provideNavigatorGpu();
  if ('reason' in provision) return provision;
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await provision.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { reason: `navigator.gpu.requestAdapter failed: ${String(error)}` };
  }
  if (adapter === null) {
    const how =
      provision.source === 'dawn'
        ? `Dawn (flags: ${provision.flags.join(', ') || 'none'}) found no adapter; on Linux without a GPU it needs Mesa's EGL (apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri), and BLOOM_DAWN_FLAGS can choose another Dawn backend`
        : 'the browser found no WebGPU adapter (blocklisted GPU, or WebGPU disabled)';
    return { reason: `no WebGPU adapter: ${how}` };
  }
  return { adapter, source: provision.source, flags: provision.flags };
}

/**
 * Registry entry of the webgpu backend. It never falls back silently: `availability()` says why no adapter
 * was found, and `create()` throws BackendUnavailableError unless TensorFlow.js really runs on 'webgpu'.
 * Embedding tables are the typed-array tables for now (ids validated on the host before anything else).
 */
export const webgpuBackend: BackendDefinition = {
  name: WEBGPU,
  priority: 40,
  async availability() {
    const found = await findAdapter();
    return 'reason' in found ? { available: false, reason: found.reason } : { available: true };
  },
  async create() {
    const found = await findAdapter();
    if ('reason' in found) throw new BackendUnavailableError(WEBGPU, found.reason);
    tf.env().set('PROD', true);
    // Imported only now: it registers its backend at import time, and only if navigator.gpu exists.
    await import('@tensorflow/tfjs-backend-webgpu');
    let activated = false;
    try {
      activated = await tf.setBackend(WEBGPU);
    } catch (cause) {
      throw new BackendUnavailableError(
        WEBGPU,
        `TensorFlow.js's webgpu backend failed to start: ${String(cause)}`,
      );
    }
    if (!activated || tf.getBackend() !== WEBGPU) {
      throw new BackendUnavailableError(
        WEBGPU,
        `TensorFlow.js could not activate its webgpu backend (active: ${tf.getBackend()})`,
      );
    }
    const info = found.adapter.info ?? {};
    return new TypedArrayAdapter(WEBGPU, WEBGPU, {
      device: describeAdapter(found.adapter),
      details: {
        tfjs: tf.version.tfjs,
        source: found.source,
        dawnFlags: found.flags.join(','),
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        adapter: info.device ?? '',
        description: info.description ?? '',
        tables: 'typed arrays on the host (GPU-resident tables are not implemented yet)',
      },
    });
  },
};
