import { DataError, Rng, requireOneOf } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import { type SparseEmbedding, sparseStep } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import type {
  AdapterLike,
  FactorizationConfig,
  ResolvedFactorizationConfig,
} from '../factorization/factorization-config.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';
import {
  type NetworkRepresentationName,
  networkRepresentations,
  type SequenceRepresentation,
} from './representations.js';
import { createSequenceTables, resolveSequenceConfig } from './sequence-tables.js';

type SequenceLoss = 'pointwise' | 'bpr' | 'hinge';

/** Config of {@link NetworkSequenceModel}. */
export interface NetworkSequenceConfig
  extends Omit<FactorizationConfig, 'numUsers' | 'users' | 'updateMode'> {
  /** `lstm` or `cnn`. Default `lstm`. */
  readonly representation?: NetworkRepresentationName;
  /** Default `bpr`. */
  readonly loss?: SequenceLoss;
}

/**
 * Spotlight's ImplicitSequenceModel with a representation that runs in TensorFlow.js (`lstm` or `cnn`): the
 * representation turns the item embeddings before each position into a user vector, scored against the item
 * embeddings (tied with the inputs) plus item biases; the loss is masked at padding; one uniform negative per
 * position. The item tables stay in the backend adapter (sparse updates, any strategy) through `sparseStep`; the
 * representation's weights are updated by tf.train.adam (without Spotlight's L2 on them).
 */
export class NetworkSequenceModel {
  readonly kind = 'network-sequence';
  readonly items: SparseEmbedding;
  readonly itemBias: SparseEmbedding;
  readonly numItems: number;
  readonly #representation: SequenceRepresentation;
  readonly #optimizer: tf.Optimizer;
  readonly #rng: Rng;

  private constructor(
    readonly config: ResolvedFactorizationConfig & {
      loss: SequenceLoss;
      representation: NetworkRepresentationName;
    },
    adapter: AdapterLike,
  ) {
    const { dim: d, optimizer, seed, numItems } = config;
    this.numItems = numItems;
    const tables = createSequenceTables(config, adapter);
    this.items = tables.items;
    this.itemBias = tables.itemBias;
    this.#representation = networkRepresentations[config.representation](d, seed * 4 + 1);
    this.#optimizer = tf.train.adam(optimizer.lr);
    this.#rng = new Rng(seed * 4 + 3);
  }

  /** Validates the config and creates the tables on `adapter`. Dense items get padding id 0, as in Spotlight. */
  static create(config: NetworkSequenceConfig, adapter: AdapterLike): NetworkSequenceModel {
    const loss = requireOneOf('loss', config.loss ?? 'bpr', ['pointwise', 'bpr', 'hinge'] as const);
    const representation = requireOneOf('representation', config.representation ?? 'lstm', [
      'lstm',
      'cnn',
    ] as const);
    const resolved = resolveSequenceConfig(config);
    return new NetworkSequenceModel({ ...resolved, loss, representation }, adapter);
  }

  /** Trains on every position of every sequence. */
  async fit(data: SequenceInteractions, options: FitOptions = {}): Promise<EpochReport[]> {
    if (data.numItems > this.numItems) {
      throw new DataError(`sequences use ${data.numItems} items but the model has ${this.numItems}`);
    }
    const L = data.maxLength;
    const d = this.config.dim;
    const dense = { variables: this.#representation.variables, optimizer: this.#optimizer };
    return runEpochs(data.length, options, this.#rng, (batch) => {
      const b = batch.length;
      const targets = new Int32Array(b * L);
      for (let s = 0; s < b; s++) targets.set(data.sequence(batch[s]!), s * L);
      const negatives = Int32Array.from({ length: b * L }, () => this.#rng.nextInt(this.numItems));
      const mask = Float32Array.from(targets, (t) => (t === 0 ? 0 : 1));
      return sparseStep(
        [
          { embedding: this.items, ids: targets },
          { embedding: this.items, ids: negatives },
          { embedding: this.itemBias, ids: targets },
          { embedding: this.itemBias, ids: negatives },
        ],
        ([inputs, negative, positiveBias, negativeBias]) => {
          const users = this.#representation
            .represent(inputs!.reshape([b, L, d]))
            .slice([0, 0, 0], [b, L, d])
            .reshape([b * L, d]);
          const pos = tf.add(
            tf.sum(tf.mul(users, inputs!), 1),
            positiveBias!.reshape([b * L]),
          ) as tf.Tensor1D;
          const neg = tf.add(
            tf.sum(tf.mul(users, negative!), 1),
            negativeBias!.reshape([b * L]),
          ) as tf.Tensor1D;
          return maskedLoss(this.config.loss, pos, neg, tf.tensor1d(mask));
        },
        dense,
      );
    });
  }

  /** Scores of every item as the next one after `sequence` (item ids, 0 for padding). */
  predict(sequence: Int32Array): Float32Array {
    const d = this.config.dim;
    const L = sequence.length;
    const all = Int32Array.from({ length: this.numItems }, (_, i) => i);
    const lookup = (e: SparseEmbedding, ids: Int32Array) =>
      e.table.lookup(e.rowsFor(ids), e.strategy.rowsPerId, e.strategy.combine);
    const inputs = lookup(this.items, sequence);
    const items = lookup(this.items, all);
    const biases = lookup(this.itemBias, all);
    const scores = tf.tidy(() => {
      // The representation once every item has been read: the last output.
      const user = this.#representation
        .represent(tf.tensor3d(inputs, [1, L, d]))
        .slice([0, L, 0], [1, 1, d])
        .reshape([1, d]);
      const dots = tf
        .matMul(user, tf.tensor2d(items, [this.numItems, d]), false, true)
        .reshape([this.numItems]);
      return tf.add(dots, tf.tensor1d(biases));
    });
    const out = scores.dataSync() as Float32Array;
    scores.dispose();
    return out;
  }

  /** The representation's weights, in a fixed order (checkpoints). */
  get networkVariables(): readonly tf.Variable[] {
    return this.#representation.variables;
  }

  /** The optimizer of the representation's weights (checkpoints save and restore its moments). */
  get networkOptimizer(): tf.Optimizer {
    return this.#optimizer;
  }

  /** Parameters of the representation (for reports). */
  get networkParameters(): number {
    return this.#representation.variables.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.items.dispose();
    this.itemBias.dispose();
    tf.dispose([...this.#representation.variables]);
    this.#optimizer.dispose();
  }
}

/** Spotlight's implicit losses with a mask: the sum over unmasked positions divided by their count. */
function maskedLoss(loss: SequenceLoss, pos: tf.Tensor1D, neg: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const perPosition =
    loss === 'bpr'
      ? tf.sub(1, tf.sigmoid(tf.sub(pos, neg)))
      : loss === 'pointwise'
        ? tf.add(tf.sub(1, tf.sigmoid(pos)), tf.sigmoid(neg))
        : tf.relu(tf.add(tf.sub(neg, pos), 1));
  return tf.div(tf.sum(tf.mul(perPosition, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
