import type { HostTable, TableFormulation, TableOptions } from '@bloom/core';
import { requireOneOf } from '@bloom/core';
import { GatherTable } from './gather-table.js';
import { MultiHotMatmulTable } from './multi-hot-matmul-table.js';

const tableKinds: Record<TableFormulation, new (options: TableOptions, init?: Float32Array) => HostTable> = {
  gather: GatherTable,
  'multi-hot-matmul': MultiHotMatmulTable,
};

/**
 * A table over typed arrays with TypeScript kernels (the cpu adapter's tables, and every adapter's fallback), of
 * the kind its formulation asks for.
 * @param init - Initial weights, [rows, d]; zeros when omitted.
 */
export function createTypedArrayTable(options: TableOptions, init?: Float32Array): HostTable {
  const formulation = requireOneOf('formulation', options.formulation ?? 'gather', [
    'gather',
    'multi-hot-matmul',
  ] as const);
  return new tableKinds[formulation](options, init);
}
