import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Availability } from '@bloom/core';
import { type Cell, cellKey } from './cell.js';

/** How a cell ended. `skipped`: its backend is unavailable here (the reason says why); never run. */
export type CellStatus = 'ok' | 'failed' | 'timeout' | 'skipped';

/** One line of the results file. */
export interface CellRecord {
  readonly key: string;
  readonly cell: Cell;
  readonly status: CellStatus;
  /** `bloom train --json`'s result for `ok` cells. */
  readonly result?: Readonly<Record<string, unknown>>;
  /** Why a cell failed, timed out or was skipped. */
  readonly reason?: string;
  readonly wallSeconds: number;
  readonly finishedAt: string;
  /** The machine that ran it, in a distributed run (`bloom worker`). */
  readonly host?: string;
}

/** What running one cell produced. */
export type CellOutcome = Pick<CellRecord, 'status' | 'result' | 'reason' | 'wallSeconds'>;

/** How {@link runMatrix} runs cells and where it keeps their records. */
export interface RunMatrixOptions {
  readonly cells: readonly Cell[];
  /** JSON lines, one {@link CellRecord} per finished cell; appended to as cells finish. */
  readonly resultsFile: string;
  /** Runs one cell within `budgetSeconds` (in a fresh process: see `runTrainCell`). */
  readonly execute: (cell: Cell, budgetSeconds: number) => Promise<CellOutcome>;
  /** Whether a backend can run here; asked once per backend. */
  readonly availability: (backend: string) => Promise<Availability>;
  readonly budgetSeconds: number;
  /** Ignore earlier records and run every cell again. Default false (resume). */
  readonly fresh?: boolean;
  /** Called after each cell; `reused` when its record came from an earlier run. */
  readonly onCell?: (record: CellRecord, index: number, total: number, reused: boolean) => void;
}

/**
 * Runs the cells in order, resuming after an interruption: a cell with a finished record (ok, failed or timeout)
 * in `resultsFile` is not run again. Each record is appended as soon as its cell ends, so a crash or Ctrl-C loses
 * at most the cell that was running. Skipped cells are recorded too, and re-checked on the next run (the backend
 * may be there by then).
 * @returns The record of every cell, in cell order.
 */
export async function runMatrix(options: RunMatrixOptions): Promise<CellRecord[]> {
  const { cells, resultsFile } = options;
  mkdirSync(dirname(resultsFile), { recursive: true });
  const previous = options.fresh ? new Map<string, CellRecord>() : readRecords(resultsFile);
  const backends = new Map<string, Promise<Availability>>();
  const records: CellRecord[] = [];
  for (const [index, cell] of cells.entries()) {
    const key = cellKey(cell);
    const done = previous.get(key);
    if (done !== undefined && done.status !== 'skipped') {
      records.push(done);
      options.onCell?.(done, index, cells.length, true);
      continue;
    }
    if (!backends.has(cell.backend)) backends.set(cell.backend, options.availability(cell.backend));
    const availability = await backends.get(cell.backend)!;
    const outcome: CellOutcome = availability.available
      ? await options.execute(cell, options.budgetSeconds)
      : { status: 'skipped', reason: availability.reason, wallSeconds: 0 };
    const record: CellRecord = { key, cell, ...outcome, finishedAt: new Date().toISOString() };
    appendFileSync(resultsFile, `${JSON.stringify(record)}\n`);
    records.push(record);
    options.onCell?.(record, index, cells.length, false);
  }
  return records;
}

/**
 * The latest record of each cell in a results file. A torn last line (the process was killed while writing)
 * is ignored: that cell simply runs again.
 */
export function readRecords(resultsFile: string): Map<string, CellRecord> {
  const records = new Map<string, CellRecord>();
  if (!existsSync(resultsFile)) return records;
  for (const line of readFileSync(resultsFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as CellRecord;
      if (typeof record.key === 'string') records.set(record.key, record);
    } catch {
      // torn line: skip
    }
  }
  return records;
}
