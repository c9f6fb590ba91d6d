import { backends } from '@bloom/core';
import { cudaBackend } from './base.js';

export { type CudaAddon, loadCudaAddon } from './addon.js';
export { CUDA, cudaBackend, probeCuda } from './base.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(cudaBackend.name)) backends.register(cudaBackend);
