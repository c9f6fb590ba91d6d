import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Cell, type CellRecord, runMatrix, runTrainCell, seriesLabel } from '@bloom/bench';
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';
import { backendAvailability } from './load-backend.js';

/** Where cells' results go, how long each may run, and how progress is reported. */
export interface RunCellsOptions {
  /** The JSON-lines file of finished cells, which a later run resumes from. */
  readonly resultsFile: string;
  readonly budgetSeconds: number;
  /** Rerun every cell, ignoring earlier results. Default false. */
  readonly fresh?: boolean;
  readonly json?: boolean;
  readonly progress: boolean;
  /** The `--plugin` modules, which every cell's process imports too. */
  readonly plugins?: readonly string[];
}

/**
 * Runs cells as fresh `bloom train` processes (this CLI's own script, or BLOOM_BENCH_BIN), resuming from
 * `resultsFile`, with a progress bar on a terminal and one line per cell otherwise.
 */
export async function runCells(
  cells: readonly Cell[],
  options: RunCellsOptions,
  io: CliIo,
): Promise<CellRecord[]> {
  const { resultsFile, budgetSeconds, fresh = false } = options;
  const bin = trainBin();
  const plugins = absolutePlugins(options.plugins);
  const bar =
    options.progress && !options.json && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: '[{bar}] {value}/{total} cells | {cell}' },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(cells.length, 0, { cell: '' });
  try {
    return await runMatrix({
      cells,
      resultsFile,
      budgetSeconds,
      fresh,
      availability: backendAvailability,
      execute: (cell, budget) => runTrainCell(bin, cell, budget, process.env, plugins),
      onCell: (record, index, total, reused) => {
        if (bar) {
          bar.update(index + 1, { cell: cellLabel(record.cell) });
          return;
        }
        io.err(
          `[${index + 1}/${total}] ${cellLabel(record.cell)}: ${outcomeLine(record)}${reused ? ' (earlier run)' : ''}\n`,
        );
      },
    });
  } finally {
    bar?.stop();
  }
}

/** The `bloom train` script cells run: this CLI's own, or BLOOM_BENCH_BIN (another build, or a test's stand-in). */
export function trainBin(): string {
  return process.env.BLOOM_BENCH_BIN ?? fileURLToPath(new URL('./bin.js', import.meta.url));
}

/** `--plugin` modules for the cells' processes: paths as the user typed them are made absolute. */
export function absolutePlugins(plugins: readonly string[] = []): string[] {
  return plugins.map((p) => (p.startsWith('.') ? resolve(p) : p));
}

/** A cell as progress lines name it. */
export function cellLabel(cell: Cell): string {
  return `${seriesLabel(cell)} N ${cell.numEmbeddings ?? 'data'}`;
}

/** How a cell ended, in a few words: its speed and MRR, or why it did not finish. */
export function outcomeLine(record: Pick<CellRecord, 'status' | 'result' | 'reason'>): string {
  return record.status === 'ok'
    ? `${Number(record.result?.seconds_per_epoch).toFixed(4)} s/epoch, MRR ${record.result?.mrr ?? '-'}`
    : `${record.status}: ${record.reason}`;
}

/** The machine line of reports. */
export function machineDescription(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
