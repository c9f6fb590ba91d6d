import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sequenceOutputCells, sequenceOutputMarkdown } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import type { Command } from 'commander';
import { positiveNumber } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { machineDescription, runCells } from '../run-cells.js';

interface SequenceOutputOptions {
  backend: string;
  ratios: string;
  budget: number;
  out: string;
  fresh?: boolean;
  progress: boolean;
  json?: boolean;
  plugins?: readonly string[];
}

/**
 * `bloom experiment sequence-output`: the Bloom output layer against Spotlight's tied output (the LSTM sequence
 * model) on synthetic data and ML-100K, each run a fresh `bloom train` (see @bloom/bench's
 * `sequenceOutputCells`). Writes `sequence-output.md`, `.json` and the runs' `.jsonl` into `--out`.
 */
export function registerSequenceOutputExperiment(experiment: Command, io: CliIo): void {
  experiment
    .command('sequence-output')
    .description("the Bloom output layer against Spotlight's tied output and their dense baselines (LSTM)")
    .option('--backend <name>', 'registered backend', 'wasm')
    .option('--ratios <list>', 'item (and output) compression ratios', '0.2,0.5')
    .option(
      '--budget <seconds>',
      'seconds per run before it is stopped',
      positiveNumber('--budget', 'seconds > 0'),
      900,
    )
    .option('--out <dir>', 'results folder', 'benchmarks/results/experiments')
    .option('--fresh', 'ignore earlier results and run everything again')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print a summary as one JSON object on the last line of stdout')
    .action((options: SequenceOutputOptions, command: Command) =>
      sequenceOutput({ ...options, plugins: command.optsWithGlobals().plugin }, io),
    );
}

async function sequenceOutput(options: SequenceOutputOptions, io: CliIo): Promise<void> {
  const ratios = options.ratios.split(',').map(Number);
  if (!ratios.every((r) => r > 0 && r < 1)) {
    throw new ConfigError('--ratios', 'comma-separated compression ratios in (0, 1)', options.ratios);
  }
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const cells = sequenceOutputCells(options.backend, ratios);
  io.err(`bloom experiment sequence-output: ${cells.length} runs; results in ${out}\n`);
  const records = await runCells(
    cells,
    { ...options, resultsFile: join(out, 'sequence-output.jsonl'), budgetSeconds: options.budget },
    io,
  );
  const context = {
    title: 'The Bloom output layer vs the tied output (LSTM sequence model)',
    command: `bloom experiment sequence-output --backend ${options.backend} --ratios ${options.ratios}`,
    machine: machineDescription(),
    date: new Date().toISOString(),
  };
  const markdown = sequenceOutputMarkdown(context, records);
  writeFileSync(join(out, 'sequence-output.md'), markdown);
  writeFileSync(join(out, 'sequence-output.json'), `${JSON.stringify({ ...context, records }, null, 2)}\n`);
  const ok = records.filter((r) => r.status === 'ok').length;
  io.out(
    options.json
      ? `${JSON.stringify({ experiment: 'sequence-output', runs: records.length, ok })}\n`
      : markdown,
  );
}
