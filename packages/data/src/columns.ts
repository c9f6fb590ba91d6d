import { DataError, INT32_MAX } from '@bloom/core';

/** Numbers accepted for a column: a typed array is used as is, anything else is copied and checked. */
export type NumericColumn = ArrayLike<number>;

/**
 * Returns `values` as an Int32Array of ids in [0, 2^31 - 1], copying only when it is not one already.
 * @throws DataError naming the column and the first bad row.
 */
export function idColumn(column: string, values: NumericColumn): Int32Array {
  if (values instanceof Int32Array) {
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < 0) throw badValue(column, i, values[i]!, 'a non-negative integer');
    }
    return values;
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > INT32_MAX) {
      throw badValue(column, i, v, `an integer in [0, ${INT32_MAX}]`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Returns `values` as a finite Float32Array (ratings, weights), copying only when needed.
 * @throws DataError naming the column and the first non-finite row.
 */
export function float32Column(column: string, values: NumericColumn): Float32Array {
  const out = values instanceof Float32Array ? values : Float32Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw badValue(column, i, values[i]!, 'a finite number');
  }
  return out;
}

/** Returns `values` as a finite Float64Array (timestamps), copying only when needed. */
export function float64Column(column: string, values: NumericColumn): Float64Array {
  const out = values instanceof Float64Array ? values : Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw badValue(column, i, values[i]!, 'a finite number');
  }
  return out;
}

/** Largest value of an id column, or -1 when it is empty. */
export function maxOf(values: Int32Array): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** Gathers `values[rows[i]]` into a new array of the same type. */
export function gather<T extends Int32Array | Float32Array | Float64Array>(values: T, rows: Int32Array): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

function badValue(column: string, row: number, value: number, allowed: string): DataError {
  return new DataError(`row ${row}: ${column} is ${value}, expected ${allowed}`);
}
