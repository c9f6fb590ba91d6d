/**
 * Rows grouped by user, in CSR form: the rows of user `u` are `rows[offsets[u] .. offsets[u + 1])`.
 * Within a user, rows keep their original order (or timestamp order, for {@link byUserInTimeOrder}).
 */
export interface UserIndex {
  /** Length numUsers + 1; offsets[numUsers] is the number of rows. */
  readonly offsets: Int32Array;
  /** Row numbers into the interactions, grouped by user. */
  readonly rows: Int32Array;
}

/** Builds the user index with a stable counting sort: O(rows + users), no per-row objects. */
export function buildUserIndex(userIds: Int32Array, numUsers: number): UserIndex {
  const offsets = new Int32Array(numUsers + 1);
  for (let i = 0; i < userIds.length; i++) offsets[userIds[i]! + 1]!++;
  for (let u = 0; u < numUsers; u++) offsets[u + 1]! += offsets[u]!;
  const next = offsets.slice(0, numUsers);
  const rows = new Int32Array(userIds.length);
  for (let i = 0; i < userIds.length; i++) rows[next[userIds[i]!]!++] = i;
  return { offsets, rows };
}

/**
 * The user index with each user's rows sorted by timestamp, ties kept in row order: the order of numpy's
 * `lexsort((timestamps, user_ids))`, which Spotlight's `to_sequence` uses.
 */
export function byUserInTimeOrder(index: UserIndex, timestamps: Float64Array): UserIndex {
  const rows = index.rows.slice();
  const { offsets } = index;
  const byTime = (a: number, b: number) => timestamps[a]! - timestamps[b]! || a - b;
  for (let u = 0; u + 1 < offsets.length; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    if (!isSortedByTime(rows, start, end, timestamps)) rows.subarray(start, end).sort(byTime);
  }
  return { offsets, rows };
}

function isSortedByTime(rows: Int32Array, start: number, end: number, timestamps: Float64Array): boolean {
  for (let i = start + 1; i < end; i++) {
    if (timestamps[rows[i]!]! < timestamps[rows[i - 1]!]!) return false;
  }
  return true;
}
