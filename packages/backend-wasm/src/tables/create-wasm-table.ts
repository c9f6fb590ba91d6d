import type { HostTable, TableOptions } from '@bloom/core';
import { createTypedArrayTable } from '@bloom/embeddings';
import type { KernelArena } from '../kernels/kernel-arena.js';
import { WasmGatherTable } from './wasm-gather-table.js';

/**
 * The wasm backend's table: a {@link WasmGatherTable} (in `arena`, a group's shared memory, or in an arena of its
 * own when that one is too full), except where the formulation is not `gather`, the runtime lacks WebAssembly SIMD
 * or the table could outgrow 4 GiB with its optimizer state: then @bloom/embeddings' TypeScript table, whose
 * results agree to float32 rounding.
 */
export function createWasmTable(options: TableOptions, init?: Float32Array, arena?: KernelArena): HostTable {
  if ((options.formulation ?? 'gather') === 'gather') {
    const table = WasmGatherTable.create(options, init, arena) ?? WasmGatherTable.create(options, init);
    if (table !== null) return table;
  }
  return createTypedArrayTable(options, init);
}
