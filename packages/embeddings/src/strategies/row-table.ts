import { ConfigError } from '@bloom/core';

/**
 * Checks that `out` holds the `n` row entries of a batch; `what` says what n is, for the message.
 * @throws ConfigError naming `out`.
 */
export function requireOut(out: Int32Array, n: number, what: string): void {
  if (out.length < n) throw new ConfigError('out', `an Int32Array of length >= ${n} (${what})`, out.length);
}

/** Copies each id's `width` entries from a table of every id's rows ([N, width]) into `out` ([B, width]). */
export function copyRows(table: Int32Array, ids: Int32Array, width: number, out: Int32Array): Int32Array {
  for (let i = 0; i < ids.length; i++) {
    const from = ids[i]! * width;
    const to = i * width;
    for (let j = 0; j < width; j++) out[to + j] = table[from + j]!;
  }
  return out;
}
