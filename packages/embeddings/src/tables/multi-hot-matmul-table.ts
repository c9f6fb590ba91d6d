import { type CombineMode, ConfigError, type TableOptions } from '@bloom/core';
import { TypedArrayTable } from './typed-array-table.js';
import { checkBatch, checkLength } from './validate-rows.js';

/**
 * The paper's formulation: the batch becomes a [B, m] multi-hot (count) matrix X, the lookup is the real matrix
 * product X W ([B, m] x [m, d]) and the gradient is the dense X^T G ([m, d]). Nothing here skips the zeros, so
 * its cost, O(B m d) per step plus an [B, m] input, is what the binary-vector formulation costs.
 * In the sparse mode only rows with a non-zero column of X are updated (as the gather table does); in the dense
 * mode every row is.
 */
export class MultiHotMatmulTable extends TypedArrayTable {
  #multiHot = new Float32Array(0);

  constructor(options: TableOptions, init?: Float32Array) {
    super(options, init);
  }

  lookup(rows: Int32Array, k: number, combine: CombineMode, out?: Float32Array): Float32Array {
    if (combine !== 'sum') throw new ConfigError('combine', "'sum' for the multi-hot product", combine);
    const batch = checkBatch(rows, k, this.rows);
    const x = this.#fillMultiHot(rows, k, batch);
    const m = this.rows;
    const d = this.dim;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    result.fill(0);
    const w = this.data;
    const stride = this.stride;
    for (let b = 0; b < batch; b++) {
      const o = b * d;
      for (let r = 0; r < m; r++) {
        const coefficient = x[b * m + r]!;
        const wr = r * stride;
        for (let c = 0; c < d; c++) result[o + c]! += coefficient * w[wr + c]!;
      }
    }
    return result;
  }

  applyGradients(rows: Int32Array, k: number, combine: CombineMode, grads: Float32Array): void {
    if (combine !== 'sum') throw new ConfigError('combine', "'sum' for the multi-hot product", combine);
    const batch = checkBatch(rows, k, this.rows);
    checkLength('grads', grads, batch * this.dim);
    const x = this.#fillMultiHot(rows, k, batch);
    const m = this.rows;
    const d = this.dim;
    const dense = this.denseGradientBuffer();
    // dW = X^T G, a real [m, B] x [B, d] product.
    for (let r = 0; r < m; r++) {
      const o = r * d;
      for (let b = 0; b < batch; b++) {
        const coefficient = x[b * m + r]!;
        const g = b * d;
        for (let c = 0; c < d; c++) dense[o + c]! += coefficient * grads[g + c]!;
      }
    }
    if (this.frozenRow >= 0) dense.fill(0, this.frozenRow * d, (this.frozenRow + 1) * d);
    if (this.options.updateMode === 'dense') {
      this.updateAllRows(dense);
    } else {
      const touched = new Int32Array(m);
      let n = 0;
      for (let r = 0; r < m; r++) {
        let any = false;
        for (let b = 0; b < batch && !any; b++) any = x[b * m + r] !== 0;
        if (any && r !== this.frozenRow) {
          dense.copyWithin(n * d, r * d, (r + 1) * d);
          touched[n++] = r;
        }
      }
      this.updateRows(touched, n, dense);
    }
    dense.fill(0);
  }

  protected scratchBytes(): number {
    return this.#multiHot.byteLength;
  }

  #fillMultiHot(rows: Int32Array, k: number, batch: number): Float32Array {
    const m = this.rows;
    if (this.#multiHot.length < batch * m) this.#multiHot = new Float32Array(batch * m);
    const x = this.#multiHot.subarray(0, batch * m);
    x.fill(0);
    for (let i = 0; i < rows.length; i++) x[((i / k) | 0) * m + rows[i]!]! += 1;
    return x;
  }
}
