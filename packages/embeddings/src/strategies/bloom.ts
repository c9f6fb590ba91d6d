import {
  type CombineMode,
  ConfigError,
  type EmbeddingStrategy,
  type EmbeddingStrategyDefinition,
  type EmbeddingStrategyOptions,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
  requireOneOf,
  type TableFormulation,
} from '@bloom/core';
import { createHashFamily } from '@bloom/hashers';
import { rowsOfRatio } from './ratio-rows.js';
import { copyRows, requireOut } from './row-table.js';
import { validateIds } from './validate-ids.js';

// Id spaces this small get every id's rows computed once, on first use, as Spotlight precomputes its hashes:
// looking up k rows then costs a quarter of hashing them again for every batch (1 MiB of table at most).
const ROW_TABLE_MAX_ENTRIES = 1 << 18;

/** Registered name of the bloom strategy. */
export const BLOOM = 'bloom';

/** Options of the bloom strategy, with Spotlight's `BloomEmbedding` defaults. */
export interface BloomOptions extends EmbeddingStrategyOptions {
  /** Table rows m = floor(compressionRatio * N); ratios above 1 are allowed. Default 0.2. */
  readonly compressionRatio?: number;
  /** k, hash functions per id. Default 4. */
  readonly numHashes?: number;
  /** A registered hasher. Default `murmur3` (Spotlight's). */
  readonly hasher?: string;
  /** One seed per hash function. Default: Spotlight's primes. */
  readonly seeds?: readonly number[];
  /** The padding id, which maps to row 0 for every hash and stays zero; null for none. Default 0 (Spotlight's). */
  readonly paddingIdx?: number | null;
  /** Hash real ids into rows 1..m-1 only, so none shares the dead padding row. Default false (Spotlight). */
  readonly reservePaddingRow?: boolean;
  /** How the k rows combine. Default `sum` (Spotlight's code; its README says averaged). */
  readonly combine?: CombineMode;
  /**
   * The raw key of every id from 1 (`keys[i - 1]` for id i; id 0 is the padding id): the table then hashes the
   * keys' UTF-8 bytes instead of the integer ids, so it needs no vocabulary to find a key's rows, and a key never
   * seen in training still maps to trained rows (`rowsForKeys`). Needs `paddingIdx` 0 and N - 1 distinct keys.
   */
  readonly keys?: readonly string[];
}

const BLOOM_OPTIONS = [
  'numEmbeddings',
  'dim',
  'compressionRatio',
  'numHashes',
  'hasher',
  'seeds',
  'paddingIdx',
  'reservePaddingRow',
  'combine',
  'keys',
] as const;

/**
 * Bloom embeddings (Serra & Karatzoglou 2017; Spotlight's BloomEmbedding): each id is hashed by k hash
 * functions into m = floor(ratio * N) rows, which are summed (or averaged).
 */
export function createBloomStrategy(
  options: BloomOptions,
  formulation: TableFormulation = 'gather',
): EmbeddingStrategy {
  requireKnownOptions(formulation === 'gather' ? BLOOM : 'binary', options, BLOOM_OPTIONS);
  const numEmbeddings = requireInteger('numEmbeddings', options.numEmbeddings, 1, INT32_MAX);
  const dim = requireInteger('dim', options.dim, 1, 1 << 16);
  const buckets = rowsOfRatio(options.compressionRatio ?? 0.2, numEmbeddings, 1, 'floor(ratio * N)');
  const paddingIdx = options.paddingIdx === undefined ? 0 : options.paddingIdx;
  if (paddingIdx !== null) requireInteger('paddingIdx', paddingIdx, 0, numEmbeddings - 1);
  const combine = requireOneOf('combine', options.combine ?? 'sum', ['sum', 'mean'] as const);
  const family = createHashFamily({
    hasher: options.hasher ?? 'murmur3',
    numHashes: options.numHashes ?? 4,
    buckets,
    seeds: options.seeds,
    paddingIdx,
    reservePaddingRow: options.reservePaddingRow ?? false,
  });
  const k = family.numHashes;
  const keys = options.keys;
  if (keys !== undefined) checkKeys(keys, numEmbeddings, paddingIdx);
  // Keyed tables know every id's rows from the start: the padding id's are row 0, the others their key's.
  let rowTable: Int32Array | undefined =
    keys === undefined ? undefined : family.indicesForStrings(['', ...keys]).fill(0, 0, k);
  return {
    name: formulation === 'gather' ? BLOOM : 'binary',
    numEmbeddings,
    dim,
    tableRows: buckets,
    rowsPerId: k,
    combine,
    paddingRow: paddingIdx === null ? null : 0,
    formulation,
    // A keyed table's rule needs the keys, which a device does not have: devices ask rowsFor.
    ...(keys === undefined
      ? {
          rowMap: {
            kind: 'hash' as const,
            hasher: family.hasher,
            seeds: family.seeds.map((seed) => seed >>> 0),
            buckets,
            firstRow: options.reservePaddingRow ? 1 : 0,
            paddingIdx,
          },
        }
      : {
          rowsForKeys: (asked: readonly string[], out?: Int32Array) => family.indicesForStrings(asked, out),
        }),
    rowsFor(ids, out = new Int32Array(ids.length * k)) {
      validateIds(ids, numEmbeddings);
      if (rowTable === undefined && numEmbeddings * k > ROW_TABLE_MAX_ENTRIES)
        return family.indices(ids, out);
      requireOut(out, ids.length * k, 'ids x k');
      rowTable ??= family.indices(Int32Array.from({ length: numEmbeddings }, (_, id) => id));
      return copyRows(rowTable, ids, k, out);
    },
  };
}

function checkKeys(keys: readonly string[], numEmbeddings: number, paddingIdx: number | null): void {
  if (!Array.isArray(keys) || keys.length !== numEmbeddings - 1) {
    throw new ConfigError(
      'keys',
      `an array of ${numEmbeddings - 1} strings, the key of every id from 1 (numEmbeddings - 1)`,
      Array.isArray(keys) ? `${keys.length} keys` : keys,
    );
  }
  if (paddingIdx !== 0) throw new ConfigError('paddingIdx', '0 with keys (id 0 has no key)', paddingIdx);
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'string' || seen.has(key)) {
      throw new ConfigError(`keys[${i}]`, 'a string that no other id has', key);
    }
    seen.add(key);
  }
}

/** Registry entry of the bloom strategy. */
export const bloom: EmbeddingStrategyDefinition<BloomOptions> = {
  name: BLOOM,
  description: 'k hashed rows per id in floor(ratio * N) rows, summed or averaged (Spotlight BloomEmbedding)',
  create: (options) => createBloomStrategy(options),
};
