import {
  ConfigError,
  DataError,
  type EmbeddingTable,
  type Model,
  type ModelState,
  Rng,
  requireOneOf,
  type SequenceLoss,
  type SequenceTrainer,
} from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import { type SparseEmbedding, sparseStep } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { sequenceMrrScoreAsync } from '../evaluation/sequence-mrr.js';
import type {
  AdapterLike,
  FactorizationConfig,
  ResolvedFactorizationConfig,
} from '../factorization/factorization-config.js';
import type { TrainingPath } from '../factorization/fused-training.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';
import { BloomOutputLayer, resolveSequenceOutput, type SequenceOutput } from './bloom-output.js';
import { fusedSequenceTrainerFor, loadIntoTrainer, storeFromTrainer } from './fused-sequence.js';
import {
  type NetworkRepresentationName,
  networkRepresentations,
  type SequenceRepresentation,
  uniqueTag,
} from './representations.js';
import {
  createSequenceTables,
  negativesPerPosition,
  resolveSequenceConfig,
  resolveSequenceLoss,
  type SequenceLossConfig,
} from './sequence-tables.js';

/** Config of {@link NetworkSequenceModel}. */
export interface NetworkSequenceConfig
  extends Omit<FactorizationConfig, 'numUsers' | 'users' | 'updateMode'>,
    SequenceLossConfig {
  /** `lstm`, `cnn` or `mixture`. Default `lstm`. */
  readonly representation?: NetworkRepresentationName;
  /**
   * Default `bpr`; `adaptive-hinge` takes the hinge against the highest-scoring of `numNegativeSamples` negatives
   * per position. Ignored by the `bloom` output, which is trained with its own cross-entropy.
   */
  readonly loss?: SequenceLoss;
  /** Default `{ kind: 'tied' }` (Spotlight's). `bloom` is the paper's output layer, `softmax` its baseline. */
  readonly output?: SequenceOutput;
}

/**
 * Spotlight's ImplicitSequenceModel with a representation that runs in TensorFlow.js (`lstm`, `cnn` or
 * `mixture`): the representation turns the item embeddings before each position into a user state, scored
 * against the item embeddings (tied with the inputs) plus item biases; the loss is masked at padding; one uniform
 * negative per position (or several, for the adaptive hinge). With `output: { kind: 'bloom' }` the state instead
 * feeds the paper's Bloom output layer (see {@link SequenceOutput}). The item tables stay in the backend adapter (sparse updates, any strategy)
 * through `sparseStep`; the network's weights are updated by tf.train.adam with the optimizer's weightDecay
 * added to their gradients, as Spotlight's l2 is.
 */
export class NetworkSequenceModel implements Model<NetworkSequenceModel['config'], SequenceInteractions> {
  /**
   * How the last `fit` trained: the backend's fused sequence trainer (`wasm-fused`), or `tfjs` (the network as
   * TensorFlow.js ops, what the webgpu and tensorflow backends run) with the reason. Undefined before any fit.
   */
  trainingPath: TrainingPath | undefined;
  readonly kind = 'network-sequence';
  readonly items: SparseEmbedding<EmbeddingTable>;
  readonly itemBias: SparseEmbedding<EmbeddingTable>;
  readonly numItems: number;
  readonly #representation: SequenceRepresentation;
  readonly #output: BloomOutputLayer | null;
  readonly #optimizer: tf.Optimizer;
  readonly #rng: Rng;
  readonly #adapter: AdapterLike;
  #fused: { maxLength: number; threads: number; trainer: SequenceTrainer } | undefined;

  private constructor(
    readonly config: ResolvedFactorizationConfig & {
      loss: SequenceLoss;
      numNegativeSamples: number;
      representation: NetworkRepresentationName;
      output: SequenceOutput;
    },
    adapter: AdapterLike,
  ) {
    const { dim: d, optimizer, seed, numItems } = config;
    this.numItems = numItems;
    // The network reads the item tables only through tensors, so a GPU adapter may keep them on the device.
    const tables = createSequenceTables(config, adapter, 'tensor');
    this.items = tables.items;
    this.itemBias = tables.itemBias;
    this.#representation = networkRepresentations[config.representation](d, Rng.streamSeed(seed, 'network'));
    this.#output =
      config.output.kind !== 'tied'
        ? new BloomOutputLayer(
            config.output,
            numItems,
            d,
            Rng.streamSeed(seed, 'output'),
            uniqueTag('bloom-output'),
          )
        : null;
    this.#optimizer = tf.train.adam(optimizer.lr);
    this.#rng = Rng.stream(seed, 'shuffle and negatives');
    this.#adapter = adapter;
  }

  /** Validates the config and creates the tables on `adapter`. Dense items get padding id 0, as in Spotlight. */
  static create(config: NetworkSequenceConfig, adapter: AdapterLike): NetworkSequenceModel {
    const losses = resolveSequenceLoss(config);
    const representation = requireOneOf('representation', config.representation ?? 'lstm', [
      'lstm',
      'cnn',
      'mixture',
    ] as const);
    const output = resolveSequenceOutput(config.output);
    if (output.kind !== 'tied' && representation === 'mixture') {
      throw new ConfigError(
        'output',
        "'tied' with the mixture representation (its user state depends on the target item)",
        output.kind,
      );
    }
    const resolved = resolveSequenceConfig(config, [
      'loss',
      'numNegativeSamples',
      'representation',
      'output',
    ]);
    return new NetworkSequenceModel({ ...resolved, ...losses, representation, output }, adapter);
  }

  /** Trains on every position of every sequence. */
  async fit(data: SequenceInteractions, options: FitOptions = {}): Promise<EpochReport[]> {
    if (data.numItems > this.numItems) {
      throw new DataError(`sequences use ${data.numItems} items but the model has ${this.numItems}`);
    }
    const trainer = this.#fusedTrainer(data.maxLength, options);
    if (typeof trainer !== 'string') {
      this.trainingPath = { trainer: trainer.name, threads: trainer.threads };
      return this.#fitFused(trainer, data, options);
    }
    this.trainingPath = { trainer: 'tfjs', reason: trainer };
    const L = data.maxLength;
    const d = this.config.dim;
    const dense = {
      variables: this.networkVariables,
      optimizer: this.#optimizer,
      weightDecay: this.config.optimizer.weightDecay ?? 0,
    };
    const states = (inputs: tf.Tensor2D, b: number) => {
      const w = this.#representation.width;
      return this.#representation
        .represent(inputs.reshape([b, L, d]))
        .slice([0, 0, 0], [b, L, w])
        .reshape([b * L, w]) as tf.Tensor2D;
    };
    return runEpochs(data.length, options, this.#rng, (batch) => {
      const b = batch.length;
      const targets = new Int32Array(b * L);
      for (let s = 0; s < b; s++) targets.set(data.sequence(batch[s]!), s * L);
      const output = this.#output;
      if (output !== null) {
        return sparseStep(
          [{ embedding: this.items, ids: targets }],
          ([inputs]) => output.loss(states(inputs!, b), targets),
          dense,
        );
      }
      const draws = negativesPerPosition(this.config);
      const n = b * L;
      // Block j holds the j-th negative of every position (Spotlight's draws, one [b, L] array each).
      const negatives = Int32Array.from({ length: draws * n }, () => this.#rng.nextInt(this.numItems));
      const mask = Float32Array.from(targets, (t) => (t === 0 ? 0 : 1));
      return sparseStep(
        [
          { embedding: this.items, ids: targets },
          { embedding: this.items, ids: negatives },
          { embedding: this.itemBias, ids: targets },
          { embedding: this.itemBias, ids: negatives },
        ],
        ([inputs, negative, positiveBias, negativeBias]) => {
          const users = states(inputs!, b);
          const score = (items: tf.Tensor2D, bias: tf.Tensor2D) =>
            tf.add(this.#representation.score(users, items), bias.reshape([n])) as tf.Tensor1D;
          const drawn = Array.from({ length: draws }, (_, j) =>
            score(negative!.slice([j * n, 0], [n, d]), negativeBias!.slice([j * n, 0], [n, 1])),
          );
          const highest = draws === 1 ? drawn[0]! : highestDraw(drawn);
          return maskedLoss(this.config.loss, score(inputs!, positiveBias!), highest, tf.tensor1d(mask));
        },
        dense,
      );
    });
  }

  // The same epochs as the tfjs path (same shuffles, same negatives from the same stream), each minibatch one
  // fused step; the network's weights and Adam state move into the trainer for the fit and back after it.
  async #fitFused(
    trainer: SequenceTrainer,
    data: SequenceInteractions,
    options: FitOptions,
  ): Promise<EpochReport[]> {
    const L = data.maxLength;
    const capacity = Math.min(options.batchSize ?? 256, data.length) * L;
    const draws = negativesPerPosition(this.config);
    const targets = new Int32Array(capacity);
    const negatives = new Int32Array(draws * capacity);
    const tied = this.#output === null;
    await loadIntoTrainer(trainer, this.networkVariables, this.#optimizer);
    try {
      return await runEpochs(data.length, options, this.#rng, (batch) => {
        const b = batch.length;
        const n = b * L;
        for (let s = 0; s < b; s++) targets.set(data.sequence(batch[s]!), s * L);
        if (tied) for (let i = 0; i < draws * n; i++) negatives[i] = this.#rng.nextInt(this.numItems);
        return trainer.step(targets.subarray(0, n), tied ? negatives.subarray(0, draws * n) : null, b);
      });
    } finally {
      await storeFromTrainer(trainer, this.networkVariables, this.#optimizer);
    }
  }

  // The backend's fused trainer for sequences of maxLength on `threads` (kept while both stay), or why there is none.
  #fusedTrainer(maxLength: number, options: FitOptions): SequenceTrainer | string {
    const threads = options.threads ?? 1;
    const fused = this.#fused;
    if (options.fused !== false && fused?.maxLength === maxLength && fused.threads === threads)
      return fused.trainer;
    const output = this.#output;
    const trainer = fusedSequenceTrainerFor(this.#adapter, options, {
      items: this.items,
      itemBias: this.itemBias,
      representation: this.config.representation,
      loss: this.config.loss,
      negatives: negativesPerPosition(this.config),
      output: output === null ? { kind: 'tied' } : { kind: 'projection', strategy: output.strategy },
      dim: this.config.dim,
      maxLength,
      variables: this.networkVariables,
      lr: this.config.optimizer.lr,
      weightDecay: this.config.optimizer.weightDecay ?? 0,
    });
    if (typeof trainer !== 'string') {
      this.#fused?.trainer.dispose();
      this.#fused = { maxLength, threads, trainer };
    }
    return trainer;
  }

  /** Scores of every item as the next one after `sequence` (item ids, 0 for padding). Synchronous: cpu and wasm. */
  predict(sequence: Int32Array, rows?: Int32Array): Float32Array {
    const user = this.#lastState(sequence, rows);
    try {
      if (this.#output !== null) return this.#output.scoreAll(user);
      const scores = this.#tiedScores(user);
      const out = scores.dataSync() as Float32Array;
      scores.dispose();
      return out;
    } finally {
      user.dispose();
    }
  }

  /** {@link predict}, reading back asynchronously: what WebGPU needs (synchronous reads fail there). */
  async predictAsync(sequence: Int32Array, rows?: Int32Array): Promise<Float32Array> {
    const user = this.#lastState(sequence, rows);
    try {
      if (this.#output !== null) return await this.#output.scoreAllAsync(user);
      const scores = this.#tiedScores(user);
      const out = (await scores.data()) as Float32Array;
      scores.dispose();
      return out;
    } finally {
      user.dispose();
    }
  }

  // The representation once every item of the sequence has been read: its last output, [1, width].
  #lastState(sequence: Int32Array, rows?: Int32Array): tf.Tensor2D {
    const d = this.config.dim;
    const L = sequence.length;
    const w = this.#representation.width;
    const inputs = () => (rows === undefined ? lookup(this.items, sequence) : this.items.lookup(rows));
    return tf.tidy(() =>
      this.#representation
        .represent(inputs().reshape([1, L, d]) as tf.Tensor3D)
        .slice([0, L, 0], [1, 1, w])
        .reshape([1, w]),
    ) as tf.Tensor2D;
  }

  // Tied output: every item's embedding scored against the state, plus its bias.
  #tiedScores(user: tf.Tensor2D): tf.Tensor1D {
    const all = Int32Array.from({ length: this.numItems }, (_, i) => i);
    return tf.tidy(() =>
      tf.add(
        this.#representation.scoreAll(user, lookup(this.items, all)),
        lookup(this.itemBias, all).reshape([this.numItems]),
      ),
    ) as tf.Tensor1D;
  }

  /** The representation's weights, then the Bloom output layer's, in a fixed order (checkpoints). */
  get networkVariables(): readonly tf.Variable[] {
    return [...this.#representation.variables, ...(this.#output?.variables ?? [])];
  }

  /** The optimizer of the representation's weights (checkpoints save and restore its moments). */
  get networkOptimizer(): tf.Optimizer {
    return this.#optimizer;
  }

  /** Parameters of the representation and output layer (for reports). */
  get networkParameters(): number {
    return this.networkVariables.reduce((n, v) => n + v.size, 0);
  }

  /** The network's trainable weights (the output layer's included). */
  get denseParameters(): number {
    return this.networkParameters;
  }

  /** The item table (tied input and output) and the item biases. */
  embeddings(): Record<string, SparseEmbedding<EmbeddingTable>> {
    return { items: this.items, itemBias: this.itemBias };
  }

  /** Sequence MRR on `test`, read back asynchronously (WebGPU has no synchronous read). */
  async evaluate(test: SequenceInteractions): Promise<Record<string, number>> {
    return { mrr: (await sequenceMrrScoreAsync(this, test)).mrr };
  }

  /** The network's weights and its optimizer's iteration count and moments (in the optimizer's own order). */
  async saveState(): Promise<ModelState> {
    const state: Record<string, { values: Float32Array; shape: readonly number[] }> = {};
    for (const [i, v] of this.networkVariables.entries()) {
      state[`network.${i}`] = { values: Float32Array.from(await v.data()), shape: v.shape };
    }
    for (const [i, { tensor }] of (await this.networkOptimizer.getWeights()).entries()) {
      state[`networkOptimizer.${i}`] = {
        values: Float32Array.from(await tensor.data()),
        shape: tensor.shape,
      };
    }
    return state;
  }

  /** Restores {@link saveState}'s arrays on a model made from the same config. */
  async loadState(state: ModelState): Promise<void> {
    for (const [i, v] of this.networkVariables.entries()) {
      const saved = state[`network.${i}`];
      if (saved === undefined) throw new DataError(`the checkpoint lacks network weight ${i}`);
      v.assign(tf.tensor(saved.values, v.shape));
    }
    const moments = Object.keys(state)
      .filter((name) => name.startsWith('networkOptimizer.'))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    if (moments.length > 0) {
      await this.networkOptimizer.setWeights(
        moments.map((name) => ({ name, tensor: tf.tensor(state[name]!.values, [...state[name]!.shape]) })),
      );
    }
  }

  dispose(): void {
    this.#fused?.trainer.dispose();
    this.items.dispose();
    this.itemBias.dispose();
    tf.dispose([...this.networkVariables]);
    this.#optimizer.dispose();
  }
}

/**
 * Spotlight's implicit losses with a mask: the sum over unmasked positions divided by their count. `neg` is the
 * adaptive hinge's highest negative score, so it takes the hinge.
 */
function maskedLoss(loss: SequenceLoss, pos: tf.Tensor1D, neg: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const perPosition =
    loss === 'bpr'
      ? tf.sub(1, tf.sigmoid(tf.sub(pos, neg)))
      : loss === 'pointwise'
        ? tf.add(tf.sub(1, tf.sigmoid(pos)), tf.sigmoid(neg))
        : tf.relu(tf.add(tf.sub(neg, pos), 1)); // hinge and adaptive hinge
  return tf.div(tf.sum(tf.mul(perPosition, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

/**
 * The adaptive hinge's negative score: the highest of each position's draws ([n] each), the first of equal ones,
 * with the gradient reaching that draw only (as torch.max's indices route it in Spotlight; tf.max would share it
 * among ties, which happen whenever a state is zero and the biases are).
 */
export function highestDraw(drawn: readonly tf.Tensor1D[]): tf.Tensor1D {
  const stacked = tf.stack([...drawn], 1) as tf.Tensor2D;
  const chosen = tf.oneHot(tf.argMax(stacked, 1), drawn.length);
  return tf.sum(tf.mul(stacked, chosen), 1) as tf.Tensor1D;
}

// A table lookup outside any training step (prediction): the combined rows of `ids`, as a tensor (from the
// device when the table lives there).
function lookup(e: SparseEmbedding<EmbeddingTable>, ids: Int32Array): tf.Tensor2D {
  return e.lookup(e.rowsFor(ids));
}
