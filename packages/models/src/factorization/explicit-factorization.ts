import { DataError, Rng, requireOneOf } from '@bloom/core';
import type { Interactions } from '@bloom/data';
import { type ExplicitLossName, explicitLosses } from '../losses/explicit-losses.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';
import { BilinearNet } from './bilinear-net.js';
import {
  type AdapterLike,
  checkFits,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
} from './factorization-config.js';

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
export class ExplicitFactorizationModel {
  readonly kind = 'explicit-factorization';
  readonly net: BilinearNet;
  readonly #rng: Rng;

  private constructor(
    readonly config: ResolvedFactorizationConfig & { loss: ExplicitLossName },
    adapter: AdapterLike,
  ) {
    this.net = new BilinearNet(config, adapter);
    this.#rng = new Rng(config.seed * 4 + 3);
  }

  /** Validates the config (naming the bad option) and creates the tables on `adapter`. */
  static create(config: ExplicitFactorizationConfig, adapter: AdapterLike): ExplicitFactorizationModel {
    const loss = requireOneOf('loss', config.loss ?? 'regression', EXPLICIT_LOSSES);
    return new ExplicitFactorizationModel({ ...resolveFactorizationConfig(config), loss }, adapter);
  }

  /** Trains on the ratings of `interactions`. */
  async fit(interactions: Interactions, options: FitOptions = {}): Promise<EpochReport[]> {
    const ratings = interactions.ratings;
    if (ratings === undefined)
      throw new DataError('explicit factorization needs ratings, and these interactions have none');
    checkFits(this.config, interactions);
    const loss = explicitLosses[this.config.loss];
    const net = this.net;
    const d = net.dim;
    return runEpochs(interactions.length, options, this.#rng, (batch) => {
      const b = batch.length;
      const users = Int32Array.from(batch, (r) => interactions.userIds[r]!);
      const items = Int32Array.from(batch, (r) => interactions.itemIds[r]!);
      const observed = Float32Array.from(batch, (r) => ratings[r]!);
      const u = BilinearNet.vectors(net.users, users);
      const it = BilinearNet.vectors(net.items, items);
      const bu = BilinearNet.vectors(net.userBias, users);
      const bi = BilinearNet.vectors(net.itemBias, items);
      const raw = new Float32Array(b);
      for (let i = 0; i < b; i++) {
        let s = bu.values[i]! + bi.values[i]!;
        for (let c = 0; c < d; c++) s += u.values[i * d + c]! * it.values[i * d + c]!;
        raw[i] = s;
      }
      const dRaw = new Float32Array(b);
      const value = loss(raw, observed, dRaw);
      const dU = new Float32Array(b * d);
      const dI = new Float32Array(b * d);
      for (let i = 0; i < b; i++) {
        const g = dRaw[i]!;
        for (let c = 0; c < d; c++) {
          dU[i * d + c] = g * it.values[i * d + c]!;
          dI[i * d + c] = g * u.values[i * d + c]!;
        }
      }
      BilinearNet.applyGradients(net.users, u.rows, dU);
      BilinearNet.applyGradients(net.items, it.rows, dI);
      BilinearNet.applyGradients(net.userBias, bu.rows, dRaw);
      BilinearNet.applyGradients(net.itemBias, bi.rows, dRaw);
      return value;
    });
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
