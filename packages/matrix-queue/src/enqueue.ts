import { type Cell, parseCell } from '@bloom/bench';
import { DataError } from '@bloom/core';
import type { Redis } from 'ioredis';
import type { CellJob } from './cell-job.js';
import { cellJobId, openCellQueue, queueName } from './names.js';

/** What to put on the queue. */
export interface EnqueueOptions {
  /** The matrix's name: with each cell, it makes the job id. */
  readonly matrix: string;
  readonly cells: readonly Cell[];
  readonly budgetSeconds: number;
  /** Runs of a cell before it is recorded `failed` (a worker that dies does not use one up). Default 3. */
  readonly attempts?: number;
  /** Remove this matrix's earlier jobs (and their results) first, so every cell runs again. Default false. */
  readonly fresh?: boolean;
}

/** How many cells went onto the queue, and how many were there already (finished, running or waiting). */
export interface EnqueueSummary {
  readonly added: number;
  readonly existing: number;
}

/**
 * Puts every cell on its backend's queue, each under an id derived from the matrix and the cell: a cell already
 * queued (or finished) is left as it is, so enqueuing again resumes rather than duplicates. Cells are validated
 * with the cell schema first, so a matrix that no worker would accept is refused here, naming the field.
 */
export async function enqueueCells(connection: Redis, options: EnqueueOptions): Promise<EnqueueSummary> {
  const byBackend = new Map<string, Cell[]>();
  for (const cell of options.cells) {
    parseCell(cell, `cell ${cellJobId(options.matrix, cell)}`);
    byBackend.set(cell.backend, [...(byBackend.get(cell.backend) ?? []), cell]);
  }
  let added = 0;
  let existing = 0;
  for (const [backend, cells] of byBackend) {
    const queue = openCellQueue<CellJob>(connection, backend);
    try {
      const ids = cells.map((cell) => cellJobId(options.matrix, cell));
      if (options.fresh) {
        const removed = await Promise.all(ids.map((id) => queue.remove(id).then(Boolean, () => false)));
        const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
        const running = states.filter((state, i) => !removed[i] && state === 'active').length;
        if (running > 0) {
          throw new DataError(
            `${running} cell(s) of this matrix are running on a worker and cannot be removed; let them finish (or stop those workers) before --fresh`,
            `queue ${queueName(backend)}`,
          );
        }
      }
      const before = await Promise.all(ids.map((id) => queue.getJobState(id)));
      await queue.addBulk(
        cells.map((cell, i) => ({
          name: 'cell',
          data: { matrix: options.matrix, cell, budgetSeconds: options.budgetSeconds },
          opts: {
            jobId: ids[i]!,
            attempts: options.attempts ?? 3,
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
      const fresh = before.filter((state) => state === 'unknown').length;
      added += fresh;
      existing += cells.length - fresh;
    } finally {
      await queue.close();
    }
  }
  return { added, existing };
}
