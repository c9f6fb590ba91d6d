import type { EmbeddingTable } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { hostTable, type SparseEmbedding } from './sparse-embedding.js';
import { isTensorTable } from './tensor-table.js';

/** One embedding lookup in a step: which layer, and the ids of the batch. */
export interface StepLookup {
  readonly embedding: SparseEmbedding<EmbeddingTable>;
  readonly ids: Int32Array;
}

/** Dense variables of the model and the TensorFlow.js optimizer that updates them. */
export interface DenseParameters {
  readonly variables: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
  /**
   * L2 penalty added to each variable's gradient (`grad + weightDecay * w`), as torch's optimizers apply
   * `weight_decay` and Spotlight its `l2`; tfjs's own optimizers have none. Default 0.
   */
  readonly weightDecay?: number;
}

/**
 * One training step through the sparse engine: look up every embedding, run `loss` on the [B, d] tensors (and
 * the dense variables), take gradients with respect to the looked-up rows only, then update the tables in place
 * and the dense variables with their optimizer. Several lookups into one embedding (positives and negatives)
 * make one optimizer step on it, their rows and gradients concatenated. No tensor outlives the step.
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
    await applyPerEmbedding(lookups, rows, grads);
    if (dense !== undefined && variables.length > 0) {
      const named: tf.NamedTensorMap = {};
      const decay = dense.weightDecay ?? 0;
      variables.forEach((v, i) => {
        named[v.name] = decay === 0 ? grads[n + i]! : tf.add(grads[n + i]!, tf.mul(v, decay));
      });
      dense.optimizer.applyGradients(named);
      if (decay !== 0) tf.dispose(Object.values(named));
    }
    return (await value.data())[0]!;
  } finally {
    tf.dispose(embedded);
    if (result !== undefined) tf.dispose([result.value, ...result.grads]);
  }
}

// One applyGradients per embedding: two calls would be two optimizer steps (Adam's step count, lazy updates).
async function applyPerEmbedding(
  lookups: readonly StepLookup[],
  rows: Int32Array[],
  grads: tf.Tensor[],
): Promise<void> {
  const groups = new Map<SparseEmbedding<EmbeddingTable>, number[]>();
  lookups.forEach((l, i) => {
    groups.set(l.embedding, [...(groups.get(l.embedding) ?? []), i]);
  });
  for (const [embedding, members] of groups) {
    if (members.length === 1) {
      await embedding.applyGradients(rows[members[0]!]!, grads[members[0]!]!);
      continue;
    }
    const allRows = concat(
      members.map((i) => rows[i]!),
      Int32Array,
    );
    if (isTensorTable(embedding.table)) {
      // The gradients stay where they are: one concatenated tensor, one optimizer step on the device.
      const all = tf.concat(members.map((i) => grads[i]!));
      try {
        embedding.table.applyGradientsTensor(
          allRows,
          embedding.strategy.rowsPerId,
          embedding.strategy.combine,
          all,
        );
      } finally {
        all.dispose();
      }
      continue;
    }
    const values = await Promise.all(members.map((i) => grads[i]!.data() as Promise<Float32Array>));
    hostTable(embedding.table).applyGradients(
      allRows,
      embedding.strategy.rowsPerId,
      embedding.strategy.combine,
      concat(values, Float32Array),
    );
  }
}

function concat<T extends Int32Array | Float32Array>(parts: T[], type: new (n: number) => T): T {
  const out = new type(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
