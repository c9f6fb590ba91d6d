import { hostname } from 'node:os';
import type { Cell, CellOutcome } from '@bloom/bench';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type CellJob, parseCellJob } from './cell-job.js';
import { QUEUE_PREFIX, queueName } from './names.js';

/** What a cell's job returns, and so what Redis keeps of it: the outcome, and the machine that produced it. */
export type CellJobResult = CellOutcome & { readonly host: string };

/** What a worker reports as it goes (the CLI prints these). */
export type MatrixWorkerEvent =
  | { readonly kind: 'start'; readonly jobId: string; readonly cell: Cell; readonly attempt: number }
  | { readonly kind: 'finish'; readonly jobId: string; readonly cell: Cell; readonly outcome: CellOutcome }
  | { readonly kind: 'reject'; readonly jobId: string; readonly reason: string }
  | { readonly kind: 'release'; readonly jobId: string }
  | { readonly kind: 'error'; readonly message: string };

/** How a {@link MatrixWorker} takes and runs cells. */
export interface MatrixWorkerOptions {
  readonly connection: Redis;
  /** The backends whose cells this machine runs: it listens on their queues only. */
  readonly backends: readonly string[];
  /** Cells run at once on this machine, across all its backends. Default 1 (timings undisturbed). */
  readonly concurrency?: number;
  /**
   * Seconds a running cell's lock lasts without renewal: a worker that dies loses its cell to another worker
   * within about twice this. Default 30.
   */
  readonly lockSeconds?: number;
  /** The name recorded with each result. Default the host name. */
  readonly host?: string;
  /** Runs one validated cell within its budget (a fresh `bloom train`); stops it when `signal` aborts. */
  readonly execute: (cell: Cell, budgetSeconds: number, signal: AbortSignal) => Promise<CellOutcome>;
  readonly onEvent?: (event: MatrixWorkerEvent) => void;
}

/**
 * Takes cells from the queues of the backends it offers and runs them, one BullMQ worker per queue.
 *
 * A cell whose `bloom train` fails is thrown back to BullMQ, which retries it up to the job's attempts and then
 * keeps it failed with its last error line. A timeout is a result, as in a local run. A payload that is not a valid
 * cell is failed at once, without retries and without running anything. A worker that dies holding a cell loses
 * its lock, and BullMQ's stalled-job check gives the cell to another worker.
 */
export class MatrixWorker {
  readonly #options: MatrixWorkerOptions;
  readonly #workers: Worker<CellJob, CellJobResult>[];
  readonly #concurrency: number;
  #running = 0;
  #releasing = false;

  constructor(options: MatrixWorkerOptions) {
    this.#options = options;
    this.#concurrency = options.concurrency ?? 1;
    const lockDuration = (options.lockSeconds ?? 30) * 1000;
    this.#workers = options.backends.map((backend) => {
      const worker = new Worker<CellJob, CellJobResult>(
        queueName(backend),
        (job, token, signal) => this.#process(backend, job, token, signal),
        {
          connection: options.connection,
          prefix: QUEUE_PREFIX,
          concurrency: this.#concurrency,
          lockDuration,
          stalledInterval: lockDuration,
          // A cell whose worker keeps dying is failed after as many stalls as it has attempts, never forever.
          maxStalledCount: 3,
          // The queue's worker list (BullMQ's getWorkers) names the machine, so a collector can say who serves what.
          name: `${options.host ?? hostname()}:${process.pid}`,
          autorun: false,
        },
      );
      worker.on('error', (error) => this.#emit({ kind: 'error', message: error.message }));
      return worker;
    });
  }

  /** Cells running now. */
  get running(): number {
    return this.#running;
  }

  /** Starts taking cells; resolves once every queue's worker is connected. */
  async start(): Promise<void> {
    for (const worker of this.#workers) void worker.run();
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  /** Takes no more cells, lets the running ones finish, and disconnects. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }

  /** Stops the running cells, puts them back on their queues for another worker, and disconnects. */
  async release(): Promise<void> {
    this.#releasing = true;
    for (const worker of this.#workers) worker.cancelAllJobs('the worker is shutting down');
    await this.close();
  }

  async #process(
    backend: string,
    job: Job<CellJob, CellJobResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CellJobResult> {
    const jobId = job.id ?? '?';
    let parsed: CellJob;
    try {
      parsed = parseCellJob(job.data, backend, `job ${jobId}`);
    } catch (error) {
      const reason = `rejected: ${(error as Error).message}`;
      this.#emit({ kind: 'reject', jobId, reason });
      throw new UnrecoverableError(reason);
    }
    if (this.#releasing || this.#running >= this.#concurrency) {
      // Taken by one backend's worker while another's filled the last slot: hand it back untouched.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    this.#running++;
    if (this.#running >= this.#concurrency) this.#pauseOthers();
    try {
      this.#emit({ kind: 'start', jobId, cell: parsed.cell, attempt: job.attemptsMade + 1 });
      const outcome = await this.#options.execute(
        parsed.cell,
        parsed.budgetSeconds,
        signal ?? new AbortController().signal,
      );
      if (this.#releasing) {
        this.#emit({ kind: 'release', jobId });
        await job.moveToWait(token);
        throw new WaitingError();
      }
      this.#emit({ kind: 'finish', jobId, cell: parsed.cell, outcome });
      if (outcome.status === 'failed') throw new Error(outcome.reason ?? 'bloom train failed');
      return { ...outcome, host: this.#options.host ?? hostname() };
    } finally {
      this.#running--;
      if (!this.#releasing) this.#resumeAll();
    }
  }

  // With one backend, BullMQ's own concurrency keeps the count; with several, the others stop fetching while
  // every slot is busy (a cell taken in between is handed back above).
  #pauseOthers(): void {
    if (this.#workers.length > 1) for (const w of this.#workers) void w.pause(true);
  }

  #resumeAll(): void {
    if (this.#workers.length > 1) for (const w of this.#workers) if (w.isPaused()) void w.resume();
  }

  #emit(event: MatrixWorkerEvent): void {
    this.#options.onEvent?.(event);
  }
}
