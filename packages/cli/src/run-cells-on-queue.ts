import { rmSync } from 'node:fs';
import type { Cell, CellRecord } from '@bloom/bench';
import {
  type CollectProgress,
  checkQueue,
  collectCells,
  connectQueue,
  enqueueCells,
  forgetCells,
  parseQueueUrl,
  redactQueueUrl,
} from '@bloom/matrix-queue';
import cliProgress from 'cli-progress';
import { type CliIo, printResult } from './io.js';
import { cellLabel, outcomeLine } from './run-cells.js';

/** How `bloom bench --queue` enqueues and collects. */
export interface QueueRunOptions {
  readonly queue: string;
  readonly matrix: string;
  readonly resultsFile: string;
  readonly budgetSeconds: number;
  /** Remove the matrix's earlier jobs and results, so every cell runs again. */
  readonly fresh?: boolean;
  /** False: enqueue and return (`--no-wait`); with `collect`, one pass over what has finished. */
  readonly wait: boolean;
  /** Only gather results of cells enqueued earlier. */
  readonly collect?: boolean;
  readonly attempts: number;
  readonly skipUnservedAfter?: number;
  readonly json?: boolean;
  readonly progress: boolean;
}

/**
 * Runs cells on `bloom worker`s: enqueues them (ids derived from the cells, so a second run resumes), then
 * collects their results into the results file with one progress bar. Returns undefined after enqueuing only.
 */
export async function runCellsOnQueue(
  cells: readonly Cell[],
  options: QueueRunOptions,
  io: CliIo,
): Promise<{ records: CellRecord[]; machine: string } | undefined> {
  const url = parseQueueUrl(options.queue);
  const where = redactQueueUrl(url);
  await checkQueue(url);
  const connection = connectQueue(url, (message) =>
    io.err(`bloom bench: Redis at ${where}: ${message} (reconnecting)\n`),
  );
  try {
    if (!options.collect) {
      if (options.fresh) rmSync(options.resultsFile, { force: true });
      const { added, existing } = await enqueueCells(connection, {
        matrix: options.matrix,
        cells,
        budgetSeconds: options.budgetSeconds,
        attempts: options.attempts,
        fresh: options.fresh,
      });
      io.err(`bloom bench: enqueued ${added} cells on ${where} (${existing} were there already)\n`);
      if (!options.wait) {
        const summary = {
          matrix: options.matrix,
          cells: cells.length,
          enqueued: added,
          existing,
          queue: where,
        };
        printResult(io, summary, options.json);
        return undefined;
      }
    }
    const bar =
      options.progress && !options.json && process.stderr.isTTY
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: '[{bar}] {value}/{total} cells | {running} running | {waiting}',
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    let told = '';
    const onProgress = (p: CollectProgress) => {
      const waiting = describeWaiting(p);
      if (bar) {
        if (!bar.isActive) bar.start(p.total, p.done, { running: p.running, waiting });
        bar.update(p.done, { running: p.running, waiting });
        return;
      }
      for (const [i, record] of p.recorded.entries()) {
        const n = p.done - p.recorded.length + i + 1;
        io.err(
          `[${n}/${p.total}] ${cellLabel(record.cell)}: ${outcomeLine(record)} (${record.host ?? '?'})\n`,
        );
      }
      if (waiting !== told && waiting !== '') io.err(`bloom bench: ${waiting}\n`);
      told = waiting;
    };
    try {
      const { records, pending } = await collectCells({
        connection,
        matrix: options.matrix,
        cells,
        resultsFile: options.resultsFile,
        wait: options.wait,
        skipUnservedAfterSeconds: options.skipUnservedAfter,
        onProgress,
      });
      if (pending.length > 0) io.err(`bloom bench: ${pending.length} cells not finished yet\n`);
      const hosts = [...new Set(records.flatMap((r) => (r.host === undefined ? [] : [r.host])))].sort();
      return {
        records,
        machine: `cells run by \`bloom worker\` on ${hosts.join(', ') || 'no host yet'} (queue ${where})`,
      };
    } finally {
      bar?.stop();
    }
  } finally {
    connection.disconnect();
  }
}

/** `--forget`: removes the matrix's finished jobs from Redis, once the report holds their results. */
export async function forgetQueued(queue: string, matrix: string, cells: readonly Cell[]): Promise<number> {
  const connection = connectQueue(parseQueueUrl(queue));
  try {
    return await forgetCells(connection, matrix, cells);
  } finally {
    connection.disconnect();
  }
}

/** Which backends' cells wait, and for whom: "waiting: 4 cells for cuda (no worker offers it)". */
function describeWaiting(progress: CollectProgress): string {
  if (progress.waiting.length === 0) return '';
  const parts = progress.waiting.map(
    (w) =>
      `${w.cells} ${w.backend} cell${w.cells === 1 ? '' : 's'} (${w.workers === undefined ? 'workers unknown' : w.workers === 0 ? 'no worker offers it' : `${w.workers} worker${w.workers === 1 ? '' : 's'}`})`,
  );
  return `waiting: ${parts.join(', ')}`;
}
