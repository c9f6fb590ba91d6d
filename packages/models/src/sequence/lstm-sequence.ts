import { DataError, Rng, requireOneOf } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import { SparseEmbedding, sparseStep } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import {
  type AdapterLike,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
  strategyFor,
} from '../factorization/factorization-config.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';

/** Config of {@link LstmSequenceModel}. */
export interface LstmSequenceConfig extends Omit<FactorizationConfig, 'numUsers' | 'users' | 'updateMode'> {
  /** Default `bpr`. */
  readonly loss?: 'pointwise' | 'bpr' | 'hinge';
}

/**
 * Spotlight's ImplicitSequenceModel with the `lstm` representation: one LSTM(d, d) reads a zero vector then the
 * item embeddings, and its output at t represents the user before item t; scores are dot products with the item
 * embeddings (tied with the inputs) plus item biases; the loss is masked at padding; one uniform negative per
 * position. The item tables live in the backend adapter (sparse updates, any strategy); the LSTM runs in
 * TensorFlow.js on the adapter's backend, its weights updated by tf.train.adam.
 */
export class LstmSequenceModel {
  readonly kind = 'lstm-sequence';
  readonly items: SparseEmbedding;
  readonly itemBias: SparseEmbedding;
  readonly numItems: number;
  readonly #kernel: tf.Variable;
  readonly #recurrent: tf.Variable;
  readonly #bias: tf.Variable;
  readonly #optimizer: tf.Optimizer;
  readonly #rng: Rng;

  private constructor(
    readonly config: ResolvedFactorizationConfig & { loss: 'pointwise' | 'bpr' | 'hinge' },
    adapter: AdapterLike,
  ) {
    const { dim: d, optimizer, seed, numItems } = config;
    this.numItems = numItems;
    this.items = SparseEmbedding.create({
      strategy: strategyFor(config.items, numItems, d),
      adapter: adapter as never,
      optimizer,
      seed: seed * 4 + 2,
    });
    this.itemBias = SparseEmbedding.create({
      strategy: strategyFor({ strategy: 'dense', options: { paddingIdx: 0 } }, numItems, 1),
      adapter: adapter as never,
      optimizer,
      init: new Float32Array(numItems),
    });
    // torch.nn.LSTM's initialisation: every weight uniform in +-1/sqrt(hidden size).
    const rng = new Rng(seed * 4 + 1);
    const bound = 1 / Math.sqrt(d);
    const uniform = (n: number) => rng.fillUniform(new Float32Array(n), -bound, bound);
    const tag = `lstm-${seed}-${Math.floor(rng.next() * 1e9)}`;
    this.#kernel = tf.variable(tf.tensor2d(uniform(d * 4 * d), [d, 4 * d]), true, `${tag}-kernel`);
    this.#recurrent = tf.variable(tf.tensor2d(uniform(d * 4 * d), [d, 4 * d]), true, `${tag}-recurrent`);
    this.#bias = tf.variable(tf.tensor1d(uniform(4 * d)), true, `${tag}-bias`);
    this.#optimizer = tf.train.adam(optimizer.lr);
    this.#rng = new Rng(seed * 4 + 3);
  }

  /** Validates the config and creates the tables on `adapter`. Dense items get padding id 0, as in Spotlight. */
  static create(config: LstmSequenceConfig, adapter: AdapterLike): LstmSequenceModel {
    const loss = requireOneOf('loss', config.loss ?? 'bpr', ['pointwise', 'bpr', 'hinge'] as const);
    const items =
      config.items?.strategy === undefined || config.items.strategy === 'dense'
        ? { strategy: 'dense', options: { paddingIdx: 0, ...config.items?.options } }
        : config.items;
    return new LstmSequenceModel(
      { ...resolveFactorizationConfig({ ...config, numUsers: 1, items }), loss },
      adapter,
    );
  }

  /** Trains on every position of every sequence. */
  async fit(data: SequenceInteractions, options: FitOptions = {}): Promise<EpochReport[]> {
    if (data.numItems > this.numItems)
      throw new DataError(`sequences use ${data.numItems} items but the model has ${this.numItems}`);
    const L = data.maxLength;
    const d = this.config.dim;
    const variables = [this.#kernel, this.#recurrent, this.#bias];
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
          const users = this.#representations(inputs!.reshape([b, L, d]), L).reshape([b * L, d]);
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
        { variables, optimizer: this.#optimizer },
      );
    });
  }

  /** Scores of every item as the next one after `sequence` (item ids, 0 for padding). */
  predict(sequence: Int32Array): Float32Array {
    const d = this.config.dim;
    const L = sequence.length;
    const all = Int32Array.from({ length: this.numItems }, (_, i) => i);
    const rows = this.items.rowsFor(sequence);
    const inputs = this.items.table.lookup(rows, this.items.strategy.rowsPerId, this.items.strategy.combine);
    const items = this.items.table.lookup(
      this.items.rowsFor(all),
      this.items.strategy.rowsPerId,
      this.items.strategy.combine,
    );
    const biases = this.itemBias.table.lookup(all, 1, 'sum');
    const scores = tf.tidy(() => {
      // The representation after the whole sequence: the LSTM's output once it has read every item.
      const h = this.#run(tf.tensor3d(inputs, [1, L, d]), L + 1)
        .slice([0, L, 0], [1, 1, d])
        .reshape([1, d]);
      return tf.add(
        tf.matMul(h, tf.tensor2d(items, [this.numItems, d]), false, true).reshape([this.numItems]),
        tf.tensor1d(biases),
      );
    });
    const out = scores.dataSync() as Float32Array;
    scores.dispose();
    return out;
  }

  /** Outputs at t = 0..L-1 of an LSTM reading a zero vector then the first L items: [B, L, d]. */
  #representations(inputs: tf.Tensor3D, L: number): tf.Tensor3D {
    return this.#run(inputs, L);
  }

  /** Runs the LSTM over [0, x_0, x_1, ...] for `steps` steps and stacks its outputs: [B, steps, d]. */
  #run(inputs: tf.Tensor3D, steps: number): tf.Tensor3D {
    const [b, , d] = inputs.shape;
    let h: tf.Tensor2D = tf.zeros([b, d]);
    let c: tf.Tensor2D = tf.zeros([b, d]);
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const x =
        t === 0 ? tf.zeros([b, d]) : (inputs.slice([0, t - 1, 0], [b, 1, d]).reshape([b, d]) as tf.Tensor2D);
      const z = tf.add(tf.add(tf.matMul(x, this.#kernel), tf.matMul(h, this.#recurrent)), this.#bias);
      const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      outputs.push(h);
    }
    return tf.stack(outputs, 1) as tf.Tensor3D;
  }

  dispose(): void {
    this.items.dispose();
    this.itemBias.dispose();
    tf.dispose([this.#kernel, this.#recurrent, this.#bias]);
    this.#optimizer.dispose();
  }
}

/** Spotlight's implicit losses with a mask: the sum over unmasked positions divided by their count. */
function maskedLoss(
  loss: 'pointwise' | 'bpr' | 'hinge',
  pos: tf.Tensor1D,
  neg: tf.Tensor1D,
  mask: tf.Tensor1D,
): tf.Scalar {
  const perPosition =
    loss === 'bpr'
      ? tf.sub(1, tf.sigmoid(tf.sub(pos, neg)))
      : loss === 'pointwise'
        ? tf.add(tf.sub(1, tf.sigmoid(pos)), tf.sigmoid(neg))
        : tf.relu(tf.add(tf.sub(neg, pos), 1));
  return tf.div(tf.sum(tf.mul(perPosition, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
