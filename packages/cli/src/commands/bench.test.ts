import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../program.js';
import { bloom } from '../test-support.js';
import { DEFAULT_MATRIX } from './bench.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-bench-cli-'));
const log = join(dir, 'calls.log');
const matrix = join(dir, 'm.json');
const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0);

describe('bloom bench', () => {
  beforeAll(() => {
    process.env.BLOOM_BENCH_BIN = fileURLToPath(new URL('../fixtures/fake-train.mjs', import.meta.url));
    process.env.FAKE_TRAIN_LOG = log;
    writeFileSync(
      matrix,
      JSON.stringify({
        name: 'tiny',
        axes: { strategy: ['dense', 'bloom'], backend: ['cpu', 'tpu'], numEmbeddings: [10000, 100000] },
      }),
    );
  });
  afterAll(() => {
    delete process.env.BLOOM_BENCH_BIN;
    delete process.env.FAKE_TRAIN_LOG;
  });

  it('runs each available cell, skips unknown backends with the reason, and writes the report', async () => {
    const out = join(dir, 'results');
    const { code, json, err } = await bloom(
      'bench',
      '--matrix',
      matrix,
      '--out',
      out,
      '--no-micro',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ matrix: 'tiny', cells: 8, ok: 4, skipped: 4, failed: 0, timeout: 0 });
    expect(calls()).toBe(4);
    expect(err).toMatch(/no backend named 'tpu' is registered/);
    const md = readFileSync(join(out, 'tiny.md'), 'utf8');
    expect(md).toContain(
      '| factorization | bloom | 0.2 | 4 | murmur3 | cpu | 32 | 100000 | ok | 0.0500 | 0.0200 |',
    );
    expect(md).toMatch(/factorization dense d32 tpu, N 10000: skipped: no backend named 'tpu'/);
    expect(readFileSync(join(out, 'tiny-seconds-per-epoch.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(out, 'tiny.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);
    // Again: the finished cells are reused, not rerun; --fresh reruns them.
    expect(
      (await bloom('bench', '--matrix', matrix, '--out', out, '--no-micro', '--json')).json,
    ).toMatchObject({ ok: 4 });
    expect(calls()).toBe(4);
    await bloom('bench', '--matrix', matrix, '--out', out, '--no-micro', '--fresh', '--json');
    expect(calls()).toBe(8);
  });

  it("runs a plugin's registered model: each cell's process gets the --plugin and --model NAME", async () => {
    const plugin = fileURLToPath(new URL('../../../../docs/examples/item-bias-model.mjs', import.meta.url));
    const custom = join(dir, 'custom.json');
    writeFileSync(
      custom,
      JSON.stringify({
        name: 'custom',
        axes: { model: ['item-bias'], strategy: ['dense'], backend: ['cpu'] },
      }),
    );
    const before = calls();
    const { code, json, err } = await bloom(
      '--plugin',
      plugin,
      'bench',
      '--matrix',
      custom,
      '--out',
      join(dir, 'custom'),
      '--no-micro',
      '--json',
    );
    expect(err).not.toMatch(/^bloom: /m);
    expect(code).toBe(0);
    expect(json).toMatchObject({ cells: 1, ok: 1 });
    const call = readFileSync(log, 'utf8').trim().split('\n').slice(before).join('\n');
    expect(call).toContain(`--plugin ${plugin} train --model item-bias `);
  });

  it('names bad matrices and options', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ name: 'x', axes: { strategy: ['dense'], dim: [-1] } }),
    );
    const bad = await bloom('bench', '--matrix', join(dir, 'bad.json'), '--no-micro');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toMatch(/Invalid .*bad\.json: axes\.dim\.0/);
    const budget = await bloom('bench', '--budget', '0');
    expect(budget.code).toBe(EXIT_USAGE);
    expect(budget.err).toMatch(/Invalid --budget: expected seconds > 0/);
  });

  it('ships a default matrix that validates', async () => {
    const { loadMatrix, expandMatrix } = await import('@bloom/bench');
    expect(expandMatrix(loadMatrix(DEFAULT_MATRIX)).length).toBeGreaterThan(4);
  });
});
