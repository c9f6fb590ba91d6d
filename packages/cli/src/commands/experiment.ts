import { join, resolve } from 'node:path';
import {
  ACCURACY_STRATEGIES,
  type AccuracyExperimentOptions,
  type AccuracyStrategy,
  accuracyPoints,
  type Cell,
  type CellRecord,
  HYBRID_HEAD_SHARES,
  MATRIX_MODELS,
  searchCells,
  speedCells,
  speedPoints,
  writeAccuracyReport,
  writeSpeedReport,
} from '@bloom/bench';
import { ConfigError } from '@bloom/core';
import { type Command, Option } from 'commander';
import { integerIn, positiveNumber } from '../cli-options.js';
import { givenFlags } from '../given-flags.js';
import type { CliIo } from '../io.js';
import { machineDescription, type RunCellsOptions, runCells } from '../run-cells.js';
import { runCellsOnQueue } from '../run-cells-on-queue.js';
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
  queue?: string;
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
  strategies?: AccuracyStrategy[];
  headShares?: number[];
  hasher: string;
  search?: number;
  space?: 'write-up' | 'quick';
  validation: number;
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
const headShares = list('--head-shares', 'comma-separated head shares in [0, 1]', (s) => {
  const r = s.trim() === '' ? Number.NaN : Number(s);
  return r >= 0 && r <= 1 ? r : undefined;
});
const strategies = list<AccuracyStrategy>(
  '--strategies',
  `a comma-separated list of ${ACCURACY_STRATEGIES.join(', ')}`,
  (s) => ((ACCURACY_STRATEGIES as readonly string[]).includes(s) ? (s as AccuracyStrategy) : undefined),
);
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
    .option(
      '--queue <url>',
      'run the runs on `bloom worker`s through this Redis, as `bloom bench --queue` does (docs/distributed.md)',
    )
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
      'models (default factorization,lstm,pooling; --quick factorization,lstm); lstm runs at d 64, batch 512, adaptive hinge',
      models,
    )
    .option('--sizes <list>', 'table sizes N (default 1e4,5e4,1e5,5e5,1e6,5e6)', sizes)
    .option('--update-modes <list>', 'dense (the published cost model) and/or sparse', modes, [
      'dense',
      'sparse',
    ])
    .option('--batch-size <n>', 'minibatch size', integerIn(1, 1 << 24), 2048)
    .action((options: SpeedOptions, command: Command) =>
      speed(
        { ...options, plugins: command.optsWithGlobals().plugin },
        io,
        givenFlags(command, ['dataset', 'backend']),
      ),
    );
  common(
    experiment
      .command('accuracy')
      .description(
        'MRR against compression, as the write-up did it: a random hyperparameter search at every compression level ' +
          '(each table at each ratio, dense at 1), chosen on a validation split, scored on test',
      ),
    1800,
  )
    .option('--models <list>', 'models (default lstm,factorization; --quick factorization)', models)
    .option('--ratios <list>', 'compression ratios (default 0.05,0.1,0.2,0.5,0.8; --quick 0.2)', ratios)
    .option(
      '--strategies <list>',
      `item tables compared with dense (default ${ACCURACY_STRATEGIES.join(',')}; --quick bloom k4,hybrid)`,
      strategies,
    )
    .option(
      '--head-shares <list>',
      `head shares each hybrid level tries with every sample, chosen on validation (default ${HYBRID_HEAD_SHARES.join(',')})`,
      headShares,
    )
    .option('--hasher <name>', 'hasher of the hashed tables', 'murmur3')
    .option(
      '--search <n>',
      'random hyperparameter samples per level (default 10; --quick 3)',
      integerIn(1, 1000),
    )
    .addOption(
      new Option('--space <space>', "the search space (default write-up's; --quick a small one)").choices([
        'write-up',
        'quick',
      ]),
    )
    .option(
      '--validation <fraction>',
      'share of each training split carved out to choose on',
      positiveNumber('--validation', 'a fraction in (0, 0.9)'),
      0.1,
    )
    .option('--seed <s>', 'seed of the search and the runs', integerIn(0, 2 ** 32 - 1), 42)
    .action((options: AccuracyOptions, command: Command) =>
      accuracy(
        { ...options, plugins: command.optsWithGlobals().plugin },
        io,
        givenFlags(command, ['dataset', 'backend']),
      ),
    );
  registerFlatnessExperiment(experiment, io);
  registerSequenceFloorsExperiment(experiment, io);
  registerSequenceOutputExperiment(experiment, io);
}

/** `flags`: the options as given on the command line, for the report's command. */
async function speed(options: SpeedOptions, io: CliIo, flags: string): Promise<void> {
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
  const { records, machine } = await runExperimentCells(
    'speed',
    cells,
    { ...options, resultsFile: join(out, 'speed.jsonl'), budgetSeconds: options.budget },
    io,
  );
  const points = speedPoints(records);
  const files = await writeSpeedReport(
    out,
    {
      title: 'Speed experiment: bloom vs dense tables',
      command: `bloom experiment speed${flags}`,
      machine,
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

/** Runs an experiment's cells here, or with `--queue` on `bloom worker`s (the queue's matrix is the experiment). */
async function runExperimentCells(
  experiment: string,
  cells: readonly Cell[],
  options: RunCellsOptions & { readonly queue?: string },
  io: CliIo,
): Promise<{ records: CellRecord[]; machine: string }> {
  if (options.queue === undefined)
    return { records: await runCells(cells, options, io), machine: machineDescription() };
  const run = await runCellsOnQueue(
    cells,
    { ...options, queue: options.queue, matrix: `experiment-${experiment}`, wait: true, attempts: 3 },
    io,
  );
  return run!;
}

async function accuracy(options: AccuracyOptions, io: CliIo, flags: string): Promise<void> {
  const out = resolve(options.out);
  if (!(options.validation < 0.9)) {
    throw new ConfigError('--validation', 'a fraction in (0, 0.9)', options.validation);
  }
  const settings: AccuracyExperimentOptions = {
    models: options.models ?? (options.quick ? ['factorization'] : ['lstm', 'factorization']),
    dataset: options.dataset,
    backend: options.backend,
    ratios: options.ratios ?? (options.quick ? [0.2] : [0.05, 0.1, 0.2, 0.5, 0.8]),
    strategies: options.strategies ?? (options.quick ? ['bloom k4', 'hybrid', 'hash'] : ACCURACY_STRATEGIES),
    hasher: options.hasher,
    searchSamples: options.search ?? (options.quick ? 3 : 10),
    space: options.space ?? (options.quick ? 'quick' : 'write-up'),
    epochs: options.epochs ?? 5,
    validation: options.validation,
    seed: options.seed,
    headShares: options.headShares,
  };
  const cells = searchCells(settings);
  io.err(
    `bloom experiment accuracy: ${cells.length} runs (${settings.searchSamples} per level) on ${options.dataset}\n`,
  );
  const { records, machine } = await runExperimentCells(
    'accuracy',
    cells,
    {
      ...options,
      resultsFile: join(out, 'accuracy-search.jsonl'),
      budgetSeconds: options.budget,
      fresh: options.fresh ?? false,
    },
    io,
  );
  const points = accuracyPoints(records);
  if (!points.some((p) => p.variant === 'dense' && p.mrr !== null))
    throw new ConfigError('--search', 'a search with at least one finished dense run', 'none finished');
  const files = await writeAccuracyReport(
    out,
    {
      title: 'Accuracy experiment: MRR against compression, searched at every level',
      command: `bloom experiment accuracy${flags}`,
      machine,
      date: new Date().toISOString(),
    },
    settings,
    points,
  );
  const table = points.map(
    (p) =>
      `${p.model.padEnd(13)} ${p.variant.padEnd(20)} ratio ${String(p.ratio).padEnd(4)} relative MRR ${p.relativeMrr?.toFixed(2) ?? '-'}  (chosen on test ${p.relativeMrrSelectedOnTest?.toFixed(2) ?? '-'})  relative time ${p.relativeTime?.toFixed(2) ?? '-'}`,
  );
  const meaning = [
    'relative MRR: the test MRR of each level (a table at a ratio, its configuration chosen on a validation split)',
    "over the dense table's, chosen the same way. At ratio R the item table holds R of the dense table's",
    'parameters. bloom shares every row between ids; hash (hash embeddings) shares them too, weighted by trained',
    'importance weights per id; hybrid gives the most frequent items rows of their own and shares the rest, which',
    'is why it keeps more of the MRR at the same size.',
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
