import { DataError, type Model, Rng, requireOneOf } from '@bloom/core';
import type { Interactions } from '@bloom/data';
import type { SparseEmbedding } from '@bloom/embeddings';
import { rmseScore } from '../evaluation/rmse.js';
import { type ExplicitLossName, explicitLosses } from '../losses/explicit-losses.js';
import {
  columnsOf,
  type EpochReport,
  type FitOptions,
  runColumnEpochs,
  runFusedEpochs,
} from '../training-loop.js';
import { BilinearNet } from './bilinear-net.js';
import { BilinearStep } from './bilinear-step.js';
import {
  type AdapterLike,
  checkFits,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
} from './factorization-config.js';
import { fusedPath, fusedTrainerFor, hostPath, type TrainingPath } from './fused-training.js';

/** Config of {@link ExplicitFactorizationModel}. */
export interface ExplicitFactorizationConfig extends FactorizationConfig {
  /** Default `regression` (Spotlight's). */
  readonly loss?: ExplicitLossName;
}

const EXPLICIT_LOSSES = Object.keys(explicitLosses) as ExplicitLossName[];

/**
 * Spotlight's ExplicitFactorizationModel: predicts ratings with dot(u, i) + b_u + b_i through the loss's link
 * (identity for regression, exp for poisson, sigmoid for logistic). Fused typed-array steps, like the implicit model.
 */
export class ExplicitFactorizationModel
  implements Model<ResolvedFactorizationConfig & { loss: ExplicitLossName }, Interactions>
{
  readonly kind = 'explicit-factorization';
  readonly net: BilinearNet;
  /** How the last `fit` trained (undefined before the first). */
  trainingPath: TrainingPath | undefined;
  /** The shuffle of each epoch. */
  readonly #rng: Rng;
  readonly #adapter: AdapterLike;

  private constructor(
    readonly config: ResolvedFactorizationConfig & { loss: ExplicitLossName },
    adapter: AdapterLike,
  ) {
    this.net = new BilinearNet(config, adapter);
    this.#rng = Rng.stream(config.seed, 'shuffle');
    this.#adapter = adapter;
  }

  /** Validates the config (naming the bad option) and creates the tables on `adapter`. */
  static create(config: ExplicitFactorizationConfig, adapter: AdapterLike): ExplicitFactorizationModel {
    const loss = requireOneOf('loss', config.loss ?? 'regression', EXPLICIT_LOSSES);
    return new ExplicitFactorizationModel({ ...resolveFactorizationConfig(config, ['loss']), loss }, adapter);
  }

  /** Trains on the ratings of `interactions`. */
  async fit(interactions: Interactions, options: FitOptions = {}): Promise<EpochReport[]> {
    const ratings = interactions.ratings;
    if (ratings === undefined)
      throw new DataError('explicit factorization needs ratings, and these interactions have none');
    checkFits(this.config, interactions);
    const loss = explicitLosses[this.config.loss];
    const trainer = fusedTrainerFor(this.net, this.#adapter, options, {
      loss: this.config.loss,
      negatives: 0,
      seed: Rng.streamSeed(this.config.seed, 'negatives'),
      scoreLoss: (pos, _neg, _n, dPos, _dNeg, batchRatings) => loss(pos, batchRatings!, dPos),
    });
    if (typeof trainer !== 'string') {
      this.trainingPath = fusedPath(trainer);
      return runFusedEpochs(columnsOf(interactions, ratings), options, this.#rng, trainer);
    }
    this.trainingPath = hostPath(trainer);
    const step = new BilinearStep(this.net, 0);
    return runColumnEpochs(columnsOf(interactions, ratings), options, this.#rng, (batch) => {
      step.resize(batch.users.length);
      step.users.set(batch.users);
      step.items.set(batch.items);
      step.forward();
      const value = loss(step.pos, batch.ratings!, step.dPos);
      step.backward();
      return value;
    });
  }

  /** No weights outside the four tables. */
  readonly denseParameters = 0;

  /** The four tables by name: users, items, userBias, itemBias. */
  embeddings(): Record<string, SparseEmbedding> {
    return this.net.embeddings();
  }

  /** RMSE of the predicted ratings of `test`. */
  async evaluate(test: Interactions): Promise<Record<string, number>> {
    return { rmse: rmseScore((u, i) => this.predict(u, i), test) };
  }

  /** Predicted ratings of aligned (user, item) pairs. */
  predict(userIds: Int32Array, itemIds: Int32Array): Float32Array {
    const raw = this.net.score(userIds, itemIds);
    const link = explicitLosses[this.config.loss].predict;
    return raw.map(link);
  }

  dispose(): void {
    this.net.dispose();
  }
}
