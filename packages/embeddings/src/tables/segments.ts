import type { RowSlots } from '@bloom/embeddings';

/** A batch's row references grouped by distinct row, as device update kernels (WGSL, CUDA) read them. */
export interface Segments {
  /** Distinct rows, in first-seen order (the frozen row left out). */
  readonly uniq: Int32Array;
  /** For distinct row u, its entries are entries[offsets[u] .. offsets[u + 1]). */
  readonly offsets: Int32Array;
  /** The gradient row (example b) of each reference to a distinct row. */
  readonly entries: Int32Array;
}

/**
 * Groups the references rows[b k + j] by distinct row with a counting sort, so that one device thread per row (and
 * column) can sum its gradients without atomics, deterministically: O(n) on the host, where the rows already are.
 */
export function segmentRows(rows: Int32Array, k: number, frozenRow: number, slots: RowSlots): Segments {
  const n = rows.length;
  slots.reset(n);
  const slotOf = new Int32Array(n);
  for (let i = 0; i < n; i++) slotOf[i] = rows[i] === frozenRow ? -1 : slots.slotOf(rows[i]!);
  const count = slots.count;
  const offsets = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) if (slotOf[i]! >= 0) offsets[slotOf[i]! + 1]!++;
  for (let u = 0; u < count; u++) offsets[u + 1]! += offsets[u]!;
  const next = offsets.slice(0, count);
  const entries = new Int32Array(offsets[count]!);
  for (let i = 0; i < n; i++) {
    const s = slotOf[i]!;
    if (s >= 0) entries[next[s]!++] = Math.floor(i / k);
  }
  return { uniq: slots.rows.slice(0, count), offsets, entries };
}
