import type { FactorizationLoss, FactorizationTrainer } from '@bloom/core';
import type { FitOptions } from '../training-loop.js';
import type { BilinearNet } from './bilinear-net.js';
import type { AdapterLike } from './factorization-config.js';

/** How a factorization model's last `fit` trained: the backend's fused trainer, or the host loop and why. */
export type TrainingPath = { readonly kind: 'fused' } | { readonly kind: 'host'; readonly reason: string };

/**
 * The adapter's fused trainer for `net` and `loss` (see BackendAdapter.createFactorizationTrainer), or the reason
 * the model trains with its host loop instead.
 */
export function fusedTrainerFor(
  net: BilinearNet,
  adapter: AdapterLike,
  options: FitOptions,
  spec: { loss: FactorizationLoss; negatives: number; seed: number },
): FactorizationTrainer | string {
  if (options.fused === false) return 'fit was asked not to use a fused trainer (fused: false)';
  if (adapter.createFactorizationTrainer === undefined)
    return `the ${adapter.name} backend has no fused trainer`;
  const embedding = (e: BilinearNet['users']) => ({ table: e.table, strategy: e.strategy });
  return adapter.createFactorizationTrainer({
    users: embedding(net.users),
    items: embedding(net.items),
    userBias: embedding(net.userBias),
    itemBias: embedding(net.itemBias),
    numItems: net.numItems,
    ...spec,
  });
}
