import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  expandMatrix,
  loadMatrix,
  type MicroResult,
  runMicroBenchmarks,
  writeMatrixReport,
} from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import { redactQueueUrl } from '@bloom/matrix-queue';
import { type Command, Option } from 'commander';
import { integerIn, positiveNumber } from '../cli-options.js';
import { type CliIo, printResult } from '../io.js';
import { machineDescription, runCells } from '../run-cells.js';
import { forgetQueued, runCellsOnQueue } from '../run-cells-on-queue.js';

interface BenchOptions {
  matrix?: string;
  queue?: string;
  wait: boolean;
  collect?: boolean;
  attempts: number;
  skipUnservedAfter?: number;
  forget?: boolean;
  out: string;
  budget?: number;
  fresh?: boolean;
  micro: boolean;
  json?: boolean;
  progress: boolean;
  plugins?: readonly string[];
}

/** The matrix shipped with @bloom/bench that runs when no --matrix is given. */
export const DEFAULT_MATRIX = fileURLToPath(import.meta.resolve('@bloom/bench/matrices/default.json'));

/** `bloom bench`: runs a benchmark matrix, each cell a fresh `bloom train`, and writes the report. */
export function registerBenchCommand(program: Command, io: CliIo): void {
  program
    .command('bench')
    .description(
      'run a benchmark matrix (a JSON file: strategy x hasher x backend x dim x table size x compression x k x model), ' +
        'each cell in a fresh process within a time budget, resuming finished cells; writes JSON lines, Markdown and SVG',
    )
    .option('--matrix <file>', `matrix JSON file (default: @bloom/bench's matrices/default.json)`)
    .option('--out <dir>', 'results folder', 'benchmarks/results/bench')
    .option(
      '--budget <seconds>',
      "seconds per cell before it is stopped (overrides the matrix's budgetSeconds)",
      positiveNumber('--budget', 'seconds > 0'),
    )
    .option('--fresh', 'ignore earlier results and run every cell again')
    .addOption(
      new Option(
        '--queue <url>',
        'run the cells on `bloom worker`s through this Redis (redis://[user:password@]host[:port][/db], rediss:// ' +
          'for TLS; or set BLOOM_QUEUE, which keeps a password out of the process list)',
      ).env('BLOOM_QUEUE'),
    )
    .option('--no-wait', 'with --queue: only enqueue the cells (collect later with --collect)')
    .option('--collect', 'with --queue: only gather the results of cells enqueued earlier')
    .option(
      '--attempts <n>',
      'with --queue: runs of a failing cell before it is recorded failed',
      integerIn(1, 100),
      3,
    )
    .option(
      '--skip-unserved-after <seconds>',
      'with --queue: record cells as skipped once only cells of backends no worker offers are left for this long ' +
        '(default: wait for a worker)',
      positiveNumber('--skip-unserved-after', 'seconds > 0'),
    )
    .option(
      '--forget',
      "with --queue: once the report is written, remove the matrix's finished jobs from Redis (their results are in the files)",
    )
    .option('--no-micro', 'skip the mitata micro-benchmarks of hashers and table kernels')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print a summary as one JSON object on the last line of stdout')
    .addHelpText(
      'after',
      '\nCells run `bloom train --json` with this CLI (or the script named by BLOOM_BENCH_BIN, e.g. another build).',
    )
    .action((options: BenchOptions, command: Command) =>
      bench({ ...options, plugins: command.optsWithGlobals().plugin }, io),
    );
}

async function bench(options: BenchOptions, io: CliIo): Promise<void> {
  const matrixFile = options.matrix ?? DEFAULT_MATRIX;
  const matrix = loadMatrix(matrixFile);
  const cells = expandMatrix(matrix);
  const out = resolve(options.out);
  const resultsFile = join(out, `${matrix.name}.jsonl`);
  const budgetSeconds = options.budget ?? matrix.budgetSeconds;
  io.err(
    `bloom bench: ${matrix.name}, ${cells.length} cells, ${budgetSeconds} s budget each; results in ${resultsFile}\n`,
  );
  if (options.queue === undefined) {
    const queueOnly = options.collect
      ? '--collect'
      : !options.wait
        ? '--no-wait'
        : options.skipUnservedAfter !== undefined
          ? '--skip-unserved-after'
          : options.forget
            ? '--forget'
            : undefined;
    if (queueOnly !== undefined) throw new ConfigError(queueOnly, 'only with --queue URL', true);
  }
  const run =
    options.queue === undefined
      ? {
          records: await runCells(cells, { ...options, resultsFile, budgetSeconds }, io),
          machine: machineDescription(),
        }
      : await runCellsOnQueue(
          cells,
          {
            ...options,
            queue: options.queue,
            matrix: matrix.name,
            resultsFile,
            budgetSeconds,
          },
          io,
        );
  if (run === undefined) return; // --no-wait: enqueued, nothing to report yet
  const { records } = run;
  let micro: MicroResult[] = [];
  if (options.micro) {
    io.err('bloom bench: micro-benchmarks (mitata)\n');
    micro = await runMicroBenchmarks(() => {});
  }
  const context = {
    title: `Benchmark matrix: ${matrix.name}`,
    command: `bloom bench${options.matrix ? ` --matrix ${options.matrix}` : ''}${options.queue ? ` --queue ${redactQueueUrl(options.queue)}` : ''}${options.micro ? '' : ' --no-micro'}`,
    machine: run.machine,
    date: new Date().toISOString(),
  };
  const files = await writeMatrixReport(out, matrix.name, context, records, micro);
  const counts = Object.fromEntries(
    ['ok', 'failed', 'timeout', 'skipped'].map((s) => [s, records.filter((r) => r.status === s).length]),
  );
  io.err(`bloom bench: wrote ${files.map((f) => join(out, f)).join(', ')}\n`);
  const forgotten =
    options.queue !== undefined && options.forget
      ? await forgetQueued(options.queue, matrix.name, cells)
      : undefined;
  const summary = {
    matrix: matrix.name,
    cells: records.length,
    ...counts,
    ...(forgotten === undefined ? {} : { forgotten }),
    results: resultsFile,
    files: files.map((f) => join(out, f)),
  };
  printResult(io, summary, options.json);
}
