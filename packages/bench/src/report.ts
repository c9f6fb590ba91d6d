import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cell, seriesLabel } from './cell.js';
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
  const ok = records.filter((r) => r.status === 'ok' && typeof r.result?.seconds_per_epoch === 'number');
  const sizes = new Set(ok.map((r) => r.cell.numEmbeddings));
  const byN = sizes.size > 1 && !sizes.has(null);
  const points: ChartPoint[] = ok.map((r) => ({
    x: byN ? (r.cell.numEmbeddings as number) : seriesLabel(r.cell),
    y: r.result!.seconds_per_epoch as number,
    series: seriesLabel(withoutSize(r.cell)),
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
