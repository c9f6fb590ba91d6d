import { ConfigError } from '@bloom/core';
import {
  generateSequential,
  type Interactions,
  loadDataset,
  loadRatingsFile,
  RATINGS_FORMATS,
  randomTrainTestSplit,
  userBasedTrainTestSplit,
} from '@bloom/data';
import {
  ExplicitFactorizationModel,
  type ExplicitLossName,
  explicitLosses,
  type FitOptions,
  ImplicitFactorizationModel,
  type ImplicitLossName,
  implicitLosses,
  meanRating,
  mrrScore,
  NetworkSequenceModel,
  PoolingSequenceModel,
  popularityScorer,
  precisionRecallAtK,
  rmseScore,
  sequenceMrrScore,
  sequenceMrrScoreAsync,
  sequencePopularityModel,
} from '@bloom/models';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { integerIn, nonNegativeNumber, positiveNumber } from '../cli-options.js';
import type { CliIo } from '../io.js';
import { loadBackend } from '../load-backend.js';

interface TrainOptions {
  model: 'factorization' | 'sequence';
  representation?: string;
  output: 'tied' | 'bloom' | 'softmax';
  outputCompression: number;
  outputHashes: number;
  embedding: string;
  compression: number;
  hashes: number;
  hasher: string;
  dim: number;
  loss: string;
  epochs: number;
  batchSize: number;
  lr: number;
  l2: number;
  updateMode: 'sparse' | 'dense';
  seed: number;
  backend: string;
  dataset: string;
  format?: string;
  numEmbeddings?: number;
  eval: boolean;
  json?: boolean;
  progress: boolean;
}

const IMPLICIT = Object.keys(implicitLosses);
const EXPLICIT = Object.keys(explicitLosses);

/** `bloom train`: trains a model as DESIGN.md specifies and ends with the JSON result line. */
export function registerTrainCommand(program: Command, io: CliIo): void {
  program
    .command('train')
    .description('train a model on a dataset and report speed, accuracy and memory')
    .addOption(
      new Option('--model <model>', 'model family')
        .choices(['factorization', 'sequence'])
        .default('factorization'),
    )
    .addOption(
      new Option('--representation <name>', 'sequence representation').choices([
        'pooling',
        'lstm',
        'cnn',
        'mixture',
      ]),
    )
    .addOption(
      new Option(
        '--output <kind>',
        "sequence output layer: tied (Spotlight's), bloom (the paper's softmax over hashed positions) or softmax (over all items); bloom and softmax need lstm or cnn",
      )
        .choices(['tied', 'bloom', 'softmax'])
        .default('tied'),
    )
    .option(
      '--output-compression <ratio>',
      'bloom output units = floor(ratio * N)',
      positiveNumber('--output-compression'),
      0.2,
    )
    .option('--output-hashes <k>', 'hash functions per item of the bloom output', integerIn(1, 24), 4)
    .option(
      '--embedding <strategy>',
      'item embedding strategy: dense, bloom, binary, quotient-remainder or a plugin',
      'dense',
    )
    .option(
      '--compression <ratio>',
      'table rows = floor(ratio * N) for bloom, binary and quotient-remainder',
      positiveNumber('--compression'),
      0.2,
    )
    .option('--hashes <k>', 'hash functions per id (bloom, binary)', integerIn(1, 24), 4)
    .option('--hasher <name>', 'registered hasher (bloom, binary)', 'murmur3')
    .option('--dim <d>', 'embedding width', integerIn(1, 65536), 32)
    .addOption(
      new Option(
        '--loss <loss>',
        'implicit: pointwise, bpr, hinge, adaptive-hinge; explicit: regression, poisson, logistic',
      )
        .choices([...IMPLICIT, ...EXPLICIT])
        .default('bpr'),
    )
    .option('--epochs <n>', 'passes over the training data', integerIn(1, 100000), 10)
    .option('--batch-size <n>', 'minibatch size', integerIn(1, 1 << 24), 256)
    .option('--lr <x>', 'Adam learning rate', positiveNumber('--lr'), 1e-2)
    .option('--l2 <x>', 'L2 penalty (Adam weight decay, as Spotlight)', nonNegativeNumber('--l2'), 0)
    .addOption(
      new Option(
        '--update-mode <mode>',
        "sparse: update only the rows a step touched (lazy); dense: every row each step (stock tfjs's and Spotlight's cost)",
      )
        .choices(['sparse', 'dense'])
        .default('sparse'),
    )
    .option(
      '--seed <s>',
      'seed of the split, the weights, shuffling and negatives',
      integerIn(0, 2 ** 32 - 1),
      42,
    )
    .option(
      '--backend <name>',
      'registered backend (cpu, wasm, or one a plugin or package registers)',
      'wasm',
    )
    .option(
      '--dataset <name|path>',
      'ml-100k, ml-1m, ml-10m, ml-20m, ml-latest-small, ml-latest, synthetic, or a ratings file',
      'ml-latest-small',
    )
    .addOption(
      new Option(
        '--format <layout>',
        'layout of a ratings file given as --dataset (default: from its name, u.data, *.dat or *.csv); csv and tsv are user,item,rating,timestamp lines without a header',
      ).choices(Object.keys(RATINGS_FORMATS)),
    )
    .option(
      '--num-embeddings <n>',
      'declare the item table with N ids whatever the real count (speed experiments)',
      integerIn(1, 2 ** 31 - 1),
    )
    .option('--no-eval', 'skip evaluation (metrics become null)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as one JSON object on the last line of stdout')
    .action((options: TrainOptions) => train(options, io));
}

async function train(options: TrainOptions, io: CliIo): Promise<void> {
  if (options.model === 'sequence') return trainSequence(options, io);
  const adapter = await loadBackend(options.backend);
  const data = await loadData(options);
  const interactions =
    options.numEmbeddings === undefined ? data : data.inflate({ numItems: options.numEmbeddings });
  const { train, test } = randomTrainTestSplit(interactions, { testFraction: 0.2, seed: options.seed });
  const explicit = EXPLICIT.includes(options.loss);
  const items = itemSpec(options);
  const common = {
    numUsers: interactions.numUsers,
    numItems: interactions.numItems,
    dim: options.dim,
    items,
    optimizer: { kind: 'adam' as const, lr: options.lr, weightDecay: options.l2 },
    updateMode: options.updateMode,
    seed: options.seed,
  };
  const model = explicit
    ? ExplicitFactorizationModel.create({ ...common, loss: options.loss as ExplicitLossName }, adapter)
    : ImplicitFactorizationModel.create({ ...common, loss: options.loss as ImplicitLossName }, adapter);

  io.err(
    `bloom train: ${options.loss} factorization, ${options.embedding} items, ${train.length} training interactions on ${adapter.deviceInfo().device}\n`,
  );
  const reports = await model.fit(train, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    ...progress(options, io),
  });
  const path = model.trainingPath;
  if (path?.reason === undefined) {
    io.err(`bloom train: trained with the ${adapter.name} backend's fused trainer (${path?.trainer})\n`);
  } else {
    io.err(`bloom train: trained with the host loop: ${path.reason}\n`);
  }
  const metrics = {
    mrr: null as number | null,
    precision_at_10: null as number | null,
    recall_at_10: null as number | null,
    rmse: null as number | null,
    // What the same split scores without a model, so that a user can read the model's numbers: ranking items by
    // popularity (implicit), or predicting the mean training rating (explicit).
    baseline_mrr: null as number | null,
    baseline_rmse: null as number | null,
  };
  if (options.eval) {
    if (model instanceof ExplicitFactorizationModel) {
      metrics.rmse = rmseScore((u, i) => model.predict(u, i), test);
      const mean = meanRating(train);
      metrics.baseline_rmse = rmseScore((u) => new Float32Array(u.length).fill(mean), test);
    } else {
      metrics.mrr = mrrScore(model.net, test, train).mrr;
      metrics.baseline_mrr = mrrScore(popularityScorer(train), test, train).mrr;
      const pr = precisionRecallAtK(model.net, test, train, 10);
      metrics.precision_at_10 = pr.precision;
      metrics.recall_at_10 = pr.recall;
    }
  }
  const tables = Object.values(model.net.embeddings());
  const result = {
    seconds_per_epoch: medianEpochSeconds(reports),
    epochs: reports.length,
    ...metrics,
    table_rows: model.net.items.strategy.tableRows,
    parameters: tables.reduce((s, e) => s + e.strategy.tableRows * e.strategy.dim, 0),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    backend: adapter.name,
    device: adapter.deviceInfo().device,
    training_path: path?.trainer ?? null,
    training_path_reason: path?.reason ?? null,
  };
  model.dispose();
  printResult(result, options, io);
}

// Sequence models: Spotlight's protocol (user-based split, sequences of 10, sequence MRR on the test users).
async function trainSequence(options: TrainOptions, io: CliIo): Promise<void> {
  const representation = options.representation ?? 'pooling';
  if (options.output !== 'tied' && representation !== 'lstm' && representation !== 'cnn') {
    throw new ConfigError(
      '--output',
      `tied for the ${representation} representation (${options.output} needs lstm or cnn)`,
      options.output,
    );
  }
  if (!['pointwise', 'bpr', 'hinge'].includes(options.loss)) {
    throw new ConfigError('--loss', 'pointwise, bpr or hinge for sequence models', options.loss);
  }
  const adapter = await loadBackend(options.backend);
  const data = await loadData(options);
  const interactions =
    options.numEmbeddings === undefined ? data : data.inflate({ numItems: options.numEmbeddings });
  const split = userBasedTrainTestSplit(interactions, { seed: options.seed });
  const train = split.train.toSequence({ maxLength: 10 });
  const test = split.test.toSequence({ maxLength: 10 });
  const config = {
    numItems: interactions.numItems,
    dim: options.dim,
    loss: options.loss as 'pointwise' | 'bpr' | 'hinge',
    items: itemSpec(options),
    optimizer: { kind: 'adam' as const, lr: options.lr, weightDecay: options.l2 },
    updateMode: options.updateMode,
    seed: options.seed,
  };
  const model =
    representation === 'pooling'
      ? PoolingSequenceModel.create(config, adapter)
      : NetworkSequenceModel.create(
          {
            ...config,
            representation: representation as 'lstm' | 'cnn' | 'mixture',
            output:
              options.output === 'bloom'
                ? {
                    kind: 'bloom',
                    compressionRatio: options.outputCompression,
                    numHashes: options.outputHashes,
                    hasher: options.hasher,
                  }
                : { kind: options.output },
          },
          adapter,
        );
  io.err(
    `bloom train: ${representation} sequences, ${options.embedding} items, ${options.output} output, ${train.length} training sequences on ${adapter.deviceInfo().device}\n`,
  );
  const denseNote = adapter.deviceInfo().details.denseNote;
  if (denseNote !== undefined) io.err(`bloom train: ${denseNote}\n`);
  const reports = await model.fit(train, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    ...progress(options, io),
  });
  // Network models read scores back asynchronously: synchronous reads fail on WebGPU.
  const mrr = !options.eval
    ? null
    : model instanceof NetworkSequenceModel
      ? (await sequenceMrrScoreAsync(model, test)).mrr
      : sequenceMrrScore(model, test).mrr;
  const tables = [model.items, model.itemBias];
  const result = {
    seconds_per_epoch: medianEpochSeconds(reports),
    epochs: reports.length,
    mrr,
    precision_at_10: null,
    recall_at_10: null,
    rmse: null,
    baseline_mrr: options.eval ? sequenceMrrScore(sequencePopularityModel(train), test).mrr : null,
    baseline_rmse: null,
    table_rows: model.items.strategy.tableRows,
    parameters:
      tables.reduce((s, e) => s + e.strategy.tableRows * e.strategy.dim, 0) +
      (model instanceof NetworkSequenceModel ? model.networkParameters : 0),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    backend: adapter.name,
    device: adapter.deviceInfo().device,
    training_path: model.trainingPath.trainer,
    training_path_reason: model.trainingPath.reason ?? null,
  };
  model.dispose();
  printResult(result, options, io);
}

/**
 * Progress on stderr: a bar per epoch on a terminal (not with --json or --no-progress), else one line per epoch.
 */
function progress(options: TrainOptions, io: CliIo): Pick<FitOptions, 'onBatch' | 'onEpoch'> {
  if (!(options.progress && !options.json && process.stderr.isTTY)) {
    return {
      onEpoch: (r) => io.err(`epoch ${r.epoch}: loss ${r.loss.toFixed(5)} (${r.seconds.toFixed(3)} s)\n`),
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss}' },
    cliProgress.Presets.shades_classic,
  );
  return {
    onBatch: (p) => {
      if (p.batch === 1) bar.start(p.batches, 0, { epoch: p.epoch, epochs: p.epochs, loss: '-' });
      bar.update(p.batch, { epoch: p.epoch, epochs: p.epochs, loss: p.loss.toFixed(4) });
      if (p.batch === p.batches) bar.stop();
    },
  };
}

/**
 * The median epoch: like the published experiment's warm-up fit, it leaves out the first epoch's one-time costs
 * (JIT, and optimizer state allocated on first use: seconds for a 5e6-row table).
 */
function medianEpochSeconds(reports: readonly { seconds: number }[]): number {
  return reports.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(reports.length / 2)]!;
}

/** DESIGN.md's result: one JSON line with --json, else one `key: value` line per field. */
function printResult(result: Record<string, unknown>, options: TrainOptions, io: CliIo): void {
  const text = options.json
    ? JSON.stringify(result)
    : Object.entries(result)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
  io.out(`${text}\n`);
}

function itemSpec(options: TrainOptions): { strategy: string; options?: Record<string, unknown> } {
  if (options.embedding === 'dense') return { strategy: 'dense' };
  if (options.embedding === 'quotient-remainder')
    return { strategy: options.embedding, options: { compressionRatio: options.compression } };
  return {
    strategy: options.embedding,
    options: { compressionRatio: options.compression, numHashes: options.hashes, hasher: options.hasher },
  };
}

async function loadData(options: TrainOptions): Promise<Interactions> {
  if (options.dataset === 'synthetic') {
    // Spotlight's sequence test data: 100 users, 100 items, 20000 interactions, concentration 1e-3, order 2.
    return generateSequential({
      numUsers: 100,
      numItems: 100,
      numInteractions: 20000,
      concentration: 1e-3,
      order: 2,
      seed: options.seed,
    });
  }
  const isPath = options.dataset.includes('/') || options.dataset.includes('.');
  if (!isPath && options.format !== undefined) {
    throw new ConfigError(
      '--format',
      'a ratings file path as --dataset (named datasets know their layout)',
      options.format,
    );
  }
  const format = options.format === undefined ? undefined : RATINGS_FORMATS[options.format];
  return (isPath ? await loadRatingsFile(options.dataset, { format }) : await loadDataset(options.dataset))
    .interactions;
}
