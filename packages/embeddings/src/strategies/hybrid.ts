import {
  ConfigError,
  type EmbeddingStrategy,
  type EmbeddingStrategyDefinition,
  type EmbeddingStrategyOptions,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
} from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import { rowsOfRatio } from './ratio-rows.js';
import { copyRows, requireOut } from './row-table.js';
import { validateIds } from './validate-ids.js';

/** Registered name of the hybrid strategy. */
export const HYBRID = 'hybrid';

/** Options of the hybrid strategy. */
export interface HybridOptions extends EmbeddingStrategyOptions {
  /**
   * The row budget: the table has floor(ratio * N) rows in all (row 0 a zero row, the head's own rows, the shared
   * rows), so its parameters are at most ratio * N * d. Default 0.2.
   */
  readonly compressionRatio?: number;
  /**
   * The ids with rows of their own, most frequent first (see {@link fitHybridHead}): ids from training data, which
   * is why the strategy is fitted on it. Every other id shares Bloom rows. At most floor(ratio * N) - 2.
   */
  readonly head: readonly number[];
  /** k, hash functions of a shared (tail) id. Default 1 (benchmarks/results/compression-accuracy.md). */
  readonly numHashes?: number;
  /** A registered hasher for the tail. Default `murmur3`. */
  readonly hasher?: string;
  /** One seed per hash function. Default: Spotlight's primes. */
  readonly seeds?: readonly number[];
  /** The padding id, which maps to the zero row only; null for none. Default 0. */
  readonly paddingIdx?: number | null;
  /** Tail ids' raw keys (`keys[i - 1]` for id i), hashed instead of the ids, as bloom's `keys`. */
  readonly keys?: readonly string[];
}

const HYBRID_OPTIONS = [
  'numEmbeddings',
  'dim',
  'compressionRatio',
  'head',
  'numHashes',
  'hasher',
  'seeds',
  'paddingIdx',
  'keys',
] as const;

/**
 * Frequency-aware tables: the most frequent ids (the head) get rows of their own, the rest (the tail) share Bloom
 * rows, k hashed rows each, summed. Row 0 is a zero row that is never updated: a head id maps to its own row and
 * then to row 0 (k - 1 times), so every id has k rows and the sum is its own row. A tail id never maps to a head
 * row, so the ids that carry most of the interactions never collide. Ids unseen in training fall in the tail.
 */
export function createHybridStrategy(options: HybridOptions): EmbeddingStrategy {
  requireKnownOptions(HYBRID, options, HYBRID_OPTIONS);
  const numEmbeddings = requireInteger('numEmbeddings', options.numEmbeddings, 1, INT32_MAX);
  const dim = requireInteger('dim', options.dim, 1, 1 << 16);
  const budget = rowsOfRatio(
    options.compressionRatio ?? 0.2,
    numEmbeddings,
    3,
    'the zero row, one head row, one shared row at least',
  );
  const paddingIdx = options.paddingIdx === undefined ? 0 : options.paddingIdx;
  if (paddingIdx !== null) requireInteger('paddingIdx', paddingIdx, 0, numEmbeddings - 1);
  const head = checkHead(options.head, numEmbeddings, budget, paddingIdx);
  const firstShared = 1 + head.length;
  const family = createHashFamily({
    hasher: options.hasher ?? 'murmur3',
    numHashes: options.numHashes ?? 1,
    buckets: budget - firstShared,
    seeds: options.seeds,
  });
  const k = family.numHashes;
  const keys = options.keys;
  if (keys !== undefined && (!Array.isArray(keys) || keys.length !== numEmbeddings - 1 || paddingIdx !== 0)) {
    throw new ConfigError('keys', `${numEmbeddings - 1} strings (ids from 1), with paddingIdx 0`, keys);
  }
  const tail = (rows: Int32Array) => {
    for (let r = 0; r < rows.length; r++) rows[r]! += firstShared;
    return rows;
  };
  // Every id's k rows, computed once: the id-to-row map is the head list plus the hash rule.
  const table = tail(
    keys === undefined
      ? family.indices(Int32Array.from({ length: numEmbeddings }, (_, id) => id))
      : family.indicesForStrings(['', ...keys]),
  );
  head.forEach((id, h) => {
    table.fill(0, id * k, id * k + k);
    table[id * k] = 1 + h;
  });
  if (paddingIdx !== null) table.fill(0, paddingIdx * k, paddingIdx * k + k);
  // The head's keys, so that a key of the head keeps its own row when asked by key.
  const headKeys = keys === undefined ? undefined : new Map(head.map((id) => [keys[id - 1]!, id]));
  return {
    name: HYBRID,
    numEmbeddings,
    dim,
    tableRows: budget,
    rowsPerId: k,
    combine: 'sum',
    paddingRow: 0,
    formulation: 'gather',
    ...(keys === undefined
      ? {}
      : {
          rowsForKeys: (asked: readonly string[], out?: Int32Array) => {
            // A key of the head keeps its own row; any other key hashes into the shared rows.
            const rows = tail(family.indicesForStrings(asked, out));
            asked.forEach((key, i) => {
              const id = headKeys!.get(key);
              if (id !== undefined) rows.set(table.subarray(id * k, id * k + k), i * k);
            });
            return rows;
          },
        }),
    rowsFor(ids, out = new Int32Array(ids.length * k)) {
      validateIds(ids, numEmbeddings);
      requireOut(out, ids.length * k, 'ids x k');
      return copyRows(table, ids, k, out);
    },
  };
}

function checkHead(
  head: unknown,
  numEmbeddings: number,
  budget: number,
  paddingIdx: number | null,
): number[] {
  const most = budget - 2;
  if (!Array.isArray(head) || head.length > most) {
    throw new ConfigError(
      'head',
      `an array of at most ${most} ids (floor(ratio * N) rows, less the zero row and one shared row)`,
      Array.isArray(head) ? `${head.length} ids` : head,
    );
  }
  const seen = new Set<number>();
  head.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= numEmbeddings || id === paddingIdx || seen.has(id)) {
      throw new ConfigError(
        `head[${i}]`,
        `a distinct id in [0, ${numEmbeddings - 1}], not the padding id`,
        id,
      );
    }
    seen.add(id);
  });
  return head as number[];
}

/**
 * The head of a hybrid table fitted on training ids: how many ids get rows of their own, and which (the most
 * frequent, ties to the lower id), for a budget of floor(ratio * N) rows. By default the head takes `headShare` =
 * a quarter of the budget (fewer when fewer ids occur) and the tail shares the rest: on ML-100K and ml-latest-small
 * at ratio 0.2, a quarter kept more of the dense MRR than a half or three quarters (benchmarks/results).
 * @param ids - The training interactions' ids (one per interaction).
 */
export function fitHybridHead(
  ids: Int32Array,
  numEmbeddings: number,
  options: { compressionRatio?: number; headShare?: number; paddingIdx?: number | null } = {},
): number[] {
  const budget = Math.floor((options.compressionRatio ?? 0.2) * numEmbeddings);
  const share = options.headShare ?? 0.25;
  if (typeof share !== 'number' || !(share >= 0) || !(share <= 1)) {
    throw new ConfigError('headShare', 'a number in [0, 1]', share);
  }
  const padding = options.paddingIdx === undefined ? 0 : options.paddingIdx;
  const counts = new Int32Array(numEmbeddings);
  validateIds(ids, numEmbeddings);
  for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
  const occurring: number[] = [];
  for (let id = 0; id < numEmbeddings; id++) if (counts[id]! > 0 && id !== padding) occurring.push(id);
  occurring.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const size = Math.max(0, Math.min(occurring.length, Math.floor(share * budget), budget - 2));
  return occurring.slice(0, size);
}

/** Registry entry of the hybrid strategy. */
export const hybrid: EmbeddingStrategyDefinition<HybridOptions> = {
  name: HYBRID,
  description:
    'frequency-aware: the most frequent ids get rows of their own, the rest share k hashed rows (fitted on training data)',
  create: (options) => createHybridStrategy(options),
};
