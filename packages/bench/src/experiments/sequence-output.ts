import type { Cell } from '../cell.js';
import { formatNumber, type ReportContext, reportHeader } from '../report.js';
import type { CellRecord } from '../runner.js';

/** Per dataset: the epochs and l2 of its runs (synthetic: Spotlight's LSTM test; ml-100k: its defaults). */
export const SEQUENCE_OUTPUT_DATASETS: Readonly<Record<string, { epochs: number; l2: number }>> = {
  synthetic: { epochs: 25, l2: 1e-7 },
  'ml-100k': { epochs: 10, l2: 0 },
};

/**
 * The runs comparing the Bloom output layer with Spotlight's tied output (the LSTM sequence model): per dataset,
 * dense items with the tied output and with a full softmax (the uncompressed baselines), then bloom items (k 4) at
 * each ratio with the tied output and with the Bloom output of the same ratio and k.
 */
export function sequenceOutputCells(backend: string, ratios: readonly number[] = [0.2, 0.5]): Cell[] {
  const cells: Cell[] = [];
  for (const [dataset, { epochs, l2 }] of Object.entries(SEQUENCE_OUTPUT_DATASETS)) {
    const base: Cell = {
      model: 'lstm',
      strategy: 'dense',
      hasher: null,
      backend,
      dim: 32,
      numEmbeddings: null,
      compression: null,
      hashes: null,
      dataset,
      epochs,
      batchSize: 128,
      loss: 'bpr',
      lr: 1e-2,
      l2,
      seed: 42,
      updateMode: 'sparse',
      output: 'tied',
      evaluate: true,
      repeat: 0,
    };
    cells.push(base, { ...base, output: 'softmax' });
    for (const compression of ratios) {
      const bloom: Cell = { ...base, strategy: 'bloom', hasher: 'murmur3', compression, hashes: 4 };
      cells.push(bloom, { ...bloom, output: 'bloom' });
    }
  }
  return cells;
}

/**
 * The report: each run's MRR and time, and relative to the uncompressed baseline of its output kind (tied: dense
 * items with the tied output; bloom: dense items with the full softmax).
 */
export function sequenceOutputMarkdown(context: ReportContext, records: readonly CellRecord[]): string {
  const ok = records.filter((r) => r.status === 'ok');
  const number = (r: CellRecord | undefined, name: string) => r?.result?.[name] as number | undefined;
  const baselineOf = (r: CellRecord) =>
    ok.find(
      (b) =>
        b.cell.dataset === r.cell.dataset &&
        b.cell.strategy === 'dense' &&
        b.cell.output === (r.cell.output === 'tied' ? 'tied' : 'softmax'),
    );
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a / b;
  const lines = [
    ...reportHeader(context),
    'Each row is one `bloom train --model sequence --representation lstm --dim 32 --batch-size 128 --seed 42` in a fresh',
    "process; synthetic: 25 epochs, l2 1e-7 (Spotlight's LSTM test); ml-100k: 10 epochs, l2 0. User split, sequences",
    'of 10, sequence MRR on the test users. One seed per cell, so differences of a few hundredths are noise. Relative',
    'MRR and time are against the uncompressed baseline of the same output kind (tied: dense items, tied; bloom:',
    'dense items, full softmax).',
    '',
    '| dataset | items | output | MRR | relative MRR | s/epoch (median) | relative time | parameters | status |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...records.map((r) => {
      const base = r.status === 'ok' ? baselineOf(r) : undefined;
      const items = r.cell.strategy === 'dense' ? 'dense' : `bloom ${r.cell.compression}, k ${r.cell.hashes}`;
      const mrr = number(r, 'mrr');
      const seconds = number(r, 'seconds_per_epoch');
      return `| ${r.cell.dataset} | ${items} | ${r.cell.output} | ${formatNumber(mrr, 4)} | ${formatNumber(ratio(mrr, number(base, 'mrr')), 2)} | ${formatNumber(seconds, 3)} | ${formatNumber(ratio(seconds, number(base, 'seconds_per_epoch')), 2)} | ${r.result?.parameters ?? '-'} | ${r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
