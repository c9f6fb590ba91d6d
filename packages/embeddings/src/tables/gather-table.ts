import type { CombineMode, TableOptions } from '@bloom/core';
import { TypedArrayTable } from './typed-array-table.js';
import { checkBatch, checkLength } from './validate-rows.js';

/**
 * The sparse engine's table: lookups gather and combine k rows per id in one pass, and the backward pass sums the
 * gradient of duplicate rows into a compact [U, d] buffer (U unique rows) before the optimizer updates just
 * those rows in place. Step cost is O(B k d), independent of the number of rows.
 */
export class GatherTable extends TypedArrayTable {
  #slotOf: Int32Array | undefined;
  #unique = new Int32Array(0);
  #summed = new Float32Array(0);

  constructor(options: TableOptions, init?: Float32Array) {
    super(options, init);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const w = this.weights;
    const scale = combine === 'mean' ? 1 / k : 1;
    for (let b = 0; b < batch; b++) {
      const o = b * d;
      const first = rows[b * k]! * d;
      for (let c = 0; c < d; c++) result[o + c] = w[first + c]!;
      for (let j = 1; j < k; j++) {
        const r = rows[b * k + j]! * d;
        for (let c = 0; c < d; c++) result[o + c]! += w[r + c]!;
      }
      if (scale !== 1) for (let c = 0; c < d; c++) result[o + c]! *= scale;
    }
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    checkLength('grads', grads, batch * d);
    const share = combine === 'mean' ? 1 / k : 1;
    const n = rows.length;
    this.#slotOf ??= new Int32Array(this.rows).fill(-1);
    if (this.#unique.length < n) {
      this.#unique = new Int32Array(n);
      this.#summed = new Float32Array(n * d);
    }
    const slotOf = this.#slotOf;
    const unique = this.#unique;
    const summed = this.#summed;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      if (row === this.frozenRow) continue;
      let slot = slotOf[row]!;
      if (slot < 0) {
        slot = count++;
        slotOf[row] = slot;
        unique[slot] = row;
        summed.fill(0, slot * d, (slot + 1) * d);
      }
      const s = slot * d;
      const g = ((i / k) | 0) * d;
      for (let c = 0; c < d; c++) summed[s + c]! += share * grads[g + c]!;
    }
    for (let s = 0; s < count; s++) slotOf[unique[s]!] = -1;
    this.updateRows(unique, count, summed);
  }

  protected scratchBytes(): number {
    return (this.#slotOf?.byteLength ?? 0) + this.#unique.byteLength + this.#summed.byteLength;
  }
}
