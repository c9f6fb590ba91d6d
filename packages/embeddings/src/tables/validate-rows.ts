import { ConfigError, IdRangeError } from '@bloom/core';

/** Checks a batch of row indices ([B, k]) and returns B. */
export function checkBatch(rows: Int32Array, k: number, tableRows: number): number {
  if (!Number.isInteger(k) || k < 1 || rows.length % k !== 0) {
    throw new ConfigError('k', `a positive integer dividing the ${rows.length} row indices`, k);
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r < 0 || r >= tableRows) throw new IdRangeError(r, i, `a table row in [0, ${tableRows - 1}]`);
  }
  return rows.length / k;
}

/** Checks that `array` holds exactly `expected` floats. */
export function checkLength(option: string, array: Float32Array, expected: number): void {
  if (array.length !== expected)
    throw new ConfigError(option, `a Float32Array of length ${expected}`, array.length);
}
