import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cell, expandMatrix } from '../cell.js';
import { type Matrix, parseMatrix } from '../matrix.js';
import { type ChartPoint, writeChart } from '../plots.js';
import { formatNumber, type ReportContext, reportHeader } from '../report.js';
import type { CellRecord } from '../runner.js';

/**
 * The published speed-ups (dense fit time / bloom fit time, ratio 0.2, k 4, ML-100K, dim 32, BPR) read off the
 * write-up's plot: Spotlight on PyTorch, where dense tables slow down with their size
 * (../shared/reference/spotlight-semantics.md).
 */
export const PUBLISHED_SPEEDUPS: Readonly<Record<string, Readonly<Record<number, number>>>> = {
  factorization: { 1e4: 0.78, 1e5: 1.55, 1e6: 3.9, 5e6: 4.4 },
  pooling: { 1e4: 1.3, 1e5: 2.2, 1e6: 3.45, 5e6: 4.2 },
};

/** What the speed experiment runs. */
export interface SpeedExperimentOptions {
  readonly models: readonly Matrix['axes']['model'][number][];
  /** Inflated item table sizes N. The write-up's: 1e4, 5e4, 1e5, 5e5, 1e6, 5e6. */
  readonly sizes: readonly number[];
  /** `dense`: every row updated each step (the published method's cost); `sparse`: the engine. */
  readonly updateModes: readonly ('sparse' | 'dense')[];
  readonly dataset: string;
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly budgetSeconds: number;
}

/**
 * The write-up's speed script timed its LSTM at d 64, batch 512, the adaptive hinge (Spotlight's 5 negatives per
 * position) and 4 hash functions; the network rows do the same. Factorization and pooling keep the published
 * plot's settings (d 32, BPR, the experiment's batch size).
 */
export const SEQUENCE_NETWORK_SPEED = { dim: 64, batchSize: 512, loss: 'adaptive-hinge' } as const;

/** Cells of the experiment: each model x N x {dense, bloom 0.2 k 4} x update mode. */
export function speedCells(options: SpeedExperimentOptions): Cell[] {
  return options.models.flatMap((model) => {
    const network = model === 'lstm' || model === 'cnn' || model === 'mixture';
    const matrix = parseMatrix({
      name: 'speed',
      dataset: options.dataset,
      epochs: options.epochs,
      batchSize: network ? SEQUENCE_NETWORK_SPEED.batchSize : options.batchSize,
      loss: network ? SEQUENCE_NETWORK_SPEED.loss : 'bpr',
      budgetSeconds: options.budgetSeconds,
      evaluate: false,
      axes: {
        model: [model],
        strategy: ['dense', 'bloom'],
        backend: [options.backend],
        dim: [network ? SEQUENCE_NETWORK_SPEED.dim : 32],
        numEmbeddings: options.sizes,
        compression: [0.2],
        hashes: [4],
        updateMode: options.updateModes,
      },
    });
    return expandMatrix(matrix);
  });
}

/** One point of the curve: dense and bloom seconds per epoch at N, and their ratio. */
export interface SpeedPoint {
  readonly model: string;
  readonly updateMode: 'sparse' | 'dense';
  readonly n: number;
  readonly denseSeconds: number | null;
  readonly bloomSeconds: number | null;
  /** dense / bloom: above 1 when bloom is faster. */
  readonly speedup: number | null;
}

/** Pairs each dense cell with its bloom cell. Cells that did not finish leave nulls. */
export function speedPoints(records: readonly CellRecord[]): SpeedPoint[] {
  const seconds = (r: CellRecord | undefined) =>
    r?.status === 'ok' && typeof r.result?.seconds_per_epoch === 'number' ? r.result.seconds_per_epoch : null;
  const points: SpeedPoint[] = [];
  for (const dense of records.filter((r) => r.cell.strategy === 'dense')) {
    const c = dense.cell;
    const bloom = records.find(
      (r) =>
        r.cell.strategy === 'bloom' &&
        r.cell.model === c.model &&
        r.cell.updateMode === c.updateMode &&
        r.cell.numEmbeddings === c.numEmbeddings,
    );
    const [d, b] = [seconds(dense), seconds(bloom)];
    points.push({
      model: c.model,
      updateMode: c.updateMode,
      n: c.numEmbeddings ?? 0,
      denseSeconds: d,
      bloomSeconds: b,
      speedup: d !== null && b !== null ? d / b : null,
    });
  }
  return points;
}

/**
 * Writes speed.md, speed.json, speed-speedup.svg (our curves beside the published one) and
 * speed-seconds.svg (seconds per epoch against N).
 */
export async function writeSpeedReport(
  dir: string,
  context: ReportContext,
  points: readonly SpeedPoint[],
): Promise<string[]> {
  const label = (p: SpeedPoint) =>
    `${p.model}, Bloom ${p.updateMode === 'dense' ? 'dense updates (the published method)' : 'sparse engine'}`;
  const curve: ChartPoint[] = points
    .filter((p) => p.speedup !== null)
    .map((p) => ({ x: p.n, y: p.speedup!, series: label(p) }));
  for (const model of new Set(points.map((p) => p.model)))
    for (const [n, v] of Object.entries(PUBLISHED_SPEEDUPS[model] ?? {}))
      curve.push({ x: Number(n), y: v, series: `${model}, published (Spotlight, PyTorch)` });
  const absolute: ChartPoint[] = points.flatMap((p) => [
    ...(p.denseSeconds === null ? [] : [{ x: p.n, y: p.denseSeconds, series: `${label(p)}: dense table` }]),
    ...(p.bloomSeconds === null ? [] : [{ x: p.n, y: p.bloomSeconds, series: `${label(p)}: bloom table` }]),
  ]);
  const files = ['speed.md', 'speed.json', 'speed-speedup.svg', 'speed-seconds.svg'];
  await writeChart(join(dir, files[2]!), curve, {
    title: 'Speed-up of bloom (ratio 0.2, k 4) over dense tables',
    xTitle: 'table size N',
    yTitle: 'dense time / bloom time',
    logX: true,
    rule: 1,
  });
  await writeChart(join(dir, files[3]!), absolute, {
    title: 'Seconds per epoch',
    xTitle: 'table size N',
    yTitle: 'seconds per epoch (median)',
    logX: true,
    logY: true,
  });
  const lines = [
    ...reportHeader(context),
    'Speed-up = dense seconds per epoch / bloom seconds per epoch (ratio 0.2, k 4), item tables inflated to N rows.',
    '"dense updates" updates every row each step, the cost model of the published experiment (Spotlight\'s torch',
    'Adam); "sparse engine" updates only the rows a step touched. Published: read off the write-up\'s plot.',
    '',
    '| model | updates | N | dense s/epoch | bloom s/epoch | speed-up | published |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...points.map(
      (p) =>
        `| ${p.model} | ${p.updateMode} | ${p.n.toExponential(0)} | ${formatNumber(p.denseSeconds, 4)} | ${formatNumber(p.bloomSeconds, 4)} | ${formatNumber(p.speedup, 2)} | ${PUBLISHED_SPEEDUPS[p.model]?.[p.n] ?? '-'} |`,
    ),
    '',
    `![speed-up](${files[2]})`,
    '',
    `![seconds per epoch](${files[3]})`,
  ];
  writeFileSync(join(dir, files[0]!), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, files[1]!), `${JSON.stringify({ ...context, points }, null, 2)}\n`);
  return files;
}
