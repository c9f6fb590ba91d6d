/// <reference types="@webgpu/types" />
import {
  type BackendDefinition,
  BackendUnavailableError,
  type DeviceInfo,
  type EmbeddingTable,
  type HostTable,
  type HostTableOptions,
  type TableOptions,
} from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, type GpuAdapterLike, provideNavigatorGpu } from './navigator-gpu.js';
import { WebGpuTable } from './tables/webgpu-table.js';

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
 * Tables asked for with `access: 'tensor'` live on the GPU; ids are validated on the host before the GPU sees them.
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
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    return new WebGpuAdapter(device, {
      device: describeAdapter(found.adapter),
      details: {
        tfjs: tf.version.tfjs,
        source: found.source,
        dawnFlags: found.flags.join(','),
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        adapter: info.device ?? '',
        description: info.description ?? '',
        tables: "GPU buffers with WGSL kernels for access: 'tensor'; typed arrays on the host otherwise",
        maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      },
    });
  },
};

/**
 * The webgpu adapter: tables asked for with `access: 'tensor'` live on the GPU ({@link WebGpuTable}) unless they
 * cannot (dense update mode, the binary formulation, or a block larger than one storage binding), and the others
 * are host typed-array tables, which the synchronous fused models need.
 */
export class WebGpuAdapter extends TypedArrayAdapter {
  /** Why the last table asked for on the GPU was kept on the host, if it was. */
  lastHostReason: string | undefined;

  readonly gpu: GPUDevice;

  constructor(gpu: GPUDevice, info: Omit<DeviceInfo, 'backend'>) {
    super(WEBGPU, WEBGPU, info);
    this.gpu = gpu;
  }

  /**
   * A GPU-resident {@link WebGpuTable} (tensor methods only) for `access: 'tensor'` where the options allow one,
   * else a host table.
   */
  override createTable(options: HostTableOptions, init?: Float32Array): HostTable;
  override createTable(options: TableOptions, init?: Float32Array): EmbeddingTable;
  override createTable(options: TableOptions, init?: Float32Array): EmbeddingTable {
    if (options.access === 'tensor') {
      const table = WebGpuTable.create(options, init, this.gpu);
      if (typeof table !== 'string') return table;
      this.lastHostReason = table;
    }
    return super.createTable(options, init);
  }
}
