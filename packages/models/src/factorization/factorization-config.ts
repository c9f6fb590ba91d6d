import {
  type BackendAdapter,
  ConfigError,
  type EmbeddingStrategy,
  embeddingStrategies,
  type OptimizerConfig,
  requireInteger,
  requireKnownOptions,
  type UpdateMode,
} from '@bloom/core';
import type { Interactions } from '@bloom/data';
import '@bloom/embeddings';

/** Which strategy embeds a side (users or items), by registered name, with its own options. */
export interface EmbeddingSpec {
  /** A registered strategy: `dense`, `bloom`, `binary`, `quotient-remainder`, or a plugin's. Default `dense`. */
  readonly strategy?: string;
  /** Strategy options besides numEmbeddings and dim (e.g. `{ compressionRatio: 0.2, numHashes: 4 }`). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Everything that defines a factorization model: serializable, stored in checkpoints. */
export interface FactorizationConfig {
  readonly numUsers: number;
  readonly numItems: number;
  /** Embedding width. Default 32 (Spotlight's). */
  readonly dim?: number;
  readonly users?: EmbeddingSpec;
  readonly items?: EmbeddingSpec;
  /** Default Adam, lr 1e-2 (Spotlight's). Its weightDecay is Spotlight's l2. */
  readonly optimizer?: OptimizerConfig;
  /** `sparse` (lazy, the fast path; default) or `dense` (every row each step, as Spotlight's torch Adam does). */
  readonly updateMode?: UpdateMode;
  /** Seed of initial weights, shuffling and negative sampling. Default 0. */
  readonly seed?: number;
}

/** The config with its defaults filled in. */
export type ResolvedFactorizationConfig = Required<FactorizationConfig> & {
  readonly users: Required<EmbeddingSpec>;
  readonly items: Required<EmbeddingSpec>;
};

/** The options every factorization config takes; models add their own (loss, negatives). */
export const FACTORIZATION_OPTIONS = [
  'numUsers',
  'numItems',
  'dim',
  'users',
  'items',
  'optimizer',
  'updateMode',
  'seed',
] as const;

/**
 * Fills defaults and validates, naming the bad option; an option not in {@link FACTORIZATION_OPTIONS} or `extra`
 * (a misspelling) is refused, as is one an embedding spec does not take.
 */
export function resolveFactorizationConfig(
  config: FactorizationConfig,
  extra: readonly string[] = [],
): ResolvedFactorizationConfig {
  requireKnownOptions('config', config, [...FACTORIZATION_OPTIONS, ...extra]);
  const spec = (side: 'users' | 'items') => {
    const s: EmbeddingSpec | undefined = config[side];
    requireKnownOptions(side, s, ['strategy', 'options']);
    return { strategy: s?.strategy ?? 'dense', options: s?.options ?? {} };
  };
  const resolved = {
    numUsers: requireInteger('numUsers', config.numUsers, 1, 2 ** 31 - 1),
    numItems: requireInteger('numItems', config.numItems, 1, 2 ** 31 - 1),
    dim: requireInteger('dim', config.dim ?? 32, 1, 1 << 16),
    users: spec('users'),
    items: spec('items'),
    optimizer: config.optimizer ?? { kind: 'adam', lr: 1e-2 },
    updateMode: config.updateMode ?? 'sparse',
    seed: requireInteger('seed', config.seed ?? 0, 0, 2 ** 53),
  } satisfies ResolvedFactorizationConfig;
  if (resolved.updateMode !== 'sparse' && resolved.updateMode !== 'dense') {
    throw new ConfigError('updateMode', "'sparse' or 'dense'", resolved.updateMode);
  }
  return resolved;
}

/** Creates a side's strategy from its spec. */
export function strategyFor(
  spec: Required<EmbeddingSpec>,
  numEmbeddings: number,
  dim: number,
): EmbeddingStrategy {
  return embeddingStrategies.get(spec.strategy).create({ ...spec.options, numEmbeddings, dim });
}

/** The adapter is only needed to create tables; kept apart so configs stay plain data. */
export type AdapterLike = Pick<BackendAdapter, 'createTable' | 'name' | 'createTrainer'>;

/** Refuses interactions whose ids exceed the model's tables. */
export function checkFits(config: ResolvedFactorizationConfig, interactions: Interactions): void {
  if (interactions.numUsers > config.numUsers || interactions.numItems > config.numItems) {
    throw new ConfigError(
      'interactions',
      `at most ${config.numUsers} users and ${config.numItems} items (the model's tables)`,
      `${interactions.numUsers} users and ${interactions.numItems} items`,
    );
  }
}
