import { IdRangeError } from '@bloom/core';

/** Throws on the first id outside [0, n): ids are checked before any kernel sees them. */
export function validateIds(ids: Int32Array, n: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= n) throw new IdRangeError(id, i, `an id in [0, ${n - 1}]`);
  }
}
