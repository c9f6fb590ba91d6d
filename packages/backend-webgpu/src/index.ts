import { backends } from '@bloom/core';
import { webgpuBackend } from './base.js';

export { WEBGPU, webgpuBackend } from './base.js';
export { describeAdapter, type GpuProvision, provideNavigatorGpu } from './navigator-gpu.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(webgpuBackend.name)) backends.register(webgpuBackend);
