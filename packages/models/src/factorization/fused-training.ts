import type { FactorizationLoss, FactorizationTrainer, ScoreLoss } from '@bloom/core';
import type { FitOptions } from '../training-loop.js';
import type { BilinearNet } from './bilinear-net.js';
import type { AdapterLike } from './factorization-config.js';

/**
 * How a model's last `fit` trained: `trainer` names the backend's fused trainer that ran (e.g. `wasm-fused`,
 * `cuda-fused`), or is `host` for the model's own TypeScript loop, with the reason no fused trainer ran.
 */
export type TrainingPath = { readonly trainer: string; readonly reason?: string; readonly threads?: number };

/** The host loop's training path, and why it ran. */
export function hostPath(reason: string): TrainingPath {
  return { trainer: 'host', reason };
}

/** A fused trainer's training path: its name, and its threads where it splits minibatches. */
export function fusedPath(trainer: FactorizationTrainer): TrainingPath {
  return trainer.threads === undefined
    ? { trainer: trainer.name }
    : { trainer: trainer.name, threads: trainer.threads };
}

/**
 * The adapter's fused trainer for `net` and `loss` (see BackendAdapter.createTrainer), or the reason the model
 * trains with its host loop instead.
 */
export function fusedTrainerFor(
  net: BilinearNet,
  adapter: AdapterLike,
  options: FitOptions,
  spec: { loss: FactorizationLoss; negatives: number; seed: number; scoreLoss: ScoreLoss },
): FactorizationTrainer | string {
  if (options.fused === false) return 'fit was asked not to use a fused trainer (fused: false)';
  if (adapter.createTrainer === undefined) return `the ${adapter.name} backend has no fused trainer`;
  const embedding = (e: BilinearNet['users']) => ({ table: e.table, strategy: e.strategy });
  return adapter.createTrainer('factorization', {
    users: embedding(net.users),
    items: embedding(net.items),
    userBias: embedding(net.userBias),
    itemBias: embedding(net.itemBias),
    numItems: net.numItems,
    threads: options.threads ?? 1,
    ...spec,
  });
}
