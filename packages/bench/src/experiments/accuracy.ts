import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@bloom/core';
import type { Cell } from '../cell.js';
import type { Matrix } from '../matrix.js';
import { type ChartPoint, writeChart } from '../plots.js';
import { formatNumber, type ReportContext, reportHeader } from '../report.js';
import type { CellRecord } from '../runner.js';

/** The write-up's LSTM result on ML-1M (validation MRR relative to the uncompressed baseline, k 4). */
export const PUBLISHED_RELATIVE_MRR: Readonly<Record<number, number>> = {
  0.1: 0.47,
  0.2: 0.71,
  0.5: 0.91,
  0.8: 0.89,
};

type Model = Matrix['axes']['model'][number];

/** The item tables the experiment compares at every ratio (dense is the baseline, at ratio 1). */
export const ACCURACY_STRATEGIES = ['bloom k2', 'bloom k4', 'quotient-remainder', 'hybrid', 'hash'] as const;
export type AccuracyStrategy = (typeof ACCURACY_STRATEGIES)[number];

/** What the accuracy experiment runs. */
export interface AccuracyExperimentOptions {
  readonly models: readonly Model[];
  readonly dataset: string;
  readonly backend: string;
  /** Compression ratios (below 1; the dense baseline is ratio 1). */
  readonly ratios: readonly number[];
  readonly strategies: readonly AccuracyStrategy[];
  /** The hasher of the hashed tables. */
  readonly hasher: string;
  /** Random hyperparameter samples per (model, table, ratio). */
  readonly searchSamples: number;
  /** `write-up`: the write-up's space; `quick`: a small one for a first look (fixed `epochs`, larger batches). */
  readonly space: 'write-up' | 'quick';
  /** Epochs of every run in the quick space. */
  readonly epochs: number;
  /** The share of the training split carved out for validation, which selects each level's configuration. */
  readonly validation: number;
  /**
   * Head shares each hybrid level tries with every sample (its split between own rows and shared ones is then
   * chosen on validation like the rest of its configuration); default {@link HYBRID_HEAD_SHARES}.
   */
  readonly headShares?: readonly number[];
  readonly seed: number;
}

/** One compression level: a table and its ratio (dense: ratio 1). */
export interface AccuracyLevel {
  readonly label: string;
  readonly strategy: string;
  readonly ratio: number;
  readonly hashes: number | null;
}

// Hash functions per id of each compared table (null: none); hash embeddings take the paper's 2 components.
const HASHES: Readonly<Record<AccuracyStrategy, number | null>> = {
  'bloom k2': 2,
  'bloom k4': 4,
  'quotient-remainder': null,
  hybrid: 1,
  hash: 2,
};

/**
 * The head shares a hybrid level searches by default. The best share depends on the data and the configuration:
 * on ML-100K at ratio 0.2 under the dense level's chosen configuration, 0.25 kept 0.85 of the dense MRR and a
 * larger head 0.91 (benchmarks/results/experiments/accuracy-ml-100k-hybrid-0.2).
 */
export const HYBRID_HEAD_SHARES: readonly number[] = [0.25, 0.5, 1];

// bloom train's default head share: cells at it leave `headShare` out, so runs recorded before the share was
// searched are found again when a search resumes.
const DEFAULT_HEAD_SHARE = 0.25;

/** Dense, then every strategy at every ratio. */
export function accuracyLevels(options: AccuracyExperimentOptions): AccuracyLevel[] {
  const levels: AccuracyLevel[] = [{ label: 'dense', strategy: 'dense', ratio: 1, hashes: null }];
  for (const name of options.strategies)
    for (const ratio of options.ratios) {
      const hashes = HASHES[name];
      const strategy = name.startsWith('bloom') ? 'bloom' : name;
      levels.push({ label: name, strategy, ratio, hashes });
    }
  return levels;
}

interface Configuration {
  readonly loss: string;
  readonly lr: number;
  readonly batchSize: number;
  readonly dim: number;
  readonly epochs: number;
  readonly l2: number;
}

/**
 * The seeded hyperparameter samples of a model. The write-up's space: loss bpr or adaptive hinge (the LSTM: bpr;
 * sequence models gained the adaptive hinge after its searches were recorded, and adding it would change their
 * seeded samples), learning rate log-uniform in [1e-4, 1e-1], batch 16 to 512, d 32 to
 * 256, 1 to 19 epochs, l2 0 or log-uniform in [1e-6, 1e-2]. Every level of a model gets the same samples (common
 * random numbers: level-to-level differences are then the tables', not the draws').
 */
export function drawConfigurations(options: AccuracyExperimentOptions, model: Model): Configuration[] {
  const rng = new Rng(Rng.streamSeed(options.seed, `accuracy ${model}`));
  const pick = <T>(values: readonly T[]) => values[rng.nextInt(values.length)]!;
  const logUniform = (low: number, high: number) => Number((low * (high / low) ** rng.next()).toPrecision(3));
  const losses = model === 'factorization' ? ['bpr', 'adaptive-hinge'] : ['bpr'];
  return Array.from({ length: options.searchSamples }, () =>
    options.space === 'write-up'
      ? {
          loss: pick(losses),
          lr: logUniform(1e-4, 1e-1),
          batchSize: pick([16, 32, 64, 128, 256, 512]),
          dim: pick([32, 64, 128, 256]),
          epochs: 1 + rng.nextInt(19),
          l2: rng.next() < 0.5 ? 0 : logUniform(1e-6, 1e-2),
        }
      : {
          loss: pick(losses),
          lr: logUniform(1e-3, 5e-2),
          batchSize: pick(model === 'factorization' ? [256, 1024] : [128, 256]),
          dim: pick([16, 32, 64]),
          epochs: options.epochs,
          l2: pick([0, 1e-6, 1e-5]),
        },
  );
}

/** Every run of the search: each model's samples at each level, each with the validation split carved out. */
export function searchCells(options: AccuracyExperimentOptions): Cell[] {
  const levels = accuracyLevels(options);
  return options.models.flatMap((model) => {
    const configurations = drawConfigurations(options, model);
    const shares = options.headShares ?? HYBRID_HEAD_SHARES;
    return levels.flatMap((level) =>
      configurations.flatMap((c) =>
        (level.strategy === 'hybrid' ? shares : [DEFAULT_HEAD_SHARE]).map(
          (share): Cell => ({
            model,
            strategy: level.strategy,
            hasher:
              level.strategy === 'dense' || level.strategy === 'quotient-remainder' ? null : options.hasher,
            backend: options.backend,
            dim: c.dim,
            numEmbeddings: null,
            compression: level.strategy === 'dense' ? null : level.ratio,
            hashes: level.hashes,
            dataset: options.dataset,
            epochs: c.epochs,
            batchSize: c.batchSize,
            loss: c.loss,
            lr: c.lr,
            l2: c.l2,
            seed: options.seed,
            updateMode: 'sparse',
            output: model === 'factorization' ? null : 'tied',
            evaluate: true,
            repeat: 0,
            validation: options.validation,
            ...(share === DEFAULT_HEAD_SHARE ? {} : { headShare: share }),
          }),
        ),
      ),
    );
  });
}

const numberOf = (r: CellRecord, key: string) =>
  r.status === 'ok' && typeof r.result?.[key] === 'number' ? (r.result[key] as number) : undefined;

// Which level a run belongs to.
function levelOf(cell: Cell): string {
  if (cell.strategy === 'dense') return 'dense';
  const name = cell.strategy === 'bloom' ? `bloom k${cell.hashes}` : cell.strategy;
  return `${name} @ ${cell.compression}`;
}

/** One level's outcome: the configuration chosen on validation, scored on test; and the best on test itself. */
export interface AccuracyPoint {
  readonly model: string;
  /** The table (`bloom k4`, `hybrid`, ...). */
  readonly variant: string;
  readonly ratio: number;
  /** Trainable parameters of the chosen run (every table and network weight). */
  readonly parameters: number | null;
  /** Test MRR of the configuration with the best validation MRR. */
  readonly mrr: number | null;
  /** That over the dense level's (chosen the same way). */
  readonly relativeMrr: number | null;
  /** The write-up's view: the best test MRR of the level over the dense level's best test MRR. */
  readonly relativeMrrSelectedOnTest: number | null;
  /** Seconds per epoch of the chosen run over the dense level's chosen run. */
  readonly relativeTime: number | null;
  /** The chosen configuration. */
  readonly chosen: Cell | null;
  /** Runs of the level that finished. */
  readonly finished: number;
}

/** Each level of each model against the dense level of that model. */
export function accuracyPoints(records: readonly CellRecord[]): AccuracyPoint[] {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    const key = `${r.cell.model}\u0000${levelOf(r.cell)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const best = (runs: readonly CellRecord[], key: string) => {
    let chosen: CellRecord | undefined;
    for (const r of runs) {
      const value = numberOf(r, key);
      if (value !== undefined && (chosen === undefined || value > numberOf(chosen, key)!)) chosen = r;
    }
    return chosen;
  };
  const points: AccuracyPoint[] = [];
  for (const [key, runs] of groups) {
    const [model] = key.split('\u0000') as [string];
    const dense = groups.get(`${model}\u0000dense`) ?? [];
    const chosen = best(runs, 'validation_mrr');
    const denseChosen = best(dense, 'validation_mrr');
    const onTest = best(runs, 'mrr');
    const denseOnTest = best(dense, 'mrr');
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined && b > 0 ? a / b : null;
    const mrr = chosen === undefined ? undefined : numberOf(chosen, 'mrr');
    const cell = runs[0]!.cell;
    points.push({
      model,
      variant: cell.strategy === 'bloom' ? `bloom k${cell.hashes}` : cell.strategy,
      ratio: cell.compression ?? 1,
      parameters: chosen === undefined ? null : (numberOf(chosen, 'parameters') ?? null),
      mrr: mrr ?? null,
      relativeMrr: ratio(mrr, denseChosen && numberOf(denseChosen, 'mrr')),
      relativeMrrSelectedOnTest: ratio(
        onTest && numberOf(onTest, 'mrr'),
        denseOnTest && numberOf(denseOnTest, 'mrr'),
      ),
      relativeTime: ratio(
        chosen && numberOf(chosen, 'seconds_per_epoch'),
        denseChosen && numberOf(denseChosen, 'seconds_per_epoch'),
      ),
      chosen: chosen?.cell ?? null,
      finished: runs.filter((r) => numberOf(r, 'mrr') !== undefined).length,
    });
  }
  return points.sort(
    (a, b) => a.model.localeCompare(b.model) || a.variant.localeCompare(b.variant) || a.ratio - b.ratio,
  );
}

/** Writes accuracy.md, accuracy.json, accuracy-mrr.svg (against ratio) and accuracy-parameters.svg. */
export async function writeAccuracyReport(
  dir: string,
  context: ReportContext,
  options: AccuracyExperimentOptions,
  points: readonly AccuracyPoint[],
): Promise<string[]> {
  const series = (p: AccuracyPoint) => `${p.model}: ${p.variant}`;
  const compressed = points.filter((p) => p.variant !== 'dense' && p.relativeMrr !== null);
  const mrrPoints: ChartPoint[] = compressed.map((p) => ({
    x: p.ratio,
    y: p.relativeMrr!,
    series: series(p),
  }));
  for (const [ratio, v] of Object.entries(PUBLISHED_RELATIVE_MRR))
    mrrPoints.push({ x: Number(ratio), y: v, series: 'published: LSTM on ML-1M (murmur3, k 4)' });
  const parameterPoints: ChartPoint[] = points
    .filter((p) => p.relativeMrr !== null && p.parameters !== null)
    .map((p) => ({ x: p.parameters!, y: p.relativeMrr!, series: series(p) }));
  const files = ['accuracy.md', 'accuracy.json', 'accuracy-mrr.svg', 'accuracy-parameters.svg'];
  await writeChart(join(dir, files[2]!), mrrPoints, {
    title: 'Test MRR relative to dense, each level searched and chosen on validation',
    xTitle: 'compression ratio (table rows / ids)',
    yTitle: 'relative MRR',
    rule: 1,
  });
  await writeChart(join(dir, files[3]!), parameterPoints, {
    title: 'Relative MRR against trainable parameters',
    xTitle: 'parameters of the chosen run',
    yTitle: 'relative MRR',
    rule: 1,
  });
  const describe = (c: Cell | null) =>
    c === null
      ? '-'
      : `${c.loss}, d ${c.dim}, lr ${c.lr}, l2 ${c.l2}, batch ${c.batchSize}, ${c.epochs} epochs${c.strategy === 'hybrid' ? `, head share ${c.headShare ?? DEFAULT_HEAD_SHARE}` : ''}`;
  const lines = [
    ...reportHeader(context),
    `Every level (a table at a ratio; dense at 1) gets its own random search of ${options.searchSamples} samples in the`,
    `${options.space === 'write-up' ? "write-up's space (loss bpr or adaptive hinge, lr 1e-4 to 1e-1, batch 16 to 512, d 32 to 256, 1 to 19 epochs, l2 0 or 1e-6 to 1e-2)" : `quick space (lr 1e-3 to 5e-2, d 16 to 64, ${options.epochs} epochs)`},`,
    'the same samples for every level of a model. Each run carves',
    `${options.validation} of its training split out for validation; the level's configuration is the one with the best validation MRR,`,
    "and its test MRR is reported, over the dense level's chosen the same way. The write-up chose on test: that view is",
    'the column "relative, chosen on test" (best test MRR over the dense level\'s best test MRR).',
    '',
    '| model | items | ratio | parameters | test MRR (chosen on validation) | relative | relative, chosen on test | relative time | runs | published (LSTM, ML-1M) | chosen |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...points.map(
      (p) =>
        `| ${p.model} | ${p.variant} | ${p.ratio} | ${p.parameters ?? '-'} | ${formatNumber(p.mrr, 4)} | ${formatNumber(p.relativeMrr, 2)} | ${formatNumber(p.relativeMrrSelectedOnTest, 2)} | ${formatNumber(p.relativeTime, 2)} | ${p.finished} | ${PUBLISHED_RELATIVE_MRR[p.ratio] ?? '-'} | ${describe(p.chosen)} |`,
    ),
    '',
    `![relative MRR against ratio](${files[2]})`,
    '',
    `![relative MRR against parameters](${files[3]})`,
  ];
  writeFileSync(join(dir, files[0]!), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, files[1]!), `${JSON.stringify({ ...context, options, points }, null, 2)}\n`);
  return files;
}
