import {
  ConfigError,
  type EmbeddingTable,
  negativesPerPositive,
  Rng,
  requireInteger,
  requireKnownOptions,
  requireOneOf,
  type SequenceLoss,
  type TableAccess,
} from '@bloom/core';
import { SparseEmbedding } from '@bloom/embeddings';
import {
  type AdapterLike,
  type FactorizationConfig,
  type ResolvedFactorizationConfig,
  resolveFactorizationConfig,
  strategyFor,
} from '../factorization/factorization-config.js';

/**
 * A sequence model's config resolved with users left out, and dense items given padding id 0 (Spotlight's
 * padding_idx), so the padding that left-fills sequences always embeds to zeros.
 */
export function resolveSequenceConfig(
  config: Omit<FactorizationConfig, 'numUsers' | 'users'>,
  extra: readonly string[] = [],
): ResolvedFactorizationConfig {
  // A sequence model has no user table; its own resolved config (as a checkpoint stores it) says numUsers 1.
  const { numUsers, users, ...rest } = config as FactorizationConfig;
  if (numUsers !== undefined && numUsers !== 1) {
    throw new ConfigError('numUsers', 'nothing (sequence models have no user table)', numUsers);
  }
  if (users !== undefined && (users.strategy !== 'dense' || Object.keys(users.options ?? {}).length > 0)) {
    throw new ConfigError('users', 'nothing (sequence models have no user table)', users);
  }
  requireKnownOptions('config', rest, [
    'numItems',
    'dim',
    'items',
    'optimizer',
    'updateMode',
    'seed',
    ...extra,
  ]);
  const items =
    config.items?.strategy === undefined || config.items.strategy === 'dense'
      ? { strategy: 'dense', options: { paddingIdx: 0, ...config.items?.options } }
      : config.items;
  return resolveFactorizationConfig({ ...rest, numUsers: 1, users, items }, extra);
}

/** The implicit losses sequence models take. */
export const SEQUENCE_LOSSES: readonly SequenceLoss[] = ['pointwise', 'bpr', 'hinge', 'adaptive-hinge'];

/** A sequence model's loss and its negatives per position, checked. */
export interface SequenceLossConfig {
  /** Default `bpr`. */
  readonly loss?: SequenceLoss;
  /** Negatives sampled per position for `adaptive-hinge` (the others take one). Default 5, Spotlight's. */
  readonly numNegativeSamples?: number;
}

/** Checks a sequence model's loss and negatives, with their defaults. */
export function resolveSequenceLoss(config: SequenceLossConfig): Required<SequenceLossConfig> {
  return {
    loss: requireOneOf('loss', config.loss ?? 'bpr', SEQUENCE_LOSSES),
    numNegativeSamples: requireInteger('numNegativeSamples', config.numNegativeSamples ?? 5, 1, 1024),
  };
}

/** Negatives drawn per position: the config's for the adaptive hinge, else one (core's rule for factorization). */
export function negativesPerPosition(config: Required<SequenceLossConfig>): number {
  return negativesPerPositive({ loss: config.loss, negatives: config.numNegativeSamples });
}

/**
 * The item table (input and output embeddings, tied) and the item bias table every sequence model has.
 * @param access - `tensor` when the model reads them only through tensors (see TableOptions.access).
 */
export function createSequenceTables(
  config: ResolvedFactorizationConfig,
  adapter: AdapterLike,
): { items: SparseEmbedding; itemBias: SparseEmbedding };
export function createSequenceTables(
  config: ResolvedFactorizationConfig,
  adapter: AdapterLike,
  access: TableAccess,
): { items: SparseEmbedding<EmbeddingTable>; itemBias: SparseEmbedding<EmbeddingTable> };
export function createSequenceTables(
  config: ResolvedFactorizationConfig,
  adapter: AdapterLike,
  access: TableAccess = 'host',
): { items: SparseEmbedding<EmbeddingTable>; itemBias: SparseEmbedding<EmbeddingTable> } {
  const { dim, optimizer, updateMode, seed, numItems } = config;
  // One group, so that an adapter may keep both tables in one memory for a fused sequence trainer.
  const group = { name: 'sequence-tables' };
  const items = SparseEmbedding.create({
    strategy: strategyFor(config.items, numItems, dim),
    adapter: adapter as never,
    optimizer,
    updateMode,
    seed: Rng.streamSeed(seed, 'items'),
    access,
    group,
  });
  const itemBias = SparseEmbedding.create({
    strategy: strategyFor({ strategy: 'dense', options: { paddingIdx: 0 } }, numItems, 1),
    adapter: adapter as never,
    optimizer,
    updateMode,
    init: new Float32Array(numItems),
    access,
    group,
  });
  return { items, itemBias };
}
