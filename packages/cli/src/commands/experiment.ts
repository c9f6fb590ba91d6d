import { join, resolve } from 'node:path';
import {
  type AccuracyExperimentOptions,
  accuracyPoints,
  bestConfigurations,
  MATRIX_MODELS,
  rerunCells,
  searchCells,
  speedCells,
  speedPoints,
  writeAccuracyReport,
  writeSpeedReport,
} from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import type { Command } from 'commander';
import { integerIn, positiveNumber } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { machineDescription, runCells } from '../run-cells.js';
import { registerFlatnessExperiment } from './experiment-flatness.js';
import { registerSequenceFloorsExperiment } from './experiment-sequence-floors.js';
import { registerSequenceOutputExperiment } from './experiment-sequence-output.js';

type Model = (typeof MATRIX_MODELS)[number];

interface CommonOptions {
  dataset: string;
  backend: string;
  epochs?: number;
  budget: number;
  out: string;
  quick?: boolean;
  fresh?: boolean;
  json?: boolean;
  progress: boolean;
  plugins?: readonly string[];
}

interface SpeedOptions extends CommonOptions {
  models?: Model[];
  sizes?: number[];
  updateModes: ('sparse' | 'dense')[];
  batchSize: number;
}

interface AccuracyOptions extends CommonOptions {
  models?: Model[];
  ratios?: number[];
  hashers: string[];
  search?: number;
  outputLayer: boolean;
  seed: number;
}

const list =
  <T>(option: string, allowed: string, parse: (item: string) => T | undefined) =>
  (value: string): T[] =>
    value.split(',').map((item) => {
      const parsed = parse(item.trim());
      if (parsed === undefined) throw new ConfigError(option, allowed, item);
      return parsed;
    });
const models = list<Model>('--models', `a comma-separated list of ${MATRIX_MODELS.join(', ')}`, (m) =>
  (MATRIX_MODELS as readonly string[]).includes(m) ? (m as Model) : undefined,
);
const sizes = list('--sizes', 'comma-separated table sizes, integers >= 1 (1e4 notation allowed)', (s) => {
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 1 && n < 2 ** 31 ? n : undefined;
});
const ratios = list('--ratios', 'comma-separated compression ratios in (0, 1)', (s) => {
  const r = Number(s);
  return r > 0 && r < 1 ? r : undefined;
});
const modes = list('--update-modes', 'a comma-separated list of sparse, dense', (m) =>
  m === 'sparse' || m === 'dense' ? m : undefined,
);
const names = list('--hashers', 'comma-separated registered hasher names', (h) => (h === '' ? undefined : h));
function common(command: Command, budget: number): Command {
  return command
    .option('--dataset <name|path>', 'dataset (see bloom train --help)', 'ml-100k')
    .option('--backend <name>', 'registered backend', 'wasm')
    .option('--epochs <n>', 'epochs per run', integerIn(1, 10000))
    .option(
      '--budget <seconds>',
      'seconds per run before it is stopped',
      positiveNumber('--budget', 'seconds > 0'),
      budget,
    )
    .option('--out <dir>', 'results folder', 'benchmarks/results/experiments')
    .option('--quick', 'a short version (a few minutes on two cores): fewer sizes, models and runs')
    .option('--fresh', 'ignore earlier results and run everything again')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print a summary as one JSON object on the last line of stdout');
}

/** `bloom experiment speed|accuracy`: the write-up's experiments, reproduced with tables and plots. */
export function registerExperimentCommand(program: Command, io: CliIo): void {
  const experiment = program
    .command('experiment')
    .description(
      "reproduce the Bloom-embedding write-up's experiments (speed, accuracy) and Bloom's own (flatness, sequence-floors, sequence-output) with tables and plots",
    );
  common(
    experiment
      .command('speed')
      .description(
        'fit time of dense vs bloom (ratio 0.2, k 4) tables inflated from 1e4 to 5e6 rows: the published curve ' +
          '(dense updates) beside the sparse engine',
      ),
    900,
  )
    .option(
      '--models <list>',
      'models (default factorization,lstm,pooling; --quick factorization,lstm); lstm runs at d 64, batch 512, hinge',
      models,
    )
    .option('--sizes <list>', 'table sizes N (default 1e4,5e4,1e5,5e5,1e6,5e6)', sizes)
    .option('--update-modes <list>', 'dense (the published cost model) and/or sparse', modes, [
      'dense',
      'sparse',
    ])
    .option('--batch-size <n>', 'minibatch size', integerIn(1, 1 << 24), 2048)
    .action((options: SpeedOptions, command: Command) =>
      speed({ ...options, plugins: command.optsWithGlobals().plugin }, io),
    );
  common(
    experiment
      .command('accuracy')
      .description(
        'MRR against compression ratio: a random search at ratio 1.0, then the best configuration rerun per ratio ' +
          'and hasher, and with the Bloom output layer',
      ),
    1800,
  )
    .option('--models <list>', 'models (default lstm,factorization)', models)
    .option('--ratios <list>', 'compression ratios of the reruns (default 0.1,0.2,0.5,0.8)', ratios)
    .option('--hashers <list>', 'hashers of the reruns', names, ['multiplicative', 'murmur3', 'xxhash32'])
    .option('--search <n>', 'random hyperparameter samples per model (default 10)', integerIn(1, 1000))
    .option('--no-output-layer', 'skip the Bloom output layer reruns (lstm, cnn)')
    .option('--seed <s>', 'seed of the search and the runs', integerIn(0, 2 ** 32 - 1), 42)
    .action((options: AccuracyOptions, command: Command) =>
      accuracy({ ...options, plugins: command.optsWithGlobals().plugin }, io),
    );
  registerFlatnessExperiment(experiment, io);
  registerSequenceFloorsExperiment(experiment, io);
  registerSequenceOutputExperiment(experiment, io);
}

async function speed(options: SpeedOptions, io: CliIo): Promise<void> {
  const out = resolve(options.out);
  const cells = speedCells({
    models:
      options.models ?? (options.quick ? ['factorization', 'lstm'] : ['factorization', 'lstm', 'pooling']),
    sizes: options.sizes ?? (options.quick ? [1e4, 1e5] : [1e4, 5e4, 1e5, 5e5, 1e6, 5e6]),
    updateModes: options.updateModes,
    dataset: options.dataset,
    backend: options.backend,
    epochs: options.epochs ?? (options.quick ? 2 : 3),
    batchSize: options.batchSize,
    budgetSeconds: options.budget,
  });
  io.err(`bloom experiment speed: ${cells.length} runs on ${options.dataset}; results in ${out}\n`);
  const records = await runCells(
    cells,
    { ...options, resultsFile: join(out, 'speed.jsonl'), budgetSeconds: options.budget },
    io,
  );
  const points = speedPoints(records);
  const files = await writeSpeedReport(
    out,
    {
      title: 'Speed experiment: bloom vs dense tables',
      command: `bloom experiment speed${options.quick ? ' --quick' : ''} --dataset ${options.dataset} --backend ${options.backend}`,
      machine: machineDescription(),
      date: new Date().toISOString(),
    },
    points,
  );
  const table = points.map(
    (p) =>
      `${p.model.padEnd(13)} ${p.updateMode.padEnd(6)} N ${p.n.toExponential(0).padEnd(5)} speed-up ${p.speedup?.toFixed(2) ?? '-'}`,
  );
  // What the numbers mean, for a first reader of `npm start`.
  const meaning = [
    'speed-up: dense-table seconds per epoch over bloom-table seconds at the same N. Bloom tables hold a fraction',
    'of the rows (less memory, fewer cache misses), so they pay off as N grows; at small N each id costs k row',
    'lookups and updates instead of one, and dense tables are faster.',
  ];
  finish(io, options, { experiment: 'speed', points }, [...table, '', ...meaning], out, files);
}

async function accuracy(options: AccuracyOptions, io: CliIo): Promise<void> {
  const out = resolve(options.out);
  const settings: AccuracyExperimentOptions = {
    models: options.models ?? (options.quick ? ['factorization'] : ['lstm', 'factorization']),
    dataset: options.dataset,
    backend: options.backend,
    ratios: options.ratios ?? (options.quick ? [0.2, 0.5] : [0.1, 0.2, 0.5, 0.8]),
    hashers: options.hashers,
    searchSamples: options.search ?? (options.quick ? 4 : 10),
    epochs: options.epochs ?? (options.quick ? 5 : 10),
    outputLayer: options.outputLayer,
    seed: options.seed,
  };
  const fresh = options.fresh ?? false;
  const search = searchCells(settings);
  io.err(`bloom experiment accuracy: ${search.length} search runs at ratio 1.0 on ${options.dataset}\n`);
  const searched = await runCells(
    search,
    { ...options, resultsFile: join(out, 'accuracy-search.jsonl'), budgetSeconds: options.budget, fresh },
    io,
  );
  const best = bestConfigurations(searched);
  if (best.size === 0)
    throw new ConfigError('--search', 'a search with at least one finished run', 'none finished');
  const reruns = rerunCells(best, settings);
  io.err(`bloom experiment accuracy: ${reruns.length} reruns of the best configurations\n`);
  const rerun = await runCells(
    reruns,
    { ...options, resultsFile: join(out, 'accuracy-rerun.jsonl'), budgetSeconds: options.budget, fresh },
    io,
  );
  const points = accuracyPoints(best, searched, rerun);
  const files = await writeAccuracyReport(
    out,
    {
      title: 'Accuracy experiment: MRR against compression',
      command: `bloom experiment accuracy${options.quick ? ' --quick' : ''} --dataset ${options.dataset} --backend ${options.backend}`,
      machine: machineDescription(),
      date: new Date().toISOString(),
    },
    best,
    searched,
    points,
  );
  const table = points.map(
    (p) =>
      `${p.model.padEnd(13)} ${p.variant.padEnd(30)} ratio ${String(p.ratio).padEnd(4)} relative MRR ${p.relativeMrr?.toFixed(2) ?? '-'}  relative time ${p.relativeTime?.toFixed(2) ?? '-'}`,
  );
  const meaning = [
    'relative MRR and time are against the dense table of the same model. At ratio R the item table has R of the',
    'rows (R of its memory and checkpoint size): the MRR kept is what that compression costs in accuracy, and the time',
    'is the price of k lookups per id on a table that is small here anyway; the trade pays where tables outgrow memory.',
  ];
  finish(io, options, { experiment: 'accuracy', points }, [...table, '', ...meaning], out, files);
}

function finish(
  io: CliIo,
  options: CommonOptions,
  summary: Record<string, unknown>,
  table: string[],
  out: string,
  files: string[],
): void {
  const paths = files.map((f) => join(out, f));
  if (options.json) {
    io.out(`${JSON.stringify({ ...summary, files: paths })}\n`);
    return;
  }
  io.out(`${table.join('\n')}\nreport and plots: ${paths.join(', ')}\n`);
}
