import type { Cell } from '@bloom/bench';
import type { Redis } from 'ioredis';
import { cellJobId, openCellQueue } from './names.js';

/**
 * Removes the finished jobs (completed or failed) of a matrix's cells from Redis, once their results are in the
 * files: Redis keeps every job until then. Waiting and running cells are left alone.
 * @returns How many jobs were removed.
 */
export async function forgetCells(
  connection: Redis,
  matrix: string,
  cells: readonly Cell[],
): Promise<number> {
  const backends = [...new Set(cells.map((cell) => cell.backend))];
  let removed = 0;
  for (const backend of backends) {
    const queue = openCellQueue(connection, backend);
    try {
      const ids = cells.filter((cell) => cell.backend === backend).map((cell) => cellJobId(matrix, cell));
      const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
      const finished = ids.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
      const results = await Promise.all(finished.map((id) => queue.remove(id)));
      removed += results.filter(Boolean).length;
    } finally {
      await queue.close();
    }
  }
  return removed;
}
