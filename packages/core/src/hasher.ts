import type { RegistryEntry } from './registry.js';

/**
 * One seeded hash function over int32 ids, byte strings and UTF-8 strings.
 *
 * Hashes are 32-bit values returned as signed int32 (the convention of scikit-learn's `murmurhash3_32`,
 * which Spotlight uses). Bucket reduction is the hasher's own, because it differs by scheme: floor-mod of the
 * signed hash for murmur3, the exact `(id * prime) mod m` for the multiplicative scheme, and the full 64-bit
 * value for xxhash64. Bulk methods take typed arrays and allocate nothing per id.
 */
export interface Hasher {
  /** The registered name of the scheme, e.g. `murmur3`. */
  readonly name: string;
  /** The seed (for `multiplicative`, the prime multiplier). */
  readonly seed: number;

  /** Hash of one int32 id (its 4 little-endian bytes), as a signed int32. */
  hashInt32(id: number): number;
  /**
   * Hashes every id.
   * @param ids - n int32 ids.
   * @param out - Optional output of length >= n; allocated when absent.
   * @returns `out`, with `out[i]` = hash of `ids[i]` as a signed int32.
   */
  hashInt32Array(ids: Int32Array, out?: Int32Array): Int32Array;

  /** Bucket in [0, buckets) of one int32 id. `buckets` is an integer in [1, 2^31 - 1]. */
  bucketInt32(id: number, buckets: number): number;
  /**
   * Buckets of every id, written strided so that a hash family can fill an [n x k] matrix in place:
   * `out[offset + i * stride]` = bucket of `ids[i]`.
   * @returns `out`.
   */
  bucketInt32Array(
    ids: Int32Array,
    buckets: number,
    out: Int32Array,
    offset?: number,
    stride?: number,
  ): Int32Array;

  /** Hash of a byte string, as a signed int32. */
  hashBytes(bytes: Uint8Array): number;
  /** Bucket in [0, buckets) of a byte string. */
  bucketBytes(bytes: Uint8Array, buckets: number): number;
  /** Hash of a string's UTF-8 bytes, as a signed int32. */
  hashString(key: string): number;
  /** Bucket in [0, buckets) of a string's UTF-8 bytes. */
  bucketString(key: string, buckets: number): number;
}

/** A registered hash scheme: a name and a factory of seeded {@link Hasher}s. */
export interface HasherDefinition extends RegistryEntry {
  /** One line for `--help` and listings. */
  readonly description: string;
  /** Creates the hash function for one seed. */
  create(seed: number): Hasher;
}
