import {
  ConfigError,
  hashers as defaultRegistry,
  type Hasher,
  type HasherDefinition,
  type HashFamily,
  INT32_MAX,
  INT32_MIN,
  type Registry,
  requireInteger,
} from '@bloom/core';
import { Murmur3Hasher } from './murmur3.js';
import { SPOTLIGHT_SEEDS } from './seeds.js';
import { runMurmur3FamilyKernel, runMurmur3StringsKernel } from './wasm/kernels.js';

/** Options of {@link createHashFamily}. */
export interface HashFamilyOptions {
  /** A registered hasher name, or a definition to use directly. */
  readonly hasher: string | HasherDefinition;
  /** k, the number of hash functions: an integer >= 1 (at most 24 with the default seeds). */
  readonly numHashes: number;
  /** m, the number of buckets: an integer in [1, 2^31 - 1]. */
  readonly buckets: number;
  /** Seeds, one per hash function (at least k); default Spotlight's list. */
  readonly seeds?: readonly number[];
  /** The id that maps to row 0 for every hash function (Spotlight uses 0); default none. */
  readonly paddingIdx?: number | null;
  /** Keep real ids off row 0 by hashing them into rows 1..m-1. Needs `paddingIdx`. Default false (Spotlight). */
  readonly reservePaddingRow?: boolean;
  /** Where to look `hasher` up; default the process-wide registry. */
  readonly registry?: Registry<HasherDefinition>;
}

/**
 * Creates k hash functions into m buckets.
 *
 * With the defaults and the `murmur3` hasher, indices equal Spotlight's `BloomEmbedding` bucket for bucket:
 * hash j of id i is floor-mod(murmur3(le-bytes(i), SEEDS[j]), m), and the padding id goes to row 0.
 *
 * @throws ConfigError naming the option when k, m, the seeds or the padding id are out of range.
 * @throws NotRegisteredError when the hasher name is unknown.
 *
 * @example
 * const family = createHashFamily({ hasher: 'murmur3', numHashes: 4, buckets: 200, paddingIdx: 0 });
 * family.indices(Int32Array.of(0, 1, 2)); // [3 x 4]: row 0 of it is [0, 0, 0, 0]
 */
export function createHashFamily(options: HashFamilyOptions): HashFamily {
  const definition =
    typeof options.hasher === 'string'
      ? (options.registry ?? defaultRegistry).get(options.hasher)
      : options.hasher;
  const seedList = options.seeds ?? SPOTLIGHT_SEEDS;
  const numHashes = options.numHashes;
  if (!Number.isInteger(numHashes) || numHashes < 1 || numHashes > seedList.length) {
    const source = options.seeds === undefined ? "Spotlight's default list" : 'the seeds given';
    throw new ConfigError(
      'numHashes',
      `an integer in [1, ${seedList.length}] (one seed per hash function, and ${source} has ${seedList.length})`,
      numHashes,
    );
  }
  const buckets = requireInteger('buckets', options.buckets, 1, INT32_MAX);
  const paddingIdx = options.paddingIdx ?? null;
  if (paddingIdx !== null) requireInteger('paddingIdx', paddingIdx, INT32_MIN, INT32_MAX);
  const reservePaddingRow = options.reservePaddingRow ?? false;
  if (reservePaddingRow && paddingIdx === null) {
    throw new ConfigError('reservePaddingRow', 'true only together with a paddingIdx', reservePaddingRow);
  }
  if (reservePaddingRow && buckets < 2) {
    throw new ConfigError('buckets', 'an integer >= 2 when the padding row is reserved', buckets);
  }
  const seeds = seedList
    .slice(0, numHashes)
    .map((seed, j) => requireInteger(`seeds[${j}]`, seed, INT32_MIN, 2 ** 32 - 1));
  const functions = seeds.map((seed) => definition.create(seed));
  return new BloomHashFamily(definition.name, functions, seeds, buckets, paddingIdx, reservePaddingRow);
}

class BloomHashFamily implements HashFamily {
  readonly numHashes: number;
  /** Lowest row a real id can get: 1 when row 0 is reserved for padding, else 0. */
  readonly #firstRow: number;
  /** Whether every function is MurmurHash3, which has a kernel for the whole family. */
  readonly #murmur3: boolean;

  constructor(
    readonly hasher: string,
    private readonly functions: readonly Hasher[],
    readonly seeds: readonly number[],
    readonly buckets: number,
    readonly paddingIdx: number | null,
    readonly reservePaddingRow: boolean,
  ) {
    this.numHashes = functions.length;
    this.#firstRow = reservePaddingRow ? 1 : 0;
    this.#murmur3 = functions.every((f) => f instanceof Murmur3Hasher);
  }

  #requireRoom(out: Int32Array, count: number): void {
    const needed = count * this.numHashes;
    if (out.length < needed) {
      throw new ConfigError('out', `an Int32Array of length >= ${needed} (ids x k)`, out.length);
    }
  }

  indices(ids: Int32Array, out = new Int32Array(ids.length * this.numHashes)): Int32Array {
    this.#requireRoom(out, ids.length);
    const k = this.numHashes;
    // Reserving row 0 hashes real ids into m - 1 buckets and shifts them up by one.
    const range = this.buckets - this.#firstRow;
    // MurmurHash3 (Spotlight's hash): the whole family in one kernel pass, shift included.
    const fused = this.#murmur3 && runMurmur3FamilyKernel(ids, this.seeds, range, this.#firstRow, out);
    if (!fused) {
      for (let j = 0; j < k; j++) this.functions[j]!.bucketInt32Array(ids, range, out, j, k);
      if (this.#firstRow === 1) {
        for (let o = 0; o < ids.length * k; o++) out[o]!++;
      }
    }
    if (this.paddingIdx !== null) {
      const padding = this.paddingIdx;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] === padding) out.fill(0, i * k, i * k + k);
      }
    }
    return out;
  }

  indicesForStrings(keys: readonly string[], out = new Int32Array(keys.length * this.numHashes)): Int32Array {
    this.#requireRoom(out, keys.length);
    const k = this.numHashes;
    const shift = this.#firstRow;
    const range = this.buckets - shift;
    // MurmurHash3: the whole family over each key's bytes in one kernel pass; the rest (if any) below.
    const hashed = this.#murmur3 ? runMurmur3StringsKernel(keys, this.seeds, range, shift, out) : 0;
    for (let i = hashed; i < keys.length; i++) {
      for (let j = 0; j < k; j++) out[i * k + j] = this.functions[j]!.bucketString(keys[i]!, range) + shift;
    }
    return out;
  }
}
