import { ConfigError, type EmbeddingStrategy, Rng } from '@bloom/core';
import { createBloomStrategy, createDenseStrategy } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';

/**
 * How a sequence model scores the next item.
 * - `tied` (Spotlight's): the user state against the item embeddings (the input table) plus item biases,
 *   trained with a sampled negative per position.
 * - `bloom` (the paper's output side; Spotlight has none): a softmax over the m = floor(ratio * N) hashed
 *   positions, trained with cross-entropy against the target's k positions (1/k each); an item scores the sum
 *   of the log-probabilities of its k positions. No negatives are sampled.
 * - `softmax`: the paper's uncompressed baseline, a full softmax over the N items (the bloom layer with m = N,
 *   k = 1 and the identity for hash).
 */
export type SequenceOutput =
  | { readonly kind: 'tied' }
  | { readonly kind: 'softmax' }
  | {
      readonly kind: 'bloom';
      /** m = floor(compressionRatio * numItems) output units. Default 0.2. */
      readonly compressionRatio?: number;
      /** k, hash functions per item. Default 4. */
      readonly numHashes?: number;
      /** A registered hasher. Default `murmur3`. */
      readonly hasher?: string;
    };

/** Checks a {@link SequenceOutput}, naming the bad option. */
export function resolveSequenceOutput(output: SequenceOutput | undefined): SequenceOutput {
  const resolved = output ?? { kind: 'tied' };
  if (resolved.kind !== 'tied' && resolved.kind !== 'bloom' && resolved.kind !== 'softmax') {
    throw new ConfigError(
      'output.kind',
      "'tied', 'bloom' or 'softmax'",
      (resolved as { kind: unknown }).kind,
    );
  }
  return resolved;
}

/**
 * The Bloom output layer (or, for `softmax`, the full one): a [d, m] projection and m biases (tfjs variables,
 * updated densely by Adam).
 */
export class BloomOutputLayer {
  readonly variables: readonly [tf.Variable, tf.Variable];
  /** The hashing of items to output units (no padding id: every item keeps its k positions). */
  readonly strategy: EmbeddingStrategy;
  readonly #allPositions: Int32Array;

  constructor(
    options: Exclude<SequenceOutput, { kind: 'tied' }>,
    numItems: number,
    dim: number,
    seed: number,
    tag: string,
  ) {
    this.strategy =
      options.kind === 'softmax'
        ? createDenseStrategy({ numEmbeddings: numItems, dim })
        : createBloomStrategy({
            numEmbeddings: numItems,
            dim,
            compressionRatio: options.compressionRatio ?? 0.2,
            numHashes: options.numHashes ?? 4,
            hasher: options.hasher,
            paddingIdx: null,
          });
    const m = this.strategy.tableRows;
    const rng = new Rng(seed);
    const bound = 1 / Math.sqrt(dim); // torch.nn.Linear's initialisation
    const uniform = (n: number) => rng.fillUniform(new Float32Array(n), -bound, bound);
    this.variables = [
      tf.variable(tf.tensor2d(uniform(dim * m), [dim, m]), true, `${tag}-weights`),
      tf.variable(tf.tensor1d(uniform(m)), true, `${tag}-bias`),
    ];
    this.#allPositions = this.strategy.rowsFor(Int32Array.from({ length: numItems }, (_, i) => i));
  }

  /** m, the number of output units. */
  get units(): number {
    return this.strategy.tableRows;
  }

  /**
   * The masked cross-entropy of [n, d] user states against n targets (id 0, padding, is masked):
   * -(1/k) * sum over the target's k positions of log softmax, averaged over unmasked positions.
   */
  loss(users: tf.Tensor2D, targets: Int32Array): tf.Scalar {
    const m = this.units;
    const k = this.strategy.rowsPerId;
    const positions = this.strategy.rowsFor(targets);
    // The target distribution as a dense [n, m] matrix built here: a gather of log-probabilities would need
    // UnsortedSegmentSum for its gradient, which the wasm backend lacks. Colliding positions add up.
    const labels = new Float32Array(targets.length * m);
    let count = 0;
    for (let r = 0; r < targets.length; r++) {
      if (targets[r] === 0) continue;
      count++;
      for (let j = 0; j < k; j++) labels[r * m + positions[r * k + j]!]! += 1 / k;
    }
    const logProbabilities = tf.logSoftmax(this.#logits(users));
    const total = tf.sum(tf.mul(tf.tensor2d(labels, [targets.length, m]), logProbabilities));
    return tf.div(tf.neg(total), Math.max(count, 1)) as tf.Scalar;
  }

  /** Scores of every item for one [1, d] user state: the sum of the log-probabilities of its k positions. */
  scoreAll(user: tf.Tensor2D): Float32Array {
    const logProbabilities = tf.tidy(() => tf.logSoftmax(this.#logits(user)));
    const logp = logProbabilities.dataSync() as Float32Array;
    logProbabilities.dispose();
    return this.#itemScores(logp);
  }

  /** {@link scoreAll}, reading back asynchronously (required on WebGPU, where synchronous reads fail). */
  async scoreAllAsync(user: tf.Tensor2D): Promise<Float32Array> {
    const logProbabilities = tf.tidy(() => tf.logSoftmax(this.#logits(user)));
    const logp = (await logProbabilities.data()) as Float32Array;
    logProbabilities.dispose();
    return this.#itemScores(logp);
  }

  #itemScores(logp: Float32Array): Float32Array {
    const k = this.strategy.rowsPerId;
    const positions = this.#allPositions;
    const scores = new Float32Array(positions.length / k);
    for (let i = 0; i < scores.length; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += logp[positions[i * k + j]!]!;
      scores[i] = s;
    }
    return scores;
  }

  #logits(users: tf.Tensor2D): tf.Tensor2D {
    const [weights, bias] = this.variables;
    return tf.add(tf.matMul(users, weights), bias);
  }
}
