import { Rng, requireInteger, requireOneOf } from '@bloom/core';
import type { Interactions } from '@bloom/data';
import { type ImplicitLossName, implicitLosses } from '../losses/implicit-losses.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';
import { BilinearNet } from './bilinear-net.js';
import {
  type AdapterLike,
  checkFits,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
} from './factorization-config.js';

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
export class ImplicitFactorizationModel {
  readonly kind = 'implicit-factorization';
  readonly net: BilinearNet;
  readonly #rng: Rng;

  private constructor(
    readonly config: ResolvedFactorizationConfig & { loss: ImplicitLossName; numNegativeSamples: number },
    adapter: AdapterLike,
  ) {
    this.net = new BilinearNet(config, adapter);
    this.#rng = new Rng(config.seed * 4 + 3);
  }

  /** Validates the config (naming the bad option) and creates the tables on `adapter`. */
  static create(config: ImplicitFactorizationConfig, adapter: AdapterLike): ImplicitFactorizationModel {
    const loss = requireOneOf('loss', config.loss ?? 'pointwise', IMPLICIT_LOSSES);
    const numNegativeSamples = requireInteger('numNegativeSamples', config.numNegativeSamples ?? 5, 1, 1000);
    return new ImplicitFactorizationModel(
      { ...resolveFactorizationConfig(config), loss, numNegativeSamples },
      adapter,
    );
  }

  /** Trains on every interaction as a positive. */
  async fit(interactions: Interactions, options: FitOptions = {}): Promise<EpochReport[]> {
    checkFits(this.config, interactions);
    const step = this.#stepper(interactions);
    return runEpochs(interactions.length, options, this.#rng, step);
  }

  /** Raw scores of `itemIds` (default: every item) for one user. */
  predict(userId: number, itemIds?: Int32Array): Float32Array {
    const items = itemIds ?? Int32Array.from({ length: this.config.numItems }, (_, i) => i);
    return this.net.score(new Int32Array(items.length).fill(userId), items);
  }

  #stepper(data: Interactions): (batch: Int32Array) => number {
    const { loss: lossName, numItems } = this.config;
    const n = lossName === 'adaptive-hinge' ? this.config.numNegativeSamples : 1;
    const loss = implicitLosses[lossName];
    const net = this.net;
    const d = net.dim;
    // Scratch reused from step to step (resized when a batch is larger), so steps allocate little.
    let size = -1;
    let users = new Int32Array(0);
    let items = new Int32Array(0);
    let pos = new Float32Array(0);
    let neg = new Float32Array(0);
    let dPos = new Float32Array(0);
    let dNeg = new Float32Array(0);
    let dU = new Float32Array(0);
    let dI = new Float32Array(0);
    let dBu = new Float32Array(0);
    let dBi = new Float32Array(0);
    return (batch) => {
      const b = batch.length;
      if (b !== size) {
        size = b;
        users = new Int32Array(b);
        items = new Int32Array(b * (1 + n)); // positives, then n negatives per positive
        pos = new Float32Array(b);
        neg = new Float32Array(b * n);
        dPos = new Float32Array(b);
        dNeg = new Float32Array(b * n);
        dU = new Float32Array(b * d);
        dI = new Float32Array(items.length * d);
        dBu = new Float32Array(b);
        dBi = new Float32Array(items.length);
      } else {
        dU.fill(0);
        dI.fill(0);
      }
      for (let i = 0; i < b; i++) {
        users[i] = data.userIds[batch[i]!]!;
        items[i] = data.itemIds[batch[i]!]!;
      }
      for (let i = b; i < items.length; i++) items[i] = this.#rng.nextInt(numItems);
      const u = BilinearNet.vectors(net.users, users);
      const it = BilinearNet.vectors(net.items, items);
      const bu = BilinearNet.vectors(net.userBias, users);
      const bi = BilinearNet.vectors(net.itemBias, items);
      for (let i = 0; i < b; i++) {
        pos[i] = dot(u.values, i, it.values, i, d) + bu.values[i]! + bi.values[i]!;
        for (let j = 0; j < n; j++) {
          const k = b + i * n + j;
          neg[i * n + j] = dot(u.values, i, it.values, k, d) + bu.values[i]! + bi.values[k]!;
        }
      }
      const value = loss(pos, neg, n, dPos, dNeg);
      // Backward: dU = dpos P + sum_j dneg_j N_j; dP = dpos U; dN_j = dneg_j U; biases get the score gradients.
      for (let i = 0; i < b; i++) {
        axpy(dPos[i]!, it.values, i, dU, i, d);
        axpy(dPos[i]!, u.values, i, dI, i, d);
        dBu[i] = dPos[i]!;
        dBi[i] = dPos[i]!;
        for (let j = 0; j < n; j++) {
          const g = dNeg[i * n + j]!;
          const k = b + i * n + j;
          axpy(g, it.values, k, dU, i, d);
          axpy(g, u.values, i, dI, k, d);
          dBu[i]! += g;
          dBi[k] = g;
        }
      }
      BilinearNet.applyGradients(net.users, u.rows, dU);
      BilinearNet.applyGradients(net.items, it.rows, dI);
      BilinearNet.applyGradients(net.userBias, bu.rows, dBu);
      BilinearNet.applyGradients(net.itemBias, bi.rows, dBi);
      return value;
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[i * d + c]! * b[j * d + c]!;
  return s;
}

/** y[j] += alpha * x[i], rows of width d. */
function axpy(alpha: number, x: Float32Array, i: number, y: Float32Array, j: number, d: number): void {
  if (alpha === 0) return;
  for (let c = 0; c < d; c++) y[j * d + c]! += alpha * x[i * d + c]!;
}
