import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { cellKey, expandMatrix, seriesLabel, trainArguments } from './cell.js';
import { loadMatrix, parseMatrix } from './matrix.js';

const minimal = { name: 'm', axes: { strategy: ['dense', 'bloom'], numEmbeddings: [10_000, 1_000_000] } };

describe('benchmark matrix', () => {
  it('fills defaults and refuses unknown or bad fields, naming their path', () => {
    const m = parseMatrix(minimal);
    expect(m).toMatchObject({
      dataset: 'ml-100k',
      epochs: 3,
      batchSize: 2048,
      loss: 'bpr',
      budgetSeconds: 300,
    });
    expect(m.axes).toMatchObject({ model: ['factorization'], backend: ['wasm'], dim: [32], hashes: [4] });
    expect(() => parseMatrix({ ...minimal, axes: { ...minimal.axes, hashs: [2] } }, 'm.json')).toThrow(
      /Invalid m\.json: axes: .*hashs/,
    );
    expect(() => parseMatrix({ ...minimal, axes: { ...minimal.axes, dim: [0] } }, 'm.json')).toThrow(
      /Invalid m\.json: axes\.dim\.0: .*got 0/,
    );
    expect(() => parseMatrix({ ...minimal, axes: { ...minimal.axes, model: ['GRU net'] } })).toThrow(
      /axes\.model\.0/,
    );
    // Any model name passes: `bloom train --model NAME` finds it in the models registry (a plugin's too), or the
    // cell fails with the registry's list of names.
    expect(parseMatrix({ ...minimal, axes: { ...minimal.axes, model: ['gru'] } }).axes.model).toEqual([
      'gru',
    ]);
    expect(() => parseMatrix({ ...minimal, axes: { ...minimal.axes, strategy: [] } })).toThrow(
      /axes\.strategy/,
    );
  });

  it('reads files, with typed errors for missing files and bad JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bloom-matrix-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(minimal));
    writeFileSync(join(dir, 'bad.json'), '{"name": "m",');
    expect(loadMatrix(join(dir, 'ok.json')).name).toBe('m');
    expect(() => loadMatrix(join(dir, 'bad.json'))).toThrow(DataError);
    expect(() => loadMatrix(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadMatrix(join(dir, 'none.json'))).toThrow(/none\.json: cannot read/);
  });

  it('expands the cartesian product, without duplicates for options a strategy ignores', () => {
    const m = parseMatrix({
      name: 'm',
      axes: {
        strategy: ['dense', 'bloom', 'quotient-remainder'],
        hasher: ['murmur3', 'xxhash32'],
        backend: ['cpu', 'wasm'],
        compression: [0.2, 0.5],
        hashes: [2, 4],
      },
    });
    const cells = expandMatrix(m);
    // dense: 2 backends; bloom: 2 hashers x 2 backends x 2 ratios x 2 k; quotient-remainder: 2 backends x 2 ratios.
    expect(cells).toHaveLength(2 + 16 + 4);
    expect(new Set(cells.map(cellKey)).size).toBe(cells.length);
    const dense = cells.find((c) => c.strategy === 'dense')!;
    expect(dense).toMatchObject({ hasher: null, compression: null, hashes: null, numEmbeddings: null });
    expect(cellKey({ ...dense })).toBe(cellKey(Object.fromEntries(Object.entries(dense).reverse()) as never));
  });

  it('turns a cell into bloom train arguments and a series label', () => {
    const [cell] = expandMatrix(
      parseMatrix({
        name: 'm',
        epochs: 2,
        axes: { model: ['lstm'], strategy: ['bloom'], numEmbeddings: [50_000], backend: ['cpu'] },
      }),
    );
    expect(trainArguments(cell!)).toEqual(
      // biome-ignore format: one flag and its value per line
      ['train', '--model', 'sequence', '--representation', 'lstm', '--embedding', 'bloom', '--backend', 'cpu',
        '--dim', '32', '--hasher', 'murmur3', '--compression', '0.2', '--hashes', '4', '--num-embeddings', '50000',
        '--dataset', 'ml-100k', '--epochs', '2', '--batch-size', '2048', '--loss', 'bpr', '--lr', '0.01', '--l2', '0',
        '--seed', '42', '--update-mode', 'sparse'],
    );
    expect(seriesLabel(cell!)).toBe('lstm bloom r0.2 k4 murmur3 d32 cpu');
    const withOutput = { ...cell!, output: 'bloom' as const, updateMode: 'dense' as const };
    expect(trainArguments(withOutput).slice(-7)).toEqual([
      'dense',
      '--output',
      'bloom',
      '--output-compression',
      '0.2',
      '--output-hashes',
      '4',
    ]);
    expect(seriesLabel(withOutput)).toBe('lstm bloom r0.2 k4 murmur3 d32 cpu dense-updates bloom-output');
  });
});

describe('shipped matrices', () => {
  it('default and full validate, and full spans every axis the issue names', async () => {
    const { fileURLToPath } = await import('node:url');
    const at = (name: string) => fileURLToPath(new URL(`../matrices/${name}.json`, import.meta.url));
    expect(expandMatrix(loadMatrix(at('default'))).length).toBe(4 * 3 * 2);
    const full = loadMatrix(at('full'));
    for (const [name, values] of Object.entries(full.axes))
      if (name !== 'seed') expect(values.length).toBeGreaterThan(1);
    // The recorded experiments that moved here from benchmarks/: three runs of each of 16 settings, and 5 settings
    // (dense, bloom at two ratios and two k) over three seeds.
    expect(expandMatrix(loadMatrix(at('factorization-epoch'))).length).toBe(16 * 3);
    expect(expandMatrix(loadMatrix(at('spotlight-defaults'))).length).toBe(5 * 3);
  });
});
