import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cell, cellKey, seriesLabel } from './cell.js';
import type { MicroResult } from './micro.js';
import { type ChartPoint, writeChart } from './plots.js';
import type { CellRecord } from './runner.js';

/** Where and how a report was produced (printed at its top, so figures always carry their provenance). */
export interface ReportContext {
  readonly title: string;
  readonly command: string;
  readonly machine: string;
  readonly date: string;
}

/** A number with `digits` decimals for report tables; `-` for anything else (a run that did not finish). */
export const formatNumber = (v: unknown, digits: number): string =>
  typeof v === 'number' ? v.toFixed(digits) : '-';

/** The median of `xs` (the upper one of an even count), which a few slow runs on a shared machine do not move. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** The first lines of every report: its title, the command that made it and when, and the machine. */
export function reportHeader(context: ReportContext): string[] {
  return [
    `# ${context.title}`,
    '',
    `Command: \`${context.command}\` (${context.date})`,
    '',
    `Machine: ${context.machine}`,
    '',
  ];
}

/** The finished runs of one setting (every field of a cell but its seed and repeat), summarised. */
export interface SettingSummary {
  /** The first run's cell, standing for the setting. */
  readonly cell: Cell;
  readonly runs: number;
  readonly seeds: readonly number[];
  /** Median over the runs. */
  readonly secondsPerEpoch: number;
  /** Means over the runs (null where no run reported the metric). */
  readonly mrr: number | null;
  readonly precisionAt10: number | null;
  readonly recallAt10: number | null;
  readonly rmse: number | null;
}

/**
 * The ok runs grouped by setting, in first-seen order: the median seconds per epoch over seeds and repeats (a
 * noisy machine's swings do not decide a figure) and the mean of each metric (seeds vary the split and the start).
 */
export function summariseSettings(records: readonly CellRecord[]): SettingSummary[] {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    if (r.status !== 'ok' || typeof r.result?.seconds_per_epoch !== 'number') continue;
    const key = cellKey({ ...r.cell, seed: 0, repeat: 0 });
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => {
    const values = (name: string) =>
      runs.map((r) => r.result?.[name]).filter((v): v is number => typeof v === 'number');
    const mean = (name: string) => {
      const xs = values(name);
      return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    return {
      cell: runs[0]!.cell,
      runs: runs.length,
      seeds: [...new Set(runs.map((r) => r.cell.seed))],
      secondsPerEpoch: median(values('seconds_per_epoch')),
      mrr: mean('mrr'),
      precisionAt10: mean('precision_at_10'),
      recallAt10: mean('recall_at_10'),
      rmse: mean('rmse'),
    };
  });
}

/** The matrix as a Markdown document: one row per cell, the skipped and failed ones with their reason. */
export function matrixMarkdown(
  context: ReportContext,
  records: readonly CellRecord[],
  micro: readonly MicroResult[],
  plots: readonly string[],
): string {
  const lines = [
    ...reportHeader(context),
    'Each cell is one `bloom train --json` in a fresh process; seconds per epoch is its median epoch.',
    '',
    '| model | strategy | ratio | k | hasher | backend | d | N | status | s/epoch | MRR | RMSE | table rows | peak RSS (MiB) |',
    '| --- | --- | ---: | ---: | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...records.map((r) => {
      const c = r.cell;
      const res = r.result ?? {};
      const rss = typeof res.peak_rss_bytes === 'number' ? (res.peak_rss_bytes / 2 ** 20).toFixed(0) : '-';
      return `| ${c.model} | ${c.strategy} | ${c.compression ?? '-'} | ${c.hashes ?? '-'} | ${c.hasher ?? '-'} | ${c.backend} | ${c.dim} | ${c.numEmbeddings ?? 'data'} | ${r.status} | ${formatNumber(res.seconds_per_epoch, 4)} | ${formatNumber(res.mrr, 4)} | ${formatNumber(res.rmse, 4)} | ${res.table_rows ?? '-'} | ${rss} |`;
    }),
  ];
  const settings = summariseSettings(records);
  if (settings.some((s) => s.runs > 1)) {
    lines.push(
      '',
      '## Over seeds and repeats',
      '',
      'Each setting over its runs: the median seconds per epoch, the mean of each metric.',
      '',
      '| model | strategy | ratio | k | hasher | backend | d | N | runs | seeds | s/epoch (median) | MRR | P@10 | R@10 | RMSE |',
      '| --- | --- | ---: | ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
      ...settings.map(({ cell: c, ...s }) => {
        const cells = [
          c.model,
          c.strategy,
          c.compression ?? '-',
          c.hashes ?? '-',
          c.hasher ?? '-',
          c.backend,
          c.dim,
        ];
        return `| ${cells.join(' | ')} | ${c.numEmbeddings ?? 'data'} | ${s.runs} | ${s.seeds.join(', ')} | ${formatNumber(s.secondsPerEpoch, 4)} | ${formatNumber(s.mrr, 4)} | ${formatNumber(s.precisionAt10, 4)} | ${formatNumber(s.recallAt10, 4)} | ${formatNumber(s.rmse, 4)} |`;
      }),
    );
  }
  const notes = records.filter((r) => r.status !== 'ok');
  if (notes.length > 0) {
    lines.push('', '## Cells that did not run to the end', '');
    for (const r of notes)
      lines.push(`- ${seriesLabel(r.cell)}, N ${r.cell.numEmbeddings ?? 'data'}: ${r.status}: ${r.reason}`);
  }
  if (micro.length > 0) {
    lines.push(
      '',
      '## Micro-benchmarks (mitata, medians)',
      '',
      '| group | benchmark | median (µs) |',
      '| --- | --- | ---: |',
    );
    for (const m of micro) lines.push(`| ${m.group} | ${m.benchmark} | ${m.medianMicroseconds} |`);
  }
  if (plots.length > 0) {
    lines.push('', '## Plots', '');
    for (const p of plots) lines.push(`![${p}](${p})`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<name>.md`, `<name>.json` (records and micro-benchmarks) and the SVG plots into `dir`: seconds per
 * epoch against table size when the matrix varies N (one line per series), else one bar per series.
 * @returns The files written.
 */
export async function writeMatrixReport(
  dir: string,
  name: string,
  context: ReportContext,
  records: readonly CellRecord[],
  micro: readonly MicroResult[],
): Promise<string[]> {
  // One point per setting: the median over its seeds and repeats.
  const settings = summariseSettings(records);
  const sizes = new Set(settings.map((s) => s.cell.numEmbeddings));
  const byN = sizes.size > 1 && !sizes.has(null);
  const points: ChartPoint[] = settings.map((s) => ({
    x: byN ? (s.cell.numEmbeddings as number) : seriesLabel(s.cell),
    y: s.secondsPerEpoch,
    series: seriesLabel(withoutSize(s.cell)),
  }));
  const plots: string[] = [];
  if (points.length > 0) {
    const file = `${name}-seconds-per-epoch.svg`;
    await writeChart(join(dir, file), points, {
      title: `${context.title}: seconds per epoch`,
      xTitle: byN ? 'table size N (rows before compression)' : 'cell',
      yTitle: 'seconds per epoch (median)',
      logX: byN,
      logY: true,
      kind: byN ? 'line' : 'bar',
    });
    plots.push(file);
  }
  const markdown = `${name}.md`;
  writeFileSync(join(dir, markdown), matrixMarkdown(context, records, micro, plots));
  const json = `${name}.json`;
  writeFileSync(join(dir, json), `${JSON.stringify({ ...context, records, micro }, null, 2)}\n`);
  return [markdown, json, ...plots];
}

function withoutSize(cell: Cell): Cell {
  return { ...cell, numEmbeddings: null };
}
