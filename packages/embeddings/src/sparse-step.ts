import * as tf from '@tensorflow/tfjs';
import type { SparseEmbedding } from './sparse-embedding.js';

/** One embedding lookup in a step: which layer, and the ids of the batch. */
export interface StepLookup {
  readonly embedding: SparseEmbedding;
  readonly ids: Int32Array;
}

/** Dense variables of the model and the TensorFlow.js optimizer that updates them. */
export interface DenseParameters {
  readonly variables: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
}

/**
 * One training step through the sparse engine: look up every embedding, run `loss` on the [B, d] tensors (and
 * the dense variables), take gradients with respect to the looked-up rows only, then update the tables in place
 * and the dense variables with their optimizer. No tensor outlives the step.
 *
 * @param loss - Builds the scalar loss from the looked-up tensors, in `lookups` order, and the dense variables.
 * @returns The loss value.
 */
export async function sparseStep(
  lookups: readonly StepLookup[],
  loss: (embedded: tf.Tensor2D[], variables: readonly tf.Variable[]) => tf.Scalar,
  dense?: DenseParameters,
): Promise<number> {
  const rows = lookups.map((l) => l.embedding.rowsFor(l.ids));
  const embedded = lookups.map((l, i) => l.embedding.lookup(rows[i]!));
  const variables = dense?.variables ?? [];
  const n = embedded.length;
  let result: { value: tf.Scalar; grads: tf.Tensor[] } | undefined;
  try {
    const f = (...xs: tf.Tensor[]) => loss(xs.slice(0, n) as tf.Tensor2D[], variables);
    result = tf.valueAndGrads(f)([...embedded, ...variables]) as { value: tf.Scalar; grads: tf.Tensor[] };
    const { value, grads } = result;
    await Promise.all(lookups.map((l, i) => l.embedding.applyGradients(rows[i]!, grads[i]!)));
    if (dense !== undefined && variables.length > 0) {
      const named: tf.NamedTensorMap = {};
      variables.forEach((v, i) => {
        named[v.name] = grads[n + i]!;
      });
      dense.optimizer.applyGradients(named);
    }
    return (await value.data())[0]!;
  } finally {
    tf.dispose(embedded);
    if (result !== undefined) tf.dispose([result.value, ...result.grads]);
  }
}
