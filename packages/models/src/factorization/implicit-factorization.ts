import { type Model, negativesPerPositive, Rng, requireInteger, requireOneOf } from '@bloom/core';
import type { Interactions } from '@bloom/data';
import type { SparseEmbedding } from '@bloom/embeddings';
import { mrrScore } from '../evaluation/mrr.js';
import { precisionRecallAtK } from '../evaluation/precision-recall.js';
import { type ImplicitLossName, implicitLosses } from '../losses/implicit-losses.js';
import {
  columnsOf,
  type EpochReport,
  type ExampleColumns,
  type FitOptions,
  runColumnEpochs,
  runFusedEpochs,
} from '../training-loop.js';
import { BilinearNet } from './bilinear-net.js';
import { BilinearStep } from './bilinear-step.js';
import { catalogVectors, createCatalogScorer, type ServedUser, userVector } from './catalog-scorer.js';
import {
  type AdapterLike,
  checkFits,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
} from './factorization-config.js';
import { fusedPath, fusedTrainerFor, hostPath, type TrainingPath } from './fused-training.js';

// Items scored per chunk when predicting every item (bounds the ids and rows held at once).
const PREDICT_CHUNK = 65536;
/** The resolved config of {@link ImplicitFactorizationModel}, as its `config` holds it. */
export type ResolvedImplicitConfig = ResolvedFactorizationConfig & {
  loss: ImplicitLossName;
  numNegativeSamples: number;
};

/** Config of {@link ImplicitFactorizationModel}. */
export interface ImplicitFactorizationConfig extends FactorizationConfig {
  /** Default `pointwise` (Spotlight's). */
  readonly loss?: ImplicitLossName;
  /** Negatives sampled per positive for `adaptive-hinge` (others use one). Default 5. */
  readonly numNegativeSamples?: number;
}

const IMPLICIT_LOSSES = Object.keys(implicitLosses) as ImplicitLossName[];

/**
 * Spotlight's ImplicitFactorizationModel: positives are observed (user, item) pairs, negatives are items drawn
 * uniformly from [0, numItems) with a seed, and the loss is pointwise, BPR, hinge or adaptive hinge. Each minibatch
 * is one fused step: lookups, scores, loss gradients and sparse updates over typed arrays, no tensors.
 *
 * @example
 * const model = ImplicitFactorizationModel.create({ numUsers, numItems, loss: 'bpr',
 *   items: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } } }, adapter);
 * await model.fit(train, { epochs: 10, batchSize: 1024 });
 */
export class ImplicitFactorizationModel implements Model<ResolvedImplicitConfig, Interactions> {
  readonly kind = 'implicit-factorization';
  readonly net: BilinearNet;
  /** How the last `fit` trained (undefined before the first). */
  trainingPath: TrainingPath | undefined;
  /** The shuffle of each epoch. */
  readonly #rng: Rng;
  readonly #adapter: AdapterLike;

  private constructor(
    readonly config: ResolvedImplicitConfig,
    adapter: AdapterLike,
  ) {
    this.net = new BilinearNet(config, adapter);
    this.#rng = Rng.stream(config.seed, 'shuffle');
    this.#adapter = adapter;
  }

  /** Validates the config (naming the bad option) and creates the tables on `adapter`. */
  static create(config: ImplicitFactorizationConfig, adapter: AdapterLike): ImplicitFactorizationModel {
    const loss = requireOneOf('loss', config.loss ?? 'pointwise', IMPLICIT_LOSSES);
    const numNegativeSamples = requireInteger('numNegativeSamples', config.numNegativeSamples ?? 5, 1, 1000);
    return new ImplicitFactorizationModel(
      { ...resolveFactorizationConfig(config, ['loss', 'numNegativeSamples']), loss, numNegativeSamples },
      adapter,
    );
  }

  /**
   * Trains on every interaction as a positive: with the backend's fused trainer where it has one (then negatives
   * come from the device's own seeded generator), else with the host loop. `trainingPath` says which, and why.
   */
  async fit(interactions: Interactions, options: FitOptions = {}): Promise<EpochReport[]> {
    checkFits(this.config, interactions);
    const { loss, numNegativeSamples, seed } = this.config;
    const negativesSeed = Rng.streamSeed(seed, 'negatives');
    const trainer = fusedTrainerFor(this.net, this.#adapter, options, {
      loss,
      negatives: numNegativeSamples,
      seed: negativesSeed,
      scoreLoss: implicitLosses[loss],
    });
    if (typeof trainer === 'string') {
      this.trainingPath = hostPath(trainer);
      const step = this.#stepper(new Rng(negativesSeed));
      return runColumnEpochs(columnsOf(interactions), options, this.#rng, step);
    }
    this.trainingPath = fusedPath(trainer);
    return runFusedEpochs(columnsOf(interactions), options, this.#rng, trainer);
  }

  /** No weights outside the four tables. */
  readonly denseParameters = 0;

  /** The four tables by name: users, items, userBias, itemBias. */
  embeddings(): Record<string, SparseEmbedding> {
    return this.net.embeddings();
  }

  /** MRR and precision and recall at 10 on `test`, items of `train` excluded from each user's ranking. */
  async evaluate(test: Interactions, train: Interactions): Promise<Record<string, number>> {
    const { precision, recall } = precisionRecallAtK(this.net, test, train, 10);
    return { mrr: mrrScore(this.net, test, train).mrr, precision_at_10: precision, recall_at_10: recall };
  }

  /** Raw scores of `itemIds` (default: every item) for one user. */
  predict(userId: number, itemIds?: Int32Array): Float32Array {
    if (itemIds !== undefined) {
      const out = new Float32Array(itemIds.length);
      this.net.scoreForUser(userId, itemIds, out);
      return out;
    }
    // Every item, in chunks: the ids and looked-up rows of one chunk at a time.
    const { numItems } = this.config;
    const out = new Float32Array(numItems);
    const ids = new Int32Array(Math.min(numItems, PREDICT_CHUNK));
    for (let from = 0; from < numItems; from += PREDICT_CHUNK) {
      const to = Math.min(numItems, from + PREDICT_CHUNK);
      const chunk = ids.subarray(0, to - from);
      for (let i = 0; i < chunk.length; i++) chunk[i] = from + i;
      this.net.scoreForUser(userId, chunk, out.subarray(from, to));
    }
    return out;
  }

  /**
   * A scorer of a fixed catalogue for any user, for serving (see {@link createCatalogScorer}): scores aligned with
   * `itemIds`, as {@link predict}(user, itemIds) gives them up to float rounding. With `itemRows`, a
   * vocabulary-free table's rows of the items' raw keys, ids from numItems up are items never trained.
   */
  catalogScorer(itemIds: Int32Array, itemRows?: Int32Array): (user: ServedUser) => Float32Array {
    return createCatalogScorer(this.net, itemIds, itemRows);
  }

  /** The catalogue's item vectors and biases as {@link catalogScorer} scores them (for a serving copy). */
  catalogVectors(
    itemIds: Int32Array,
    itemRows?: Int32Array,
  ): { vectors: Float32Array; biases: Float32Array } {
    return catalogVectors(this.net, itemIds, itemRows);
  }

  /** A served user's vector (d floats), as {@link catalogScorer} scores with it. */
  userVector(user: ServedUser): Float32Array {
    return userVector(this.net, user).u;
  }

  /** The host loop's minibatch: negatives drawn from `rng` after the positives, then the reference step. */
  #stepper(rng: Rng): (batch: ExampleColumns) => number {
    const { loss: lossName, numItems } = this.config;
    const n = negativesPerPositive({ loss: lossName, negatives: this.config.numNegativeSamples });
    const loss = implicitLosses[lossName];
    const step = new BilinearStep(this.net, n);
    return (batch) => {
      const b = batch.users.length;
      step.resize(b);
      const { users, items } = step;
      users.set(batch.users);
      items.set(batch.items);
      rng.fillInt(items, numItems, b);
      step.forward();
      const value = loss(step.pos, step.neg, n, step.dPos, step.dNeg);
      step.backward();
      return value;
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}
