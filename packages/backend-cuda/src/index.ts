import { backends } from '@bloom/core';
import { cudaBackend } from './base.js';

export { type CudaAddon, type CudaTableHandle, type CudaTrainerHandle, loadCudaAddon } from './addon.js';
export { CUDA, createCudaHostEmulation, cudaBackend, probeCuda } from './base.js';
export { CudaAdapter } from './cuda-adapter.js';
export { type CudaPlacement, CudaTable } from './cuda-table.js';
export { CudaFactorizationTrainer } from './cuda-trainer.js';
export { DEVICE_HASHERS, encodeRowMap } from './row-map.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(cudaBackend.name)) backends.register(cudaBackend);
