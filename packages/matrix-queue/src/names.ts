import { createHash } from 'node:crypto';
import { type Cell, cellKey } from '@bloom/bench';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The Redis key prefix of every Bloom queue (BullMQ's `prefix`), so they never mix with an application's queues. */
export const QUEUE_PREFIX = 'bloom';

/** The queue of one backend's cells: a worker listens only on the queues of backends it can run. */
export function queueName(backend: string): string {
  return `matrix-${backend}`;
}

/**
 * Opens one backend's queue on a shared connection. Connection errors are the connection's to report (once per
 * outage, see connectQueue); BullMQ would otherwise print each reconnection attempt.
 */
export function openCellQueue<Data = unknown, Result = unknown>(
  connection: Redis,
  backend: string,
): Queue<Data, Result> {
  const queue = new Queue<Data, Result>(queueName(backend), { connection, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  return queue;
}

/**
 * The job id of a cell of a matrix: derived from the matrix's name and the cell's identity, so enqueuing twice
 * never duplicates a cell and a rerun finds the cells already done. BullMQ ids may not contain ':'.
 */
export function cellJobId(matrix: string, cell: Cell): string {
  const safe = matrix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const digest = createHash('sha256')
    .update(`${matrix}\n${cellKey(cell)}`)
    .digest('hex')
    .slice(0, 32);
  return `${safe}-${digest}`;
}
