import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SPOTLIGHT_SEQUENCE_FLOORS, sequenceFloorsExperiment, sequenceFloorsMarkdown } from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { loadBackend } from '../load-backend.js';
import { machineDescription } from '../run-cells.js';

interface SequenceFloorsOptions {
  backend: string;
  models: string;
  ratios: string;
  out: string;
  json?: boolean;
}

/**
 * `bloom experiment sequence-floors`: Spotlight's sequence acceptance floors on its synthetic data, each
 * representation at each item compression ratio (see @bloom/bench's `sequenceFloorsExperiment`). Writes
 * `sequence-floors.md` and `.json` into `--out`.
 */
export function registerSequenceFloorsExperiment(experiment: Command, io: CliIo): void {
  const names = Object.keys(SPOTLIGHT_SEQUENCE_FLOORS);
  experiment
    .command('sequence-floors')
    .description(
      "Spotlight's sequence acceptance floors (pooling, cnn, lstm; mixture for comparison) on its synthetic data",
    )
    .option('--backend <name>', 'registered backend', 'wasm')
    .option('--models <list>', `representations (${names.join(', ')})`, names.join(','))
    .option('--ratios <list>', 'item compression ratios', '0.2,0.5,1')
    .option('--out <dir>', 'results folder', 'benchmarks/results/experiments')
    .option('--json', 'print the rows as one JSON object on the last line of stdout')
    .action((options: SequenceFloorsOptions) => sequenceFloors(options, io));
}

async function sequenceFloors(options: SequenceFloorsOptions, io: CliIo): Promise<void> {
  const models = options.models.split(',');
  const unknown = models.find((m) => !(m in SPOTLIGHT_SEQUENCE_FLOORS));
  if (unknown !== undefined) {
    throw new ConfigError(
      '--models',
      `a list of ${Object.keys(SPOTLIGHT_SEQUENCE_FLOORS).join(', ')}`,
      unknown,
    );
  }
  const ratios = options.ratios.split(',').map(Number);
  if (!ratios.every((r) => r > 0 && Number.isFinite(r))) {
    throw new ConfigError('--ratios', 'comma-separated compression ratios > 0', options.ratios);
  }
  const adapter = await loadBackend(options.backend);
  const rows = await sequenceFloorsExperiment(adapter, { models, ratios }, (row) =>
    io.err(
      `bloom experiment sequence-floors: ${row.model} at ratio ${row.ratio}: MRR ${row.mrr.toFixed(3)}\n`,
    ),
  );
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const context = {
    title: "Spotlight's sequence floors (synthetic data)",
    command: `bloom experiment sequence-floors --backend ${options.backend} --models ${options.models} --ratios ${options.ratios}`,
    machine: machineDescription(),
    date: new Date().toISOString(),
  };
  const markdown = sequenceFloorsMarkdown(context, rows);
  writeFileSync(join(out, 'sequence-floors.md'), markdown);
  writeFileSync(join(out, 'sequence-floors.json'), `${JSON.stringify({ ...context, rows }, null, 2)}\n`);
  io.out(options.json ? `${JSON.stringify({ experiment: 'sequence-floors', rows })}\n` : markdown);
}
