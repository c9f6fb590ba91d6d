import { backends } from '@bloom/core';
import { cudaBackend } from './base.js';

export { type CudaAddon, type CudaTableHandle, loadCudaAddon } from './addon.js';
export { CUDA, createCudaHostEmulation, cudaBackend, probeCuda } from './base.js';
export { CudaAdapter } from './cuda-adapter.js';
export { CudaTable } from './cuda-table.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(cudaBackend.name)) backends.register(cudaBackend);
