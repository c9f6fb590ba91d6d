import type {
  EmbeddingTable,
  SequenceLoss,
  SequenceRepresentationName,
  SequenceTrainer,
  SequenceTrainerOutput,
} from '@bloom/core';
import type { SparseEmbedding } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import type { AdapterLike } from '../factorization/factorization-config.js';
import type { FitOptions } from '../training-loop.js';

/** What a sequence model asks a backend's fused sequence trainer for (see SequenceTrainerSpec). */
export interface FusedSequenceRequest {
  readonly items: SparseEmbedding<EmbeddingTable>;
  readonly itemBias: SparseEmbedding<EmbeddingTable>;
  readonly representation: SequenceRepresentationName;
  readonly loss: SequenceLoss;
  /** Negatives per position for the adaptive hinge. */
  readonly negatives: number;
  readonly output: SequenceTrainerOutput;
  readonly dim: number;
  readonly maxLength: number;
  /** The network's variables in the spec's order (none for pooling). */
  readonly variables: readonly tf.Variable[];
  readonly lr: number;
  readonly weightDecay: number;
}

// Spotlight's defaults, which the tfjs representations also use.
const KERNEL_WIDTH = 3;
const COMPONENTS = 4;

/** The adapter's fused sequence trainer, or the reason the model trains without one. */
export function fusedSequenceTrainerFor(
  adapter: AdapterLike,
  options: FitOptions,
  request: FusedSequenceRequest,
): SequenceTrainer | string {
  if (options.fused === false) return 'fit was asked not to use a fused trainer (fused: false)';
  if (adapter.createTrainer === undefined) return `the ${adapter.name} backend has no fused trainer`;
  const embedding = (e: SparseEmbedding<EmbeddingTable>) => ({ table: e.table, strategy: e.strategy });
  return adapter.createTrainer('sequence', {
    items: embedding(request.items),
    itemBias: embedding(request.itemBias),
    representation: request.representation,
    kernelWidth: KERNEL_WIDTH,
    components: COMPONENTS,
    loss: request.loss,
    negatives: request.negatives,
    output: request.output,
    dim: request.dim,
    maxLength: request.maxLength,
    weights: request.variables.map((v) => v.dataSync() as Float32Array),
    // tf.train.adam's defaults, and its epsilon (the backend's), so both paths take the same steps.
    adam: {
      lr: request.lr,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: tf.backend().epsilon(),
      weightDecay: request.weightDecay,
    },
    threads: options.threads ?? 1,
  });
}

/**
 * Hands the network's weights and Adam state to the trainer: the tfjs variables and optimizer stay the model's
 * state between fits (prediction, checkpoints and the tfjs path read them), the trainer's while it trains.
 */
export async function loadIntoTrainer(
  trainer: SequenceTrainer,
  variables: readonly tf.Variable[],
  optimizer: tf.Optimizer,
): Promise<void> {
  trainer.setWeights(await Promise.all(variables.map(async (v) => Float32Array.from(await v.data()))));
  const saved = await optimizer.getWeights();
  // getWeights makes a fresh scalar of the step count; the moments are the optimizer's own variables.
  const iterations = saved[0]?.tensor;
  const steps = iterations === undefined ? 0 : (await iterations.data())[0]!;
  iterations?.dispose();
  if (saved.length <= 1) {
    trainer.setAdamState({ steps, first: [], second: [] });
    return;
  }
  const moments = await Promise.all(
    saved.slice(1).map(async (w) => Float32Array.from(await w.tensor.data())),
  );
  const count = moments.length / 2;
  trainer.setAdamState({ steps, first: moments.slice(0, count), second: moments.slice(count) });
}

/** Writes the trainer's weights and Adam state back to the tfjs variables and optimizer. */
export async function storeFromTrainer(
  trainer: SequenceTrainer,
  variables: readonly tf.Variable[],
  optimizer: tf.Optimizer,
): Promise<void> {
  const weights = trainer.weights();
  for (const [i, v] of variables.entries()) {
    const value = tf.tensor(weights[i]!, v.shape);
    v.assign(value);
    value.dispose();
  }
  if (variables.length === 0) return;
  const { steps, first, second } = trainer.adamState();
  const moment = (values: Float32Array, i: number, suffix: string) => ({
    name: `${variables[i]!.name}/${suffix}`,
    tensor: tf.tensor(values, variables[i]!.shape),
  });
  const fresh = [
    { name: 'iter', tensor: tf.scalar(steps, 'int32') },
    ...first.map((m, i) => moment(m, i, 'm')),
    ...second.map((v, i) => moment(v, i, 'v')),
  ];
  // setWeights makes new moment variables from these tensors and keeps neither the tensors nor the old
  // variables, so both are released here.
  const old = await optimizer.getWeights();
  await optimizer.setWeights(fresh);
  tf.dispose([...old.map((w) => w.tensor), ...fresh.map((w) => w.tensor)]);
}
