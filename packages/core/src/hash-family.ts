/** How a hash family treats the padding id. */
export interface PaddingOptions {
  /** The id that maps to the reserved row 0 for every hash function; `null` for none. */
  readonly paddingIdx: number | null;
  /**
   * When true, real ids hash only into rows 1..m-1, so no id shares the padding row (which Spotlight keeps
   * zero and never updates). When false (Spotlight's behaviour), about 1 - (1 - 1/m)^k of ids touch row 0.
   */
  readonly reservePaddingRow: boolean;
}

/** Configuration of a {@link HashFamily}: serializable, so it can live in a checkpoint. */
export interface HashFamilyConfig extends PaddingOptions {
  /** Registered hasher name. */
  readonly hasher: string;
  /** k, the number of hash functions. */
  readonly numHashes: number;
  /** m, the number of buckets (table rows). */
  readonly buckets: number;
  /** One seed per hash function (length k). */
  readonly seeds: readonly number[];
}

/**
 * k hash functions into m buckets: maps n ids to an [n x k] matrix of bucket indices, row-major
 * (`out[i * k + j]` is hash function j of id i), with floor-mod semantics and the padding rule.
 */
export interface HashFamily extends HashFamilyConfig {
  /**
   * Bucket indices of int32 ids.
   * @param ids - n ids (B, for a batch).
   * @param out - Optional output of length >= n * k.
   * @returns [n x k] Int32Array of indices in [0, m).
   */
  indices(ids: Int32Array, out?: Int32Array): Int32Array;
  /** Bucket indices of string keys (their UTF-8 bytes): [n x k]. The padding id does not apply to strings. */
  indicesForStrings(keys: readonly string[], out?: Int32Array): Int32Array;
}
