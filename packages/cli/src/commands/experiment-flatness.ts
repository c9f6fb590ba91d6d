import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FlatnessOptions, flatnessExperiment, flatnessMarkdown } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import type { Command } from 'commander';
import { integerIn } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { loadBackend } from '../load-backend.js';
import { loadInteractions } from '../load-data.js';
import { machineDescription } from '../run-cells.js';

interface FlatnessCommandOptions {
  dataset: string;
  backend: string;
  rounds: number;
  sizes: string;
  out: string;
  json?: boolean;
}

/**
 * `bloom experiment flatness`: how an epoch's time grows with the item table, the two sizes alternating in one
 * process (see @bloom/bench's `flatnessExperiment`). Writes `flatness.md` and `flatness.json` into `--out`.
 */
export function registerFlatnessExperiment(experiment: Command, io: CliIo): void {
  experiment
    .command('flatness')
    .description(
      'epoch time against table size in one process: dense and bloom (0.2, k 4) items at two sizes, alternating',
    )
    .option('--dataset <name|path>', 'dataset (see bloom train --help)', 'ml-100k')
    .option('--backend <name>', 'registered backend', 'wasm')
    .option(
      '--rounds <n>',
      'epochs each model trains, in turn, after two warm-up epochs',
      integerIn(1, 10000),
      15,
    )
    .option('--sizes <small,large>', 'the two item table sizes', '1e4,5e6')
    .option('--out <dir>', 'results folder', 'benchmarks/results/experiments')
    .option('--json', 'print the rows as one JSON object on the last line of stdout')
    .action((options: FlatnessCommandOptions) => flatness(options, io));
}

async function flatness(options: FlatnessCommandOptions, io: CliIo): Promise<void> {
  const sizes = options.sizes.split(',').map(Number);
  if (sizes.length !== 2 || !sizes.every((n) => Number.isSafeInteger(n) && n >= 1 && n < 2 ** 31)) {
    throw new ConfigError('--sizes', 'two table sizes, integers >= 1 (1e4 notation allowed)', options.sizes);
  }
  const adapter = await loadBackend(options.backend);
  const interactions = await loadInteractions({ dataset: options.dataset });
  const settings: FlatnessOptions = {
    rounds: options.rounds,
    sizes: [sizes[0]!, sizes[1]!],
    dim: 32,
    batchSize: 2048,
  };
  io.err(`bloom experiment flatness: ${options.rounds} rounds at N ${options.sizes} on ${options.dataset}\n`);
  const rows = await flatnessExperiment(adapter, interactions, settings, (embedding, round) => {
    if (round % 5 === 0 || round === settings.rounds)
      io.err(`bloom experiment flatness: ${embedding} items, round ${round}/${settings.rounds}\n`);
  });
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const command = `bloom experiment flatness --dataset ${options.dataset} --backend ${options.backend} --rounds ${options.rounds} --sizes ${options.sizes}`;
  const context = {
    title: 'Epoch time against table size, in one process',
    command,
    machine: machineDescription(),
    date: new Date().toISOString(),
  };
  const markdown = flatnessMarkdown(
    context,
    { ...settings, dataset: options.dataset, backend: options.backend },
    rows,
  );
  writeFileSync(join(out, 'flatness.md'), markdown);
  writeFileSync(join(out, 'flatness.json'), `${JSON.stringify({ ...context, settings, rows }, null, 2)}\n`);
  const summary = Object.fromEntries(rows.map((r) => [r.embedding, r.ratio]));
  io.out(options.json ? `${JSON.stringify({ experiment: 'flatness', ratios: summary })}\n` : markdown);
}
