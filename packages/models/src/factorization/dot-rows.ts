import type { CombineMode, HostTable } from '@bloom/core';

// Ids looked up per chunk where the table has no fused dot (bounds the vectors held at once).
const CHUNK = 65536;

/** out[b] = dot(combine_j W[rows[b k + j]], u): the table's fused kernel, or looked-up vectors in chunks. */
export function dotRows(
  table: HostTable,
  rows: Int32Array,
  k: number,
  combine: CombineMode,
  u: Float32Array,
  out: Float32Array,
): Float32Array {
  if (table.dotRows !== undefined) return table.dotRows(rows, k, combine, u, out);
  const d = u.length;
  const n = out.length;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    const vectors = table.lookup(rows.subarray(from * k, to * k), k, combine);
    for (let i = from; i < to; i++) {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += u[c]! * vectors[(i - from) * d + c]!;
      out[i] = sum;
    }
  }
  return out;
}
