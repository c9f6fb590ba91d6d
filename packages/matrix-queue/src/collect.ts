import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Cell, type CellRecord, cellKey, readRecords } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CellJob } from './cell-job.js';
import { cellJobId, openCellQueue } from './names.js';
import { dropTornLine } from './results-file.js';
import type { CellJobResult } from './worker.js';

/**
 * Cells of one backend that wait for a worker. `workers` 0: no worker offers that backend now; undefined: the
 * server does not say (some managed Redis services disable CLIENT LIST, which counting workers needs).
 */
export interface WaitingBackend {
  readonly backend: string;
  readonly cells: number;
  readonly workers: number | undefined;
}

/** Where a collection stands, after each pass over the queue. */
export interface CollectProgress {
  readonly done: number;
  readonly total: number;
  readonly running: number;
  readonly waiting: readonly WaitingBackend[];
  /** Records written in this pass. */
  readonly recorded: readonly CellRecord[];
}

/** What to collect and how long to wait for it. */
export interface CollectOptions {
  readonly connection: Redis;
  readonly matrix: string;
  readonly cells: readonly Cell[];
  /** The JSON-lines results file; records already in it are kept and never written twice. */
  readonly resultsFile: string;
  /** Wait until every cell has a record (default), or make one pass and return. */
  readonly wait?: boolean;
  /** Milliseconds between passes. Default 500. */
  readonly pollMs?: number;
  /**
   * Seconds to wait while the only cells left belong to backends that no worker offers; then they are recorded
   * `skipped`, naming the backend (their jobs stay queued, so a later collection picks up their results).
   * Default: wait for ever.
   */
  readonly skipUnservedAfterSeconds?: number;
  readonly onProgress?: (progress: CollectProgress) => void;
}

/**
 * Gathers the results of a matrix's cells from the queue into `resultsFile`, one line per cell, appended as
 * each finishes. Completed jobs give their outcome; jobs failed on every attempt give `failed` with the last error.
 * Everything lives in Redis until collected, so a collector that dies loses nothing: run it again and it takes up
 * where the file ends. A Redis restart only pauses it (commands wait for the reconnection).
 * @throws ConfigError when cells of the matrix were never put on the queue.
 * @returns The records of every cell with one, in cell order, and the cells still pending (with `wait: false`).
 */
export async function collectCells(
  options: CollectOptions,
): Promise<{ records: CellRecord[]; pending: Cell[] }> {
  const { resultsFile, cells } = options;
  mkdirSync(dirname(resultsFile), { recursive: true });
  dropTornLine(resultsFile);
  const records = readRecords(resultsFile);
  for (const [key, record] of records) if (record.status === 'skipped') records.delete(key);
  const queues = new Map<string, Queue<CellJob, CellJobResult>>();
  const queueOf = (backend: string) => {
    let queue = queues.get(backend);
    if (queue === undefined) {
      queue = openCellQueue<CellJob, CellJobResult>(options.connection, backend);
      queues.set(backend, queue);
    }
    return queue;
  };
  let unservedSince: number | undefined;
  try {
    let first = true;
    for (;;) {
      const pending = cells.filter((cell) => !records.has(cellKey(cell)));
      const states = await Promise.all(
        pending.map((cell) => jobRecord(queueOf(cell.backend), options.matrix, cell)),
      );
      if (first && states.some((s) => s.state === 'missing')) {
        const missing = states.filter((s) => s.state === 'missing').length;
        throw new ConfigError(
          '--collect',
          'a matrix whose cells are on the queue (enqueue them with `bloom bench --queue` without --collect)',
          `${missing} of its ${cells.length} cells missing`,
        );
      }
      first = false;
      const recorded: CellRecord[] = [];
      let running = 0;
      const waitingCells = new Map<string, number>();
      for (const [i, state] of states.entries()) {
        if (state.state === 'finished') {
          appendFileSync(resultsFile, `${JSON.stringify(state.record)}\n`);
          records.set(state.record.key, state.record);
          recorded.push(state.record);
        } else if (state.state === 'active') {
          running++;
        } else {
          const backend = pending[i]!.backend;
          waitingCells.set(backend, (waitingCells.get(backend) ?? 0) + 1);
        }
      }
      const waiting: WaitingBackend[] = await Promise.all(
        [...waitingCells].map(async ([backend, n]) => ({
          backend,
          cells: n,
          workers: await workersOf(queueOf(backend)),
        })),
      );
      options.onProgress?.({ done: records.size, total: cells.length, running, waiting, recorded });
      const left = cells.filter((cell) => !records.has(cellKey(cell)));
      if (left.length === 0 || options.wait === false) {
        return { records: cells.flatMap((c) => records.get(cellKey(c)) ?? []), pending: left };
      }
      // Only cells of backends nobody serves are left: after the grace period they are recorded as skipped.
      const unserved = running === 0 && waiting.length > 0 && waiting.every((w) => w.workers === 0);
      unservedSince = unserved ? (unservedSince ?? Date.now()) : undefined;
      const grace = options.skipUnservedAfterSeconds;
      if (unserved && grace !== undefined && Date.now() - unservedSince! >= grace * 1000) {
        for (const cell of left) {
          const record: CellRecord = {
            key: cellKey(cell),
            cell,
            status: 'skipped',
            reason: `no worker offers backend '${cell.backend}' (waited ${grace} s; the cell stays queued)`,
            wallSeconds: 0,
            finishedAt: new Date().toISOString(),
          };
          appendFileSync(resultsFile, `${JSON.stringify(record)}\n`);
          records.set(record.key, record);
        }
        return { records: cells.map((c) => records.get(cellKey(c))!), pending: [] };
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
  }
}

async function workersOf(queue: Queue): Promise<number | undefined> {
  try {
    return await queue.getWorkersCount();
  } catch {
    return undefined;
  }
}

type JobRecord = { state: 'finished'; record: CellRecord } | { state: 'active' | 'waiting' | 'missing' };

async function jobRecord(
  queue: Queue<CellJob, CellJobResult>,
  matrix: string,
  cell: Cell,
): Promise<JobRecord> {
  // The state first: a job read before it finished would carry no result even if it finished a moment later.
  const id = cellJobId(matrix, cell);
  const state = await queue.getJobState(id);
  if (state === 'unknown') return { state: 'missing' };
  if (state !== 'completed' && state !== 'failed')
    return { state: state === 'active' ? 'active' : 'waiting' };
  const job = await Job.fromId<CellJob, CellJobResult>(queue, id);
  if (job === undefined) return { state: 'missing' };
  const key = cellKey(cell);
  const finishedAt = new Date(job.finishedOn ?? Date.now()).toISOString();
  if (state === 'completed') {
    const { host, ...outcome } = job.returnvalue;
    return { state: 'finished', record: { key, cell, ...outcome, host, finishedAt } };
  }
  const wallSeconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
  const reason = `${job.failedReason} (after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'})`;
  return { state: 'finished', record: { key, cell, status: 'failed', reason, wallSeconds, finishedAt } };
}
