import { backends } from '@bloom/core';
import { wasmBackend } from './base.js';

export { ArenaBilinearStep, type BilinearTables } from './arena-bilinear-step.js';
export { WASM, wasmBackend } from './base.js';
export { KernelArena } from './kernels/kernel-arena.js';
export {
  align16,
  KernelMemory,
  MAX_KERNEL_MEMORY_BYTES,
  type RowKernels,
  rowKernelsAvailable,
  type ScatterSide,
} from './kernels/kernel-memory.js';
export type { SequenceKernels } from './kernels/sequence-kernels.js';
export { WasmSequenceTrainer } from './sequence/wasm-sequence-trainer.js';
export { createWasmTable } from './tables/create-wasm-table.js';
export { slotHashBytes, WasmGatherTable } from './tables/wasm-gather-table.js';
export { WasmAdapter } from './wasm-adapter.js';
export { WasmFactorizationTrainer } from './wasm-factorization-trainer.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(wasmBackend.name)) backends.register(wasmBackend);
