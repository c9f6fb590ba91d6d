import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellKey, expandMatrix } from './cell.js';
import { parseMatrix } from './matrix.js';
import { chartSvg } from './plots.js';
import { summariseSettings, writeMatrixReport } from './report.js';
import type { CellRecord } from './runner.js';

describe('report', () => {
  it('renders an SVG chart with every series named', async () => {
    const svg = await chartSvg(
      [
        { x: 1e4, y: 0.1, series: 'dense' },
        { x: 1e6, y: 0.3, series: 'dense' },
        { x: 1e4, y: 0.2, series: 'bloom' },
      ],
      { title: 'speed', xTitle: 'N', yTitle: 's', logX: true, rule: 1 },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('dense');
    expect(svg).toContain('bloom');
    expect(svg).toContain('speed');
  });

  it('writes Markdown, JSON and a plot of seconds per epoch against N, listing cells that did not finish', async () => {
    const cells = expandMatrix(
      parseMatrix({ name: 'm', axes: { strategy: ['dense', 'bloom'], numEmbeddings: [1e4, 1e6] } }),
    );
    const records: CellRecord[] = cells.map((cell, i) => ({
      key: cellKey(cell),
      cell,
      ...(i === 3
        ? { status: 'timeout' as const, reason: 'stopped after the 5 s budget' }
        : { status: 'ok' as const, result: { seconds_per_epoch: 0.1 * (i + 1), mrr: 0.05, table_rows: 10 } }),
      wallSeconds: 1,
      finishedAt: '2026-01-01T00:00:00Z',
    }));
    const dir = mkdtempSync(join(tmpdir(), 'bloom-report-'));
    const context = { title: 'Test matrix', command: 'bloom bench', machine: 'test', date: 'today' };
    const micro = [{ group: 'hashing', benchmark: 'hash murmur3', medianMicroseconds: 120 }];
    const files = await writeMatrixReport(dir, 'test', context, records, micro);
    expect(files).toEqual(['test.md', 'test.json', 'test-seconds-per-epoch.svg']);
    const md = readFileSync(join(dir, 'test.md'), 'utf8');
    expect(md).toContain('| factorization | dense | - | - | - | wasm | 32 | 10000 | ok | 0.1000 | 0.0500 |');
    expect(md).toMatch(/bloom r0\.2 k4 murmur3 d32 wasm, N 1000000: timeout: stopped after the 5 s budget/);
    expect(md).toContain('| hashing | hash murmur3 | 120 |');
    expect(readFileSync(join(dir, 'test-seconds-per-epoch.svg'), 'utf8')).toContain('factorization bloom');
    expect(JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).records).toHaveLength(4);
  });

  it('summarises each setting over its seeds and repeats: the median time and the mean metrics', async () => {
    const matrix = parseMatrix({ name: 's', repeats: 2, axes: { strategy: ['dense'], seed: [1, 2] } });
    const cells = expandMatrix(matrix);
    expect(cells.map((c) => [c.seed, c.repeat])).toEqual([
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ]);
    const seconds = [0.4, 0.1, 0.3, 9];
    const mrrs = [0.1, 0.1, 0.2, 0.2];
    const records: CellRecord[] = cells.map((cell, i) => ({
      key: cellKey(cell),
      cell,
      status: 'ok' as const,
      result: { seconds_per_epoch: seconds[i]!, mrr: mrrs[i]!, precision_at_10: null },
      wallSeconds: 1,
      finishedAt: '2026-01-01T00:00:00Z',
    }));
    const [summary, ...rest] = summariseSettings(records);
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({ runs: 4, seeds: [1, 2], secondsPerEpoch: 0.4, precisionAt10: null });
    expect(summary!.mrr).toBeCloseTo(0.15, 12);
    const dir = mkdtempSync(join(tmpdir(), 'bloom-report-'));
    const context = { title: 'Seeds', command: 'bloom bench', machine: 'test', date: 'today' };
    await writeMatrixReport(dir, 's', context, records, []);
    expect(readFileSync(join(dir, 's.md'), 'utf8')).toContain(
      '| factorization | dense | - | - | - | wasm | 32 | data | 4 | 1, 2 | 0.4000 | 0.1500 | - | - | - |',
    );
  });
});
