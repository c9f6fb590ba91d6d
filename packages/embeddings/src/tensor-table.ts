import type { CombineMode, EmbeddingTable } from '@bloom/core';
import type * as tf from '@tensorflow/tfjs';

/**
 * A table whose rows live where the tensors do (a GPU adapter's buffers): it looks up into a tensor and takes its
 * gradients as a tensor, so no row crosses to the host. It has no synchronous typed-array methods (it is no
 * `HostTable`); callers ask for such a table with `access: 'tensor'` and use it through `SparseEmbedding` and
 * `sparseStep`.
 */
export interface TensorTable extends EmbeddingTable {
  /** The combined rows of each id, [B, d] (rows validated on the host first). */
  lookupTensor(rows: Int32Array, k: number, combine: CombineMode): tf.Tensor2D;
  /** Sums each row's share of `grads` ([B, d]) over duplicates and runs the optimizer on those rows. */
  applyGradientsTensor(rows: Int32Array, k: number, combine: CombineMode, grads: tf.Tensor): void;
}

/** Whether `table` offers the tensor methods. */
export function isTensorTable(table: EmbeddingTable): table is TensorTable {
  return typeof (table as Partial<TensorTable>).lookupTensor === 'function';
}
