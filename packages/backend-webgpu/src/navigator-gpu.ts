/** What Bloom needs of a WebGPU adapter (structural, so no WebGPU type package is required). */
export interface GpuAdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
  };
}

/** What Bloom needs of `navigator.gpu`. */
export interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null>;
}

/** `navigator.gpu` ready for TensorFlow.js, or why there is none. */
export type GpuProvision =
  | { readonly gpu: GpuLike; readonly source: 'navigator' | 'dawn'; readonly flags: readonly string[] }
  | { readonly reason: string };

let provision: Promise<GpuProvision> | undefined;

/**
 * Makes sure `navigator.gpu` exists before tfjs-backend-webgpu is imported (it registers itself only if it does).
 * Browsers (and runtimes with WebGPU) have it. In Node, Dawn from the npm `webgpu` package provides it:
 * - flags from BLOOM_DAWN_FLAGS (comma-separated), by default `backend=opengles` on Linux, where Dawn's OpenGL ES
 *   backend works both on Mesa (llvmpipe) and on NVIDIA's EGL driver while its Vulkan backend does not
 *   (../shared/gpu/README.md);
 * - EGL_PLATFORM=surfaceless unless set, so no display is needed;
 * - an adapter request that finds no core-feature-level adapter is retried at the compatibility feature level
 *   (what OpenGL ES offers).
 */
export function provideNavigatorGpu(): Promise<GpuProvision> {
  provision ??= (async (): Promise<GpuProvision> => {
    const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (existing !== undefined) return { gpu: existing, source: 'navigator', flags: [] };
    if (typeof process === 'undefined' || process.versions?.node === undefined) {
      return { reason: 'this runtime has no navigator.gpu (WebGPU is not enabled or not supported)' };
    }
    let dawn: { create(flags: string[]): GpuLike; globals: object };
    try {
      const specifier = 'webgpu'; // an optional dependency: a variable keeps bundlers and tsc from requiring it
      dawn = await import(specifier);
    } catch (error) {
      return {
        reason: `the npm package webgpu (Dawn), an optional dependency of @bloom/backend-webgpu, could not be loaded: ${String(error)}`,
      };
    }
    process.env.EGL_PLATFORM ??= 'surfaceless';
    const flags = (process.env.BLOOM_DAWN_FLAGS ?? (process.platform === 'linux' ? 'backend=opengles' : ''))
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, ... which tfjs-backend-webgpu uses
    const gpu = dawn.create(flags);
    const request = gpu.requestAdapter.bind(gpu);
    const withFallback: GpuLike = {
      requestAdapter: async (options = {}) =>
        (await request(options)) ?? (await request({ ...options, featureLevel: 'compatibility' })),
    };
    // tfjs-backend-webgpu calls navigator.gpu.requestAdapter(...): route it through the fallback.
    const proxy = new Proxy(gpu as object, {
      get: (target, key) =>
        key === 'requestAdapter' ? withFallback.requestAdapter : Reflect.get(target, key, target),
    }) as GpuLike;
    const navigator = (globalThis as { navigator?: object }).navigator;
    if (navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: proxy }, configurable: true });
    } else {
      Object.defineProperty(navigator, 'gpu', { value: proxy, configurable: true });
    }
    return { gpu: proxy, source: 'dawn', flags };
  })();
  return provision;
}

/** A one-line description of an adapter, e.g. `llvmpipe (OpenGL ES 3.2 Mesa 22.3.6)`. */
export function describeAdapter(adapter: GpuAdapterLike): string {
  const info = adapter.info ?? {};
  const name = [info.vendor, info.device || info.architecture]
    .filter((s) => s !== undefined && s !== '')
    .join(' ');
  return info.description ? `${name || 'WebGPU adapter'} (${info.description})` : name || 'WebGPU adapter';
}
