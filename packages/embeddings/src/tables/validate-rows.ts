import { ConfigError, IdRangeError } from '@bloom/core';

/** Checks a batch of row indices ([B, k]) and returns B. */
export function checkBatch(rows: Int32Array, k: number, tableRows: number): number {
  const batch = checkK(rows, k);
  checkRows(rows, tableRows);
  return batch;
}

/** Checks that k divides the row indices and returns B (the rows themselves are left to {@link checkRows}). */
export function checkK(rows: Int32Array, k: number): number {
  if (!Number.isInteger(k) || k < 1 || rows.length % k !== 0) {
    throw new ConfigError('k', `a positive integer dividing the ${rows.length} row indices`, k);
  }
  return rows.length / k;
}

/** Throws IdRangeError on the first row outside [0, tableRows). */
export function checkRows(rows: Int32Array, tableRows: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r < 0 || r >= tableRows) throw new IdRangeError(r, i, `a table row in [0, ${tableRows - 1}]`);
  }
}

/** Checks that `array` holds exactly `expected` floats. */
export function checkLength(option: string, array: Float32Array, expected: number): void {
  if (array.length !== expected)
    throw new ConfigError(option, `a Float32Array of length ${expected}`, array.length);
}
