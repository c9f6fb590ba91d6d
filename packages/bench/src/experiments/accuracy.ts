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

/** What the accuracy experiment runs. */
export interface AccuracyExperimentOptions {
  readonly models: readonly Model[];
  readonly dataset: string;
  readonly backend: string;
  /** Compression ratios of the reruns (below 1; ratio 1.0 is the dense baseline). */
  readonly ratios: readonly number[];
  readonly hashers: readonly string[];
  /** Random hyperparameter samples per model at ratio 1.0. */
  readonly searchSamples: number;
  readonly epochs: number;
  /** Also rerun lstm/cnn with the Bloom output layer (against a full-softmax baseline). */
  readonly outputLayer: boolean;
  readonly seed: number;
}

function baseCell(model: Model, options: AccuracyExperimentOptions): Cell {
  return {
    model,
    strategy: 'dense',
    hasher: null,
    backend: options.backend,
    dim: 32,
    numEmbeddings: null,
    compression: null,
    hashes: null,
    dataset: options.dataset,
    epochs: options.epochs,
    batchSize: 256,
    loss: 'bpr',
    lr: 1e-2,
    l2: 0,
    seed: options.seed,
    updateMode: 'sparse',
    output: model === 'factorization' ? null : 'tied',
    evaluate: true,
    repeat: 0,
  };
}

/**
 * The random search at ratio 1.0 (dense tables), as in the write-up: learning rate log-uniform in [1e-3, 5e-2],
 * l2 in {0, 1e-7, 1e-6, 1e-5}, d in {16, 32, 64}, batch size from a model-appropriate set. Seeded, so a resumed
 * run draws the same cells.
 */
export function searchCells(options: AccuracyExperimentOptions): Cell[] {
  const rng = new Rng(options.seed);
  const pick = <T>(values: readonly T[]) => values[rng.nextInt(values.length)]!;
  return options.models.flatMap((model) =>
    Array.from({ length: options.searchSamples }, () => ({
      ...baseCell(model, options),
      lr: Number((1e-3 * 50 ** rng.next()).toPrecision(3)),
      l2: pick([0, 1e-7, 1e-6, 1e-5]),
      dim: pick([16, 32, 64]),
      batchSize: pick(model === 'factorization' ? [256, 1024, 2048] : [64, 128, 256]),
    })),
  );
}

const mrrOf = (r: CellRecord) =>
  r.status === 'ok' && typeof r.result?.mrr === 'number'
    ? (r.result.mrr as number)
    : Number.NEGATIVE_INFINITY;

/** The best search cell of each model (highest MRR). */
export function bestConfigurations(search: readonly CellRecord[]): Map<Model, Cell> {
  const best = new Map<Model, CellRecord>();
  for (const r of search) {
    const current = best.get(r.cell.model);
    if (mrrOf(r) > Number.NEGATIVE_INFINITY && (current === undefined || mrrOf(r) > mrrOf(current)))
      best.set(r.cell.model, r);
  }
  return new Map([...best].map(([m, r]) => [m, r.cell]));
}

/**
 * The reruns of each model's best configuration: bloom items at every ratio with every hasher (k 4), hybrid items
 * at every ratio (a head of the most frequent items with rows of their own, the tail on 1 murmur3 row each); and for
 * lstm/cnn with `outputLayer`, a full-softmax baseline and the Bloom output layer at every ratio (murmur3).
 */
export function rerunCells(best: ReadonlyMap<Model, Cell>, options: AccuracyExperimentOptions): Cell[] {
  const cells: Cell[] = [];
  for (const [model, config] of best) {
    for (const ratio of options.ratios)
      for (const hasher of options.hashers)
        cells.push({ ...config, strategy: 'bloom', compression: ratio, hashes: 4, hasher });
    for (const ratio of options.ratios)
      cells.push({ ...config, strategy: 'hybrid', compression: ratio, hashes: 1, hasher: 'murmur3' });
    if (options.outputLayer && (model === 'lstm' || model === 'cnn')) {
      cells.push({ ...config, output: 'softmax' });
      for (const ratio of options.ratios)
        cells.push({
          ...config,
          strategy: 'bloom',
          compression: ratio,
          hashes: 4,
          hasher: 'murmur3',
          output: 'bloom',
        });
    }
  }
  return cells;
}

/** One rerun against its baseline. */
export interface AccuracyPoint {
  readonly model: string;
  readonly variant: string;
  readonly ratio: number;
  readonly mrr: number | null;
  readonly relativeMrr: number | null;
  readonly relativeTime: number | null;
}

/** Each rerun relative to its baseline: the best search cell (tied output), or the softmax rerun (bloom output). */
export function accuracyPoints(
  best: ReadonlyMap<Model, Cell>,
  search: readonly CellRecord[],
  reruns: readonly CellRecord[],
): AccuracyPoint[] {
  const seconds = (r: CellRecord | undefined) => r?.result?.seconds_per_epoch as number | undefined;
  const points: AccuracyPoint[] = [];
  for (const [model, config] of best) {
    const tiedBase = search.find(
      (r) => r.cell === config || JSON.stringify(r.cell) === JSON.stringify(config),
    );
    const softmaxBase = reruns.find((r) => r.cell.model === model && r.cell.output === 'softmax');
    const compressed = (x: CellRecord) => x.cell.strategy === 'bloom' || x.cell.strategy === 'hybrid';
    for (const r of reruns.filter((x) => x.cell.model === model && compressed(x))) {
      const base = r.cell.output === 'bloom' ? softmaxBase : tiedBase;
      const mrr = mrrOf(r) > Number.NEGATIVE_INFINITY ? mrrOf(r) : null;
      const baseMrr = base !== undefined && mrrOf(base) > 0 ? mrrOf(base) : null;
      const [t, bt] = [seconds(r), seconds(base)];
      points.push({
        model,
        variant:
          r.cell.output === 'bloom'
            ? 'bloom output layer (murmur3)'
            : r.cell.strategy === 'hybrid'
              ? 'hybrid items (head + k 1)'
              : `bloom items, ${r.cell.hasher}`,
        ratio: r.cell.compression!,
        mrr,
        relativeMrr: mrr !== null && baseMrr !== null ? mrr / baseMrr : null,
        relativeTime: t !== undefined && bt !== undefined ? t / bt : null,
      });
    }
  }
  return points;
}

/** Writes accuracy.md, accuracy.json, accuracy-mrr.svg and accuracy-time.svg. */
export async function writeAccuracyReport(
  dir: string,
  context: ReportContext,
  best: ReadonlyMap<Model, Cell>,
  search: readonly CellRecord[],
  points: readonly AccuracyPoint[],
): Promise<string[]> {
  const series = (p: AccuracyPoint) => `${p.model}: ${p.variant}`;
  const mrrPoints: ChartPoint[] = points
    .filter((p) => p.relativeMrr !== null)
    .map((p) => ({ x: p.ratio, y: p.relativeMrr!, series: series(p) }));
  for (const [ratio, v] of Object.entries(PUBLISHED_RELATIVE_MRR))
    mrrPoints.push({ x: Number(ratio), y: v, series: 'published: LSTM on ML-1M (murmur3)' });
  const timePoints: ChartPoint[] = points
    .filter((p) => p.relativeTime !== null)
    .map((p) => ({ x: p.ratio, y: p.relativeTime!, series: series(p) }));
  const files = ['accuracy.md', 'accuracy.json', 'accuracy-mrr.svg', 'accuracy-time.svg'];
  await writeChart(join(dir, files[2]!), mrrPoints, {
    title: 'MRR relative to the uncompressed baseline',
    xTitle: 'compression ratio (table rows / ids)',
    yTitle: 'relative MRR',
    rule: 1,
  });
  await writeChart(join(dir, files[3]!), timePoints, {
    title: 'Fit time relative to the uncompressed baseline',
    xTitle: 'compression ratio',
    yTitle: 'relative seconds per epoch',
    rule: 1,
  });
  const describe = (c: Cell) =>
    `d ${c.dim}, lr ${c.lr}, l2 ${c.l2}, batch ${c.batchSize}, ${c.epochs} epochs`;
  const lines = [
    ...reportHeader(context),
    "A random search at ratio 1.0 (dense tables) picks each model's configuration by held-out MRR (the split the",
    "reruns are scored on, like the write-up's validation MRR); that configuration is rerun with bloom items (k 4)",
    'at each ratio and hasher, with hybrid items (the most frequent items with rows of their own, the rest on one',
    'hashed row each, in the same row budget) at each ratio, and for lstm/cnn with the Bloom output layer against a',
    'full-softmax baseline.',
    '',
    '## Search at ratio 1.0',
    '',
    '| model | d | lr | l2 | batch | MRR | s/epoch | status |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...search.map(
      (r) =>
        `| ${r.cell.model} | ${r.cell.dim} | ${r.cell.lr} | ${r.cell.l2} | ${r.cell.batchSize} | ${formatNumber(r.result?.mrr as number, 4)} | ${formatNumber(r.result?.seconds_per_epoch as number, 3)} | ${r.status}${r.reason ? `: ${r.reason}` : ''} |`,
    ),
    '',
    ...[...best].map(([m, c]) => `Best ${m}: ${describe(c)}.`),
    '',
    '## Reruns',
    '',
    '| model | variant | ratio | MRR | relative MRR | relative time | published (LSTM, ML-1M) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...points.map(
      (p) =>
        `| ${p.model} | ${p.variant} | ${p.ratio} | ${formatNumber(p.mrr, 4)} | ${formatNumber(p.relativeMrr, 2)} | ${formatNumber(p.relativeTime, 2)} | ${PUBLISHED_RELATIVE_MRR[p.ratio] ?? '-'} |`,
    ),
    '',
    `![relative MRR](${files[2]})`,
    '',
    `![relative time](${files[3]})`,
  ];
  writeFileSync(join(dir, files[0]!), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, files[1]!),
    `${JSON.stringify({ ...context, best: Object.fromEntries(best), search, points }, null, 2)}\n`,
  );
  return files;
}
