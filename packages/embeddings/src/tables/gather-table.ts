import type { CombineMode, TableOptions } from '@bloom/core';
import { RowSlots } from './row-slots.js';
import { TOUCH_BLOCK, touchRows } from './touch-rows.js';
import { TypedArrayTable } from './typed-array-table.js';
import { checkBatch, checkLength } from './validate-rows.js';

/**
 * The sparse engine's table: lookups gather and combine k rows per id in one pass, and the backward pass sums the
 * gradient of duplicate rows into a compact [U, d] buffer (U distinct rows, found with a direct map or, on large tables, a batch-sized hash table)
 * before the optimizer updates just those rows in place. Step cost is O(B k d), independent of the number of rows.
 */
export class GatherTable extends TypedArrayTable {
  readonly #slots: RowSlots;
  #offsets = new Int32Array(0);
  #summed = new Float32Array(0);

  constructor(options: TableOptions, init?: Float32Array) {
    super(options, init);
    this.#slots = new RowSlots(this.rows);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const data = this.data;
    const stride = this.stride;
    const scale = combine === 'mean' ? 1 / k : 1;
    if (this.#offsets.length < k) this.#offsets = new Int32Array(k);
    const offsets = this.#offsets;
    const touch = this.isLarge();
    for (let b = 0; b < batch; b++) {
      const o = b * d;
      if (touch && b % TOUCH_BLOCK === 0)
        touchRows(data, rows, b * k, Math.min(batch, b + TOUCH_BLOCK) * k, stride, d);
      // The k rows are read side by side (j innermost), so their cache misses overlap instead of queueing;
      // k = 1, 2 and 4 (the common cases) avoid the inner loop altogether.
      const r = b * k;
      if (k === 1) {
        const o0 = rows[r]! * stride;
        for (let c = 0; c < d; c++) result[o + c] = data[o0 + c]! * scale;
      } else if (k === 2) {
        const o0 = rows[r]! * stride;
        const o1 = rows[r + 1]! * stride;
        for (let c = 0; c < d; c++) result[o + c] = (data[o0 + c]! + data[o1 + c]!) * scale;
      } else if (k === 4) {
        const o0 = rows[r]! * stride;
        const o1 = rows[r + 1]! * stride;
        const o2 = rows[r + 2]! * stride;
        const o3 = rows[r + 3]! * stride;
        for (let c = 0; c < d; c++)
          result[o + c] = (data[o0 + c]! + data[o1 + c]! + data[o2 + c]! + data[o3 + c]!) * scale;
      } else {
        for (let j = 0; j < k; j++) offsets[j] = rows[r + j]! * stride;
        for (let c = 0; c < d; c++) {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += data[offsets[j]! + c]!;
          result[o + c] = sum * scale;
        }
      }
    }
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    checkLength('grads', grads, batch * d);
    const share = combine === 'mean' ? 1 / k : 1;
    const n = rows.length;
    const slots = this.#slots;
    slots.reset(n);
    if (this.#summed.length < n * d) this.#summed = new Float32Array(n * d);
    const summed = this.#summed;
    for (let b = 0; b < batch; b++) {
      const g = b * d;
      for (let j = 0; j < k; j++) {
        const row = rows[b * k + j]!;
        if (row === this.frozenRow) continue;
        const s = slots.slotOf(row) * d;
        if (slots.isNew) for (let c = 0; c < d; c++) summed[s + c] = grads[g + c]!;
        else for (let c = 0; c < d; c++) summed[s + c]! += grads[g + c]!;
      }
    }
    // Mean gives each of the k rows 1/k of the gradient: scale the sums once instead of every term.
    if (share !== 1) for (let i = 0; i < slots.count * d; i++) summed[i]! *= share;
    this.updateRows(slots.rows, slots.count, summed);
  }

  protected scratchBytes(): number {
    return this.#slots.byteLength + this.#summed.byteLength + this.#offsets.byteLength;
  }
}
