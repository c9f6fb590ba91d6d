import { ConfigError, DataError, INT32_MAX } from '@bloom/core';
import { float32Column, float64Column, gather, idColumn, maxOf, type NumericColumn } from './columns.js';
import { type SequenceOptions, toSequence } from './sequence.js';
import type { SequenceInteractions } from './sequence-interactions.js';
import { buildUserIndex, byUserInTimeOrder, type UserIndex } from './user-index.js';

// Lets derived views skip re-validating columns that were validated when their parent was built.
const TRUSTED: unique symbol = Symbol('trusted');

/** What {@link Interactions} is built from. Typed arrays of the right type are used without copying. */
export interface InteractionsInit {
  /** User id per row: integers in [0, 2^31 - 1]. */
  readonly userIds: Int32Array | NumericColumn;
  /** Item id per row: integers in [0, 2^31 - 1]. */
  readonly itemIds: Int32Array | NumericColumn;
  /** Optional rating per row (finite). */
  readonly ratings?: Float32Array | NumericColumn;
  /** Optional timestamp per row (finite; seconds for MovieLens). */
  readonly timestamps?: Float64Array | NumericColumn;
  /** Optional sample weight per row (finite). */
  readonly weights?: Float32Array | NumericColumn;
  /** Size of the user table; at least max(userIds) + 1, which is the default (Spotlight's rule). */
  readonly numUsers?: number;
  /** Size of the item table; at least max(itemIds) + 1, which is the default. */
  readonly numItems?: number;
}

/**
 * User-item interactions as columns of typed arrays (Spotlight's `Interactions`), validated on construction.
 * Tens of millions of rows cost 4 bytes per id column and no per-row objects.
 *
 * @example
 * const data = new Interactions({ userIds: [1, 1, 2], itemIds: [10, 11, 10], ratings: [5, 3, 4] });
 * data.length; // 3
 * data.numItems; // 12: ids index a table, so max id + 1
 */
export class Interactions {
  readonly userIds: Int32Array;
  readonly itemIds: Int32Array;
  readonly ratings: Float32Array | undefined;
  readonly timestamps: Float64Array | undefined;
  readonly weights: Float32Array | undefined;
  readonly numUsers: number;
  readonly numItems: number;
  #userIndex: UserIndex | undefined;

  /**
   * @param init - The columns and table sizes.
   * @param trusted - Internal: skip validation for columns derived from already-validated ones.
   * @throws DataError naming the column and first bad row; ConfigError for a too-small numUsers/numItems.
   */
  constructor(init: InteractionsInit, trusted?: typeof TRUSTED) {
    if (trusted === TRUSTED) {
      this.userIds = init.userIds as Int32Array;
      this.itemIds = init.itemIds as Int32Array;
      this.ratings = init.ratings as Float32Array | undefined;
      this.timestamps = init.timestamps as Float64Array | undefined;
      this.weights = init.weights as Float32Array | undefined;
      this.numUsers = init.numUsers!;
      this.numItems = init.numItems!;
      return;
    }
    this.userIds = idColumn('user id', init.userIds);
    this.itemIds = idColumn('item id', init.itemIds);
    const n = this.userIds.length;
    if (this.itemIds.length !== n) throw lengthMismatch('itemIds', this.itemIds.length, n);
    this.ratings = optional(init.ratings, (v) => float32Column('rating', v), 'ratings', n);
    this.timestamps = optional(init.timestamps, (v) => float64Column('timestamp', v), 'timestamps', n);
    this.weights = optional(init.weights, (v) => float32Column('weight', v), 'weights', n);
    this.numUsers = tableSize('numUsers', init.numUsers, maxOf(this.userIds));
    this.numItems = tableSize('numItems', init.numItems, maxOf(this.itemIds));
  }

  /** Number of interactions (rows). */
  get length(): number {
    return this.userIds.length;
  }

  /** Rows [start, end) as a view sharing this object's memory; nothing is copied or re-validated. */
  slice(start: number, end: number = this.length): Interactions {
    return this.#derive((col) => col.subarray(start, end) as typeof col, this.numUsers, this.numItems);
  }

  /** The given rows, in the given order, copied into new columns. */
  select(rows: Int32Array): Interactions {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!(r >= 0 && r < this.length)) {
        throw new ConfigError(`rows[${i}]`, `a row number in [0, ${this.length - 1}]`, r);
      }
    }
    return this.#derive((col) => gather(col, rows), this.numUsers, this.numItems);
  }

  /**
   * The same interactions declared against larger tables, for speed experiments that inflate the id space
   * (the published experiment uses 1e4 to 5e6 item rows whatever the real id count). Shares memory.
   * @throws ConfigError when a size is below the real id count or above 2^31 - 1.
   */
  inflate(sizes: { numUsers?: number; numItems?: number }): Interactions {
    const numUsers = tableSize('numUsers', sizes.numUsers ?? this.numUsers, maxOf(this.userIds));
    const numItems = tableSize('numItems', sizes.numItems ?? this.numItems, maxOf(this.itemIds));
    return this.#derive((col) => col, numUsers, numItems);
  }

  /** Rows grouped by user (CSR), built once on first use. */
  byUser(): UserIndex {
    this.#userIndex ??= buildUserIndex(this.userIds, this.numUsers);
    return this.#userIndex;
  }

  /** Rows grouped by user and, within a user, ordered by timestamp (ties in row order). */
  byUserInTimeOrder(): UserIndex {
    if (this.timestamps === undefined) {
      throw new DataError('these interactions have no timestamps, so they have no time order');
    }
    return byUserInTimeOrder(this.byUser(), this.timestamps);
  }

  /** Number of distinct users that have at least one row. */
  countUsersWithInteractions(): number {
    const { offsets } = this.byUser();
    let count = 0;
    for (let u = 0; u < this.numUsers; u++) if (offsets[u + 1]! > offsets[u]!) count++;
    return count;
  }

  /** Number of distinct items that appear in at least one row. */
  countItemsWithInteractions(): number {
    const seen = new Uint8Array(this.numItems);
    let count = 0;
    for (let i = 0; i < this.itemIds.length; i++) {
      const item = this.itemIds[i]!;
      if (seen[item] === 0) {
        seen[item] = 1;
        count++;
      }
    }
    return count;
  }

  /** Spotlight's `to_sequence`: see {@link toSequence}. */
  toSequence(options: SequenceOptions = {}): SequenceInteractions {
    return toSequence(this, options);
  }

  toString(): string {
    return `<Interactions (${this.numUsers} users x ${this.numItems} items x ${this.length} interactions)>`;
  }

  #derive(
    map: <T extends Int32Array | Float32Array | Float64Array>(col: T) => T,
    numUsers: number,
    numItems: number,
  ): Interactions {
    const mapOptional = <T extends Float32Array | Float64Array>(col: T | undefined) =>
      col === undefined ? undefined : map(col);
    const init: InteractionsInit = {
      userIds: map(this.userIds),
      itemIds: map(this.itemIds),
      ratings: mapOptional(this.ratings),
      timestamps: mapOptional(this.timestamps),
      weights: mapOptional(this.weights),
      numUsers,
      numItems,
    };
    return new Interactions(init, TRUSTED);
  }
}

function optional<T>(
  values: NumericColumn | undefined,
  convert: (v: NumericColumn) => T & { length: number },
  name: string,
  n: number,
): T | undefined {
  if (values === undefined) return undefined;
  const out = convert(values);
  if (out.length !== n) throw lengthMismatch(name, out.length, n);
  return out;
}

function lengthMismatch(name: string, got: number, want: number): DataError {
  return new DataError(
    `${name} has ${got} rows but userIds has ${want}; every column needs one value per row`,
  );
}

function tableSize(option: string, declared: number | undefined, maxId: number): number {
  if (declared === undefined) return maxId + 1;
  if (!Number.isInteger(declared) || declared < maxId + 1 || declared > INT32_MAX) {
    throw new ConfigError(
      option,
      `an integer in [${maxId + 1}, ${INT32_MAX}] (largest id is ${maxId})`,
      declared,
    );
  }
  return declared;
}
