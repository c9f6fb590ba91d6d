import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../program.js';
import { bloom } from '../test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-experiment-'));
const log = join(dir, 'calls.log');
const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

// The runs are fake-train.mjs (a deterministic stand-in for bloom train): these tests check the experiments'
// plumbing, arithmetic and reports; the real figures are in benchmarks/results/experiments.
describe('bloom experiment', () => {
  beforeAll(() => {
    process.env.BLOOM_BENCH_BIN = fileURLToPath(new URL('../fixtures/fake-train.mjs', import.meta.url));
    process.env.FAKE_TRAIN_LOG = log;
  });
  afterAll(() => {
    delete process.env.BLOOM_BENCH_BIN;
    delete process.env.FAKE_TRAIN_LOG;
  });

  it('speed: dense vs bloom per size and update mode, beside the published curve', async () => {
    const out = join(dir, 'speed');
    const { code, json } = await bloom('experiment', 'speed', '--quick', '--out', out, '--json');
    expect(code).toBe(0);
    const points = (json as { points: { updateMode: string; n: number; speedup: number }[] }).points;
    expect(points).toHaveLength(8); // factorization and lstm x 2 sizes x 2 update modes
    expect(new Set(points.map((p) => (p as { model?: string }).model))).toEqual(
      new Set(['factorization', 'lstm']),
    );
    // The stand-in's dense-update time grows with N; bloom's table is faster by 2 everywhere.
    expect(points.every((p) => Math.abs(p.speedup - 2) < 1e-9)).toBe(true);
    expect(calls().every((c) => c.includes('--no-eval'))).toBe(true);
    const md = readFileSync(join(out, 'speed.md'), 'utf8');
    expect(md).toContain('| factorization | dense | 1e+4 | 0.1000 | 0.0500 | 2.00 | 0.78 |');
    // The command as given, so that the report reproduces the run.
    expect(md).toContain(
      `Command: \`bloom experiment speed --dataset ml-100k --backend wasm --out ${out} --quick --json\``,
    );
    expect(readFileSync(join(out, 'speed-speedup.svg'), 'utf8')).toContain('published (Spotlight, PyTorch)');
  });

  it('accuracy: a search at every level, chosen on validation, scored on test, resumable', async () => {
    const out = join(dir, 'accuracy');
    const before = calls().length;
    const { code, json } = await bloom('experiment', 'accuracy', '--quick', '--out', out, '--json');
    expect(code).toBe(0);
    // Quick: factorization, levels dense, bloom k4, hybrid and hash @ 0.2, 3 samples each (hybrid's at 3 head
    // shares), each with --validation.
    const runs = calls().slice(before);
    expect(runs).toHaveLength(18);
    expect(runs.filter((c) => c.includes('--head-share 1')).length).toBe(3);
    for (const run of runs) expect(run).toContain('--validation 0.1');
    const points = (
      json as {
        points: { variant: string; ratio: number; relativeMrr: number; relativeMrrSelectedOnTest: number }[];
      }
    ).points;
    expect(points.map((p) => [p.variant, p.ratio])).toEqual([
      ['bloom k4', 0.2],
      ['dense', 1],
      ['hash', 0.2],
      ['hybrid', 0.2],
    ]);
    // The stand-in: validation MRR 0.1 - lr (chooses the smallest lr), test MRR 0.05 x ratio (bloom) + lr.
    const lrs = runs.slice(0, 3).map((c) => Number(c.split('--lr ')[1]!.split(' ')[0]));
    const [low, high] = [Math.min(...lrs), Math.max(...lrs)];
    const bloomPoint = points[0]!;
    expect(bloomPoint.relativeMrr).toBeCloseTo((0.01 + low) / (0.05 + low), 9);
    expect(bloomPoint.relativeMrrSelectedOnTest).toBeCloseTo((0.01 + high) / (0.05 + high), 9);
    const md = readFileSync(join(out, 'accuracy.md'), 'utf8');
    expect(md).toContain('chosen on test');
    expect(readFileSync(join(out, 'accuracy-mrr.svg'), 'utf8')).toContain('published: LSTM on ML-1M');
    expect(readFileSync(join(out, 'accuracy-parameters.svg'), 'utf8')).toContain('<svg');
    // Resumed: nothing runs twice.
    await bloom('experiment', 'accuracy', '--quick', '--out', out, '--json');
    expect(calls().length - before).toBe(18);
  });

  it('names bad lists and their allowed values', async () => {
    const ratios = await bloom('experiment', 'accuracy', '--ratios', '0.2,1.5');
    expect(ratios.code).toBe(EXIT_USAGE);
    expect(ratios.err).toMatch(
      /Invalid --ratios: expected comma-separated compression ratios in \(0, 1\), got "1\.5"/,
    );
    const strategies = await bloom('experiment', 'accuracy', '--strategies', 'bloom k4,bloom k9');
    expect(strategies.err).toMatch(
      /Invalid --strategies: expected a comma-separated list of bloom k2, bloom k4/,
    );
    const shares = await bloom('experiment', 'accuracy', '--head-shares', '0.5,2');
    expect(shares.err).toMatch(
      /Invalid --head-shares: expected comma-separated head shares in \[0, 1\], got "2"/,
    );
    const models = await bloom('experiment', 'speed', '--models', 'gru');
    expect(models.err).toMatch(/Invalid --models: expected a comma-separated list of factorization, pooling/);
  });

  it('flatness: both item tables at both sizes in one process, the ratio of their median epochs', async () => {
    const out = join(dir, 'flatness');
    const { code, json, err } = await bloom(
      'experiment',
      'flatness',
      '--dataset',
      'synthetic',
      '--backend',
      'cpu',
      '--rounds',
      '3',
      '--sizes',
      '200,5000',
      '--out',
      out,
      '--json',
    );
    expect(err).not.toMatch(/^bloom: /m);
    expect(code).toBe(0);
    const { ratios } = json as { ratios: Record<string, number> };
    expect(Object.keys(ratios)).toEqual(['dense', 'bloom']);
    for (const ratio of Object.values(ratios)) expect(ratio).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(join(out, 'flatness.json'), 'utf8'));
    for (const row of report.rows) {
      expect(row.seconds[0]).toHaveLength(3);
      expect(row.ratio).toBeCloseTo(row.large / row.small, 12);
    }
    expect(readFileSync(join(out, 'flatness.md'), 'utf8')).toContain(
      '| items | s/epoch at 2e+2 | s/epoch at 5e+3 |',
    );
    const bad = await bloom('experiment', 'flatness', '--sizes', '1e4');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toMatch(/Invalid --sizes: expected two table sizes/);
  });

  it('sequence-floors: each representation at each ratio against its Spotlight floor', async () => {
    const out = join(dir, 'floors');
    const { code, json, err } = await bloom(
      'experiment',
      'sequence-floors',
      '--backend',
      'cpu',
      '--models',
      'pooling',
      '--ratios',
      '1',
      '--out',
      out,
      '--json',
    );
    expect(err).not.toMatch(/^bloom: /m);
    expect(code).toBe(0);
    const { rows } = json as { rows: { model: string; mrr: number; floor: number; met: boolean }[] };
    expect(rows).toHaveLength(1);
    // Pooling at ratio 1 over 25 epochs clears Spotlight's 0.13 (about 0.14 here).
    expect(rows[0]).toMatchObject({ model: 'pooling', floor: 0.13, met: rows[0]!.mrr >= 0.13 });
    expect(rows[0]!.mrr).toBeGreaterThan(0.1);
    expect(readFileSync(join(out, 'sequence-floors.md'), 'utf8')).toContain('| pooling | 2 | 25 | 0 | 1 |');
    const bad = await bloom('experiment', 'sequence-floors', '--models', 'gru');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toMatch(/Invalid --models: expected a list of cnn, lstm, mixture, pooling, got "gru"/);
  });

  it('sequence-output: dense baselines, then bloom items with the tied and the Bloom output, relative to them', async () => {
    const out = join(dir, 'output');
    const before = calls().length;
    const { code, json } = await bloom(
      'experiment',
      'sequence-output',
      '--ratios',
      '0.2',
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ experiment: 'sequence-output', runs: 8, ok: 8 });
    const runs = calls().slice(before);
    expect(runs).toHaveLength(8);
    expect(runs.filter((c) => c.includes('--dataset synthetic --epochs 25'))).toHaveLength(4);
    expect(
      runs.filter((c) => c.includes('--output bloom --output-compression 0.2 --output-hashes 4')),
    ).toHaveLength(2);
    const md = readFileSync(join(out, 'sequence-output.md'), 'utf8');
    // fake-train's MRR is 0.05 x ratio (1 for dense) + lr: 0.02 against the dense baseline's 0.06.
    expect(md).toContain('| synthetic | bloom 0.2, k 4 | tied | 0.0200 | 0.33 | 0.050 | 0.50 |');
    expect(md).toContain('| ml-100k | dense | softmax | 0.0600 | 1.00 |');
  });
});
