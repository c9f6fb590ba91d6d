import { backends } from '@bloom/core';
import { webgpuBackend } from './base.js';

export { WEBGPU, WebGpuAdapter, webgpuBackend } from './base.js';
export { describeAdapter, type GpuProvision, provideNavigatorGpu } from './navigator-gpu.js';
export { WebGpuTable } from './tables/webgpu-table.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(webgpuBackend.name)) backends.register(webgpuBackend);
