import { availableParallelism } from 'node:os';
import { median } from '@bloom/bench';
import { ConfigError, type ModelDefinition, type ModelTask, models, strategyParameters } from '@bloom/core';
import {
  type Interactions,
  RATINGS_FORMATS,
  randomTrainTestSplit,
  type SequenceInteractions,
  userBasedTrainTestSplit,
} from '@bloom/data';
import { fitHybridHead } from '@bloom/embeddings';
import {
  buildServingIndex,
  explicitLosses,
  type FitOptions,
  implicitLosses,
  meanRating,
  mrrScore,
  popularityScorer,
  rmseScore,
  SEQUENCE_LOSSES,
  saveCheckpoint,
  sequenceMrrScore,
  sequencePopularityModel,
} from '@bloom/models';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { fractionIn, integerIn, nonNegativeNumber, parseSeparator, positiveNumber } from '../cli-options.js';
import { type CliIo, printResult } from '../io.js';
import { loadBackend } from '../load-backend.js';
import { loadData } from '../load-data.js';
import { readCatalog } from '../read-catalog.js';

interface TrainOptions {
  model: string;
  modelOptions?: string;
  representation?: string;
  output: 'tied' | 'bloom' | 'softmax';
  outputCompression: number;
  outputHashes: number;
  embedding: string;
  userEmbedding: string;
  headShare: number;
  importanceRows: 'auto' | 'per-id' | number;
  compression: number;
  hashes?: number;
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
  userCol?: string;
  itemCol?: string;
  ratingCol?: string;
  timeCol?: string;
  separator?: string;
  header: boolean;
  columns?: string;
  numEmbeddings?: number;
  save?: string;
  catalog?: string;
  eval: boolean;
  fused: boolean;
  threads?: number;
  json?: boolean;
  progress: boolean;
  validation?: number;
}

// Spotlight's sequence protocol: sequences of at most 10 items.
const SEQUENCE_LENGTH = 10;
const IMPLICIT = Object.keys(implicitLosses);
const EXPLICIT = Object.keys(explicitLosses);

/** `bloom train`: trains a model as DESIGN.md specifies and ends with the JSON result line. */
export function registerTrainCommand(program: Command, io: CliIo): void {
  program
    .command('train')
    .description('train a model on a dataset and report speed, accuracy and memory')
    .option(
      '--model <name>',
      "factorization (implicit or explicit by --loss), sequence (pooling or a network by --representation), or a registered model: implicit-factorization, explicit-factorization, pooling-sequence, network-sequence, or a plugin's",
      'factorization',
    )
    .option(
      '--model-options <json>',
      "further options of the model's config, as a JSON object (e.g. '{\"numNegativeSamples\": 10}')",
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
      'item embedding strategy: dense, bloom, binary, quotient-remainder, hybrid (fitted on the training data), hash (hash embeddings: hashed rows with trained importance weights) or a plugin',
      'dense',
    )
    .option(
      '--user-embedding <strategy>',
      'user embedding strategy of factorization models (same --compression, --hashes and --hasher); bloom on your own data hashes user ids, so unseen users can be recommended to',
      'dense',
    )
    .option(
      '--compression <ratio>',
      'the table budget: rows = floor(ratio * N) for bloom, binary, quotient-remainder and hybrid; parameters (rows x d plus importance weights) <= ratio * N * d for hash',
      positiveNumber('--compression'),
      0.2,
    )
    .option(
      '--hashes <k>',
      'hash functions per id: bloom and binary (default 4, Spotlight), the tail of hybrid (default 1), hash (default 2, the paper)',
      integerIn(1, 24),
    )
    .option(
      '--head-share <fraction>',
      "hybrid: the share of the table's rows given to the most frequent ids as rows of their own (the rest are shared by hashing)",
      fractionIn('--head-share'),
      0.25,
    )
    .option(
      '--importance-rows <n>',
      "hash: 'per-id' (each id its own k importance weights), a number of rows the weights are hashed into (fewer parameters for huge id spaces), or 'auto' (per id when that is at most half the --compression budget, else hashed into half the budget)",
      importanceRows,
      'auto',
    )
    .option('--hasher <name>', 'registered hasher (bloom, binary, hybrid, hash)', 'murmur3')
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
      'ml-100k, ml-1m, ml-10m, ml-20m, ml-latest-small, ml-latest, synthetic, a ratings file, or your own CSV/TSV/Parquet with --user-col and --item-col',
      'ml-latest-small',
    )
    .addOption(
      new Option(
        '--format <layout>',
        'layout of a ratings file given as --dataset (default: from its name, u.data, *.dat or *.csv); csv and tsv are user,item,rating,timestamp lines without a header',
      ).choices(Object.keys(RATINGS_FORMATS)),
    )
    .option(
      '--user-col <column>',
      'your own CSV/TSV or .parquet file as --dataset: the user id column (string or integer ids)',
    )
    .option('--item-col <column>', 'your own file: the item id column')
    .option('--rating-col <column>', 'your own file: a rating column (explicit losses need one)')
    .option('--time-col <column>', 'your own file: a time column (seconds, milliseconds or ISO 8601 dates)')
    .option(
      '--separator <char>',
      'your own file: the field separator, e.g. , ; | or tab (default: guessed)',
      parseSeparator,
    )
    .option('--no-header', 'your own file has no header line: columns are 0-based positions')
    .option(
      '--columns <file.json>',
      'your own file: the columns as JSON instead of the flags, {"user": C, "item": C, "rating"?, "time"?, "separator"?, "header"?}',
    )
    .option(
      '--num-embeddings <n>',
      'declare the item table with N ids whatever the real count (speed experiments)',
      integerIn(1, 2 ** 31 - 1),
    )
    .option(
      '--threads <n>',
      "threads the wasm backend's fused trainers split each minibatch over (default: every core for sequence models; 1 for factorization, whose memory-bound step a second thread made slower on the machines measured)",
      integerIn(1, 256),
    )
    .option(
      '--no-fused',
      "train through the model's reference path (tfjs ops or the host loop) even where the backend has a fused trainer",
    )
    .option(
      '--save <path>',
      'keep the trained model, with what bloom recommend and bloom serve need (raw ids, items seen in training, the catalog)',
    )
    .option(
      '--catalog <file>',
      'with --save: the items recommendations rank, one id per line (default: every item seen in training)',
    )
    .option(
      '--validation <fraction>',
      'carve this fraction of the training split out as a validation split (interactions, or users for sequence models): train on the rest and report validation_mrr (validation_rmse) beside the test metrics, for choosing hyperparameters without looking at the test split',
      validationFraction,
    )
    .option('--no-eval', 'skip evaluation (metrics become null)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as one JSON object on the last line of stdout')
    .action((options: TrainOptions) => train(options, io));
}

async function train(options: TrainOptions, io: CliIo): Promise<void> {
  const definition = modelDefinition(options);
  const adapter = await loadBackend(options.backend);
  const { interactions: data, users, items } = await loadData(options);
  const interactions =
    options.numEmbeddings === undefined ? data : data.inflate({ numItems: options.numEmbeddings });
  const prepared = prepareData(definition.task, interactions, options);
  const keys = { users: users?.toArray(), items: items?.toArray() };
  if (options.numEmbeddings !== undefined && keys.items !== undefined && KEYED.includes(options.embedding)) {
    throw new ConfigError(
      '--num-embeddings',
      `absent with a ${options.embedding} table on your own ids (it hashes the ids themselves)`,
      options.numEmbeddings,
    );
  }
  const model = definition.create(
    modelConfig(definition, interactions, options, keys, prepared.fit),
    adapter,
  );
  io.err(
    `bloom train: ${definition.name} (${definition.task}), ${options.embedding} items, ${prepared.train.length} training ${definition.task === 'sequence' ? 'sequences' : 'interactions'} on ${adapter.deviceInfo().device}\n`,
  );
  const denseNote = adapter.deviceInfo().details.denseNote;
  if (definition.task === 'sequence' && denseNote !== undefined) io.err(`bloom train: ${denseNote}\n`);
  const reports = await model.fit(prepared.train, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    fused: options.fused,
    threads: options.threads ?? (definition.task === 'sequence' ? availableParallelism() : 1),
    ...progress(options, io),
  } satisfies FitOptions);
  const path = model.trainingPath;
  if (path?.reason === undefined) {
    io.err(`bloom train: trained with the ${adapter.name} backend's fused trainer (${path?.trainer})\n`);
  } else {
    io.err(
      `bloom train: trained ${path.trainer === 'host' ? 'with the host loop' : `through ${path.trainer}`}: ${path.reason}\n`,
    );
  }
  const metrics: Record<string, number | null> = {
    mrr: null,
    precision_at_10: null,
    recall_at_10: null,
    rmse: null,
    // What the same split scores without a model, so that a user can read the model's numbers: ranking items by
    // popularity (implicit and sequence tasks), or predicting the mean training rating (explicit).
    baseline_mrr: null,
    baseline_rmse: null,
    validation_mrr: null,
    validation_rmse: null,
  };
  if (options.eval) {
    Object.assign(metrics, await model.evaluate(prepared.test, prepared.train), prepared.baseline());
    if (prepared.validation !== undefined) {
      const scored = await model.evaluate(prepared.validation, prepared.train);
      metrics.validation_mrr = scored.mrr ?? null;
      metrics.validation_rmse = scored.rmse ?? null;
    }
  }
  if (options.save !== undefined) {
    const keyedItems = model.embeddings().items?.strategy.rowsForKeys !== undefined;
    const catalog =
      options.catalog === undefined
        ? undefined
        : await readCatalog(options.catalog, items, interactions.numItems, { newItems: keyedItems });
    const serving = buildServingIndex(prepared.seen, keys, {
      catalog: catalog?.ids,
      newItems: catalog?.newItems,
      sequenceLength: definition.task === 'sequence' ? SEQUENCE_LENGTH : undefined,
    });
    await saveCheckpoint(model, options.save, { serving });
    io.err(`bloom train: saved the model to ${options.save}\n`);
  }
  const tables = Object.values(model.embeddings());
  const result = {
    seconds_per_epoch: medianEpochSeconds(reports),
    epochs: reports.length,
    ...metrics,
    table_rows: model.embeddings().items?.strategy.tableRows ?? null,
    parameters: tables.reduce((s, e) => s + strategyParameters(e.strategy), 0) + model.denseParameters,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    backend: adapter.name,
    device: adapter.deviceInfo().device,
    model: definition.name,
    training_path: path?.trainer ?? null,
    training_path_reason: path?.reason ?? null,
    threads: path?.threads ?? 1,
  };
  model.dispose();
  printResult(io, result, options.json);
}

/**
 * The registered model `--model` names. `factorization` and `sequence` are the built-in families, resolved by
 * `--loss` (implicit or explicit) and `--representation` (pooling or a network); any other name is looked up in
 * the `models` registry (a plugin's model too).
 */
function modelDefinition(options: TrainOptions): ModelDefinition {
  if (options.model === 'factorization') {
    return models.get(EXPLICIT.includes(options.loss) ? 'explicit-factorization' : 'implicit-factorization');
  }
  if (options.model === 'sequence') {
    const representation = options.representation ?? 'pooling';
    if (options.output !== 'tied' && representation !== 'lstm' && representation !== 'cnn') {
      throw new ConfigError(
        '--output',
        `tied for the ${representation} representation (${options.output} needs lstm or cnn)`,
        options.output,
      );
    }
    return models.get(representation === 'pooling' ? 'pooling-sequence' : 'network-sequence');
  }
  if (!models.has(options.model)) {
    throw new ConfigError(
      '--model',
      `factorization, sequence or a registered model (${models.list().join(', ')})`,
      options.model,
    );
  }
  return models.get(options.model);
}

/** The config `bloom train` gives a model of the definition's task, with `--model-options` merged in. */
function modelConfig(
  definition: ModelDefinition,
  data: Interactions,
  options: TrainOptions,
  keys: { users?: readonly string[]; items?: readonly string[] },
  fit: { users: Int32Array; items: Int32Array },
): Record<string, unknown> {
  const common: Record<string, unknown> = {
    numItems: data.numItems,
    dim: options.dim,
    items: embeddingSpec(options.embedding, options, keys.items, { ids: fit.items, size: data.numItems }),
    optimizer: { kind: 'adam', lr: options.lr, weightDecay: options.l2 },
    updateMode: options.updateMode,
    seed: options.seed,
    loss: options.loss,
  };
  const losses: readonly string[] =
    definition.task === 'explicit' ? EXPLICIT : definition.task === 'sequence' ? SEQUENCE_LOSSES : IMPLICIT;
  if (!losses.includes(options.loss)) {
    throw new ConfigError('--loss', `${losses.join(', ')} for ${definition.task} models`, options.loss);
  }
  if (definition.task !== 'sequence') {
    common.numUsers = data.numUsers;
    // Dense is every model's default: a plugin's model need not take a `users` option to train.
    if (options.userEmbedding !== 'dense') {
      common.users = embeddingSpec(options.userEmbedding, options, keys.users, {
        ids: fit.users,
        size: data.numUsers,
      });
    }
  } else if (options.userEmbedding !== 'dense') {
    throw new ConfigError(
      '--user-embedding',
      'dense for sequence models (they have no user table)',
      options.userEmbedding,
    );
  }
  if (definition.name === 'network-sequence') {
    common.representation = options.representation ?? 'lstm';
    common.output =
      options.output === 'bloom'
        ? {
            kind: 'bloom',
            compressionRatio: options.outputCompression,
            numHashes: options.outputHashes,
            hasher: options.hasher,
          }
        : { kind: options.output };
  }
  return { ...common, ...parseModelOptions(options.modelOptions) };
}

function parseModelOptions(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('--model-options', 'a JSON object', text);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('--model-options', 'a JSON object', text);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The training and test data of a task, with its baseline: a random 80/20 split of interactions (implicit and
 * explicit), or Spotlight's sequence protocol (a user-based split, sequences of at most 10 items).
 */
function prepareData(
  task: ModelTask,
  interactions: Interactions,
  options: TrainOptions,
): {
  train: Interactions | SequenceInteractions;
  test: Interactions | SequenceInteractions;
  /** The interactions a saved model keeps per user: the training rows, or every row for a sequence model (the histories it continues). */
  seen: Interactions;
  /** With `--validation`: the split carved out of the training data (not trained on). */
  validation?: Interactions | SequenceInteractions;
  /** The training interactions' ids, which a table fitted on data (hybrid) is fitted on. */
  fit: { users: Int32Array; items: Int32Array };
  baseline: () => Record<string, number>;
} {
  // A validation split comes out of the training split only, with its own seed: the test split is the same with or
  // without one.
  const carve = options.validation;
  if (task === 'sequence') {
    const split = userBasedTrainTestSplit(interactions, { seed: options.seed });
    const inner =
      carve === undefined
        ? undefined
        : userBasedTrainTestSplit(split.train, { testFraction: carve, seed: options.seed + 1 });
    const fitted = inner?.train ?? split.train;
    const train = fitted.toSequence({ maxLength: SEQUENCE_LENGTH });
    const test = split.test.toSequence({ maxLength: SEQUENCE_LENGTH });
    return {
      train,
      test,
      validation: inner?.test.toSequence({ maxLength: SEQUENCE_LENGTH }),
      seen: interactions,
      fit: { users: fitted.userIds, items: fitted.itemIds },
      baseline: () => ({ baseline_mrr: sequenceMrrScore(sequencePopularityModel(train), test).mrr }),
    };
  }
  const split = randomTrainTestSplit(interactions, { testFraction: 0.2, seed: options.seed });
  const inner =
    carve === undefined
      ? undefined
      : randomTrainTestSplit(split.train, { testFraction: carve, seed: options.seed + 1 });
  const train = inner?.train ?? split.train;
  const test = split.test;
  return {
    train,
    test,
    validation: inner?.test,
    seen: train,
    fit: { users: train.userIds, items: train.itemIds },
    baseline: (): Record<string, number> => {
      if (task === 'implicit') return { baseline_mrr: mrrScore(popularityScorer(train), test, train).mrr };
      const mean = meanRating(train);
      return { baseline_rmse: rmseScore((u) => new Float32Array(u.length).fill(mean), test) };
    },
  };
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
  return median(reports.map((r) => r.seconds));
}

function importanceRows(value: string): 'auto' | 'per-id' | number {
  if (value === 'per-id' || value === 'auto') return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) {
    throw new ConfigError('--importance-rows', "'auto', 'per-id' or an integer in [1, 2147483647]", value);
  }
  return n;
}

function validationFraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 0.9)) throw new ConfigError('--validation', 'a fraction in (0, 0.9)', value);
  return n;
}

// The hashed strategies that take each id's key: on the user's own ids they hash the raw ids, vocabulary-free.
const KEYED = ['bloom', 'binary', 'hybrid'];

/**
 * The spec of a side's table; `keys` (the data's own ids, from id 1) make a hashed table hash them, and a table
 * fitted on data (hybrid) is fitted on `fit`, the training interactions' ids of that side.
 */
function embeddingSpec(
  strategy: string,
  options: TrainOptions,
  keys: readonly string[] | undefined,
  fit: { ids: Int32Array; size: number },
): { strategy: string; options?: Record<string, unknown> } {
  if (strategy === 'dense') return { strategy: 'dense' };
  if (strategy === 'quotient-remainder')
    return { strategy, options: { compressionRatio: options.compression } };
  if (strategy === 'hybrid') {
    const head = fitHybridHead(fit.ids, fit.size, {
      compressionRatio: options.compression,
      headShare: options.headShare,
    });
    return {
      strategy,
      options: {
        compressionRatio: options.compression,
        numHashes: options.hashes ?? 1,
        hasher: options.hasher,
        head,
        ...(keys === undefined ? {} : { keys }),
      },
    };
  }
  if (strategy === 'hash') {
    return {
      strategy,
      options: {
        compressionRatio: options.compression,
        numHashes: options.hashes ?? 2,
        hasher: options.hasher,
        importanceRows: options.importanceRows,
      },
    };
  }
  return {
    strategy,
    options: {
      compressionRatio: options.compression,
      numHashes: options.hashes ?? 4,
      hasher: options.hasher,
      ...(keys !== undefined && KEYED.includes(strategy) ? { keys } : {}),
    },
  };
}
