import type { EmbeddingTable, TableFormulation, TableOptions } from '@bloom/core';
import { requireOneOf } from '@bloom/core';
import type { KernelArena } from '../kernels/kernel-arena.js';
import { GatherTable } from './gather-table.js';
import { MultiHotMatmulTable } from './multi-hot-matmul-table.js';
import { WasmGatherTable } from './wasm-gather-table.js';

const tableKinds: Record<
  TableFormulation,
  new (
    options: TableOptions,
    init?: Float32Array,
  ) => EmbeddingTable
> = {
  gather: GatherTable,
  'multi-hot-matmul': MultiHotMatmulTable,
};

/** Which code runs a table's kernels: TypeScript loops, or WebAssembly SIMD (falling back to TypeScript). */
export type TableKernels = 'typescript' | 'wasm';

/**
 * A table over typed arrays (the cpu and wasm adapters' tables), of the kind its formulation asks for.
 * With `kernels: 'wasm'`, gather tables live in WebAssembly memory and run SIMD kernels, except where the runtime
 * lacks WebAssembly SIMD or the table could outgrow 4 GiB; the results agree to float32 rounding.
 * @param arena - Where a wasm table goes (a group's shared arena); default an arena of its own.
 * @param init - Initial weights, [rows, d]; zeros when omitted.
 */
export function createTypedArrayTable(
  options: TableOptions,
  init?: Float32Array,
  kernels: TableKernels = 'typescript',
  arena?: KernelArena,
): EmbeddingTable {
  const formulation = requireOneOf('formulation', options.formulation ?? 'gather', [
    'gather',
    'multi-hot-matmul',
  ] as const);
  if (kernels === 'wasm' && formulation === 'gather') {
    // A group's arena may be too full for this table: then it gets an arena of its own.
    const table = WasmGatherTable.create(options, init, arena) ?? WasmGatherTable.create(options, init);
    if (table !== null) return table;
  }
  return new tableKinds[formulation](options, init);
}
