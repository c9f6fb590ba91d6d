import { describe, expect, it } from 'vitest';
import { type Cell, cellKey, trainArguments } from '../cell.js';
import type { CellRecord } from '../runner.js';
import { type AccuracyExperimentOptions, accuracyLevels, accuracyPoints, searchCells } from './accuracy.js';
import { speedCells, speedPoints } from './speed.js';

const record = (cell: Cell, result?: Record<string, unknown>): CellRecord => ({
  key: cellKey(cell),
  cell,
  status: result ? 'ok' : 'timeout',
  result,
  reason: result ? undefined : 'stopped after the 1 s budget',
  wallSeconds: 1,
  finishedAt: 'now',
});

describe('speed experiment', () => {
  const options = {
    models: ['factorization', 'pooling'] as const,
    sizes: [1e4, 1e6],
    updateModes: ['dense', 'sparse'] as const,
    dataset: 'ml-100k',
    backend: 'wasm',
    epochs: 3,
    batchSize: 2048,
    budgetSeconds: 60,
  };

  it('runs dense and bloom (0.2, k 4) per model, size and update mode, without evaluation', () => {
    const cells = speedCells(options);
    expect(cells).toHaveLength(2 * 2 * 2 * 2);
    expect(cells.every((c) => !c.evaluate)).toBe(true);
    expect(
      cells.filter((c) => c.strategy === 'bloom').every((c) => c.compression === 0.2 && c.hashes === 4),
    ).toBe(true);
  });

  it("times the LSTM as the write-up's script did (d 64, batch 512, adaptive hinge), the others at d 32 and BPR", () => {
    const cells = speedCells({ ...options, models: ['factorization', 'lstm'] });
    const lstm = cells.filter((c) => c.model === 'lstm');
    expect(lstm).toHaveLength(8);
    expect(lstm.every((c) => c.dim === 64 && c.batchSize === 512 && c.loss === 'adaptive-hinge')).toBe(true);
    const factorization = cells.filter((c) => c.model === 'factorization');
    expect(factorization.every((c) => c.dim === 32 && c.batchSize === 2048 && c.loss === 'bpr')).toBe(true);
  });

  it('pairs each dense run with its bloom run; unfinished runs leave the speed-up empty', () => {
    const cells = speedCells(options);
    const records = cells.map((c) =>
      c.numEmbeddings === 1e6 && c.strategy === 'bloom' && c.model === 'pooling'
        ? record(c)
        : record(c, { seconds_per_epoch: c.strategy === 'dense' ? 2 : 0.5 }),
    );
    const points = speedPoints(records);
    expect(points).toHaveLength(8);
    expect(points.filter((p) => p.speedup === 4)).toHaveLength(6);
    const missing = points.filter((p) => p.speedup === null);
    expect(missing.map((p) => [p.model, p.n, p.bloomSeconds])).toEqual([
      ['pooling', 1e6, null],
      ['pooling', 1e6, null],
    ]);
  });
});

describe('accuracy experiment', () => {
  const options: AccuracyExperimentOptions = {
    models: ['lstm', 'factorization'],
    dataset: 'ml-100k',
    backend: 'wasm',
    ratios: [0.2, 0.5],
    strategies: ['bloom k4', 'hybrid', 'hash'],
    hasher: 'murmur3',
    searchSamples: 5,
    space: 'write-up',
    epochs: 4,
    validation: 0.1,
    seed: 7,
  };

  it("searches every level (dense, each table at each ratio) with the same seeded draws in the write-up's space", () => {
    expect(accuracyLevels(options).map((l) => [l.label, l.ratio, l.hashes])).toEqual([
      ['dense', 1, null],
      ['bloom k4', 0.2, 4],
      ['bloom k4', 0.5, 4],
      ['hybrid', 0.2, 1],
      ['hybrid', 0.5, 1],
      ['hash', 0.2, 2],
      ['hash', 0.5, 2],
    ]);
    const cells = searchCells(options);
    // 2 models x 5 samples x (5 levels + 2 hybrid levels x 3 head shares).
    expect(cells).toHaveLength(110);
    expect(searchCells(options)).toEqual(cells); // same seed, same cells: a resumed run finds them finished
    for (const c of cells) {
      expect(c.validation).toBe(0.1);
      expect(c.lr).toBeGreaterThanOrEqual(1e-4);
      expect(c.lr).toBeLessThanOrEqual(1e-1);
      expect(c.l2 === 0 || (c.l2 >= 1e-6 && c.l2 <= 1e-2)).toBe(true);
      expect([32, 64, 128, 256]).toContain(c.dim);
      expect([16, 32, 64, 128, 256, 512]).toContain(c.batchSize);
      expect(c.epochs).toBeGreaterThanOrEqual(1);
      expect(c.epochs).toBeLessThanOrEqual(19);
      expect(c.model === 'factorization' ? ['bpr', 'adaptive-hinge'] : ['bpr']).toContain(c.loss);
    }
    // Common random numbers: every level of a model has the same samples.
    const hyper = (c: Cell) => [c.loss, c.lr, c.dim, c.batchSize, c.epochs, c.l2].join();
    const lstm = cells.filter((c) => c.model === 'lstm');
    const dense = lstm.filter((c) => c.strategy === 'dense').map(hyper);
    const hybrid = lstm.filter((c) => c.strategy === 'hybrid' && c.compression === 0.5);
    // Each sample with each head share; the default share (0.25) left out of the cell, as earlier runs recorded it.
    for (const share of [undefined, 0.5, 1])
      expect(hybrid.filter((c) => c.headShare === share).map(hyper)).toEqual(dense);
    expect(cells.filter((c) => c.strategy !== 'hybrid').every((c) => !('headShare' in c))).toBe(true);
    expect(trainArguments(hybrid.find((c) => c.headShare === 0.5)!).join(' ')).toContain('--head-share 0.5');
    expect(trainArguments(hybrid.find((c) => c.headShare === undefined)!)).not.toContain('--head-share');
    expect(
      searchCells({ ...options, headShares: [0.25] }).filter((c) => c.strategy === 'hybrid'),
    ).toHaveLength(20);
    // The quick space: fixed epochs, larger batches.
    const quick = searchCells({ ...options, space: 'quick' });
    for (const c of quick) expect(c.epochs).toBe(4);
  });

  it('chooses each level on validation MRR, scores it on test, and also reports the choice on test', () => {
    const cells = searchCells({ ...options, models: ['factorization'] });
    // Validation MRR = lr, test MRR = ratio x (0.1 - lr): choosing on validation picks the largest lr, on test
    // the smallest; one dense run timed out.
    const records = cells.map((c, i) =>
      i === 0
        ? record(c)
        : record(c, {
            validation_mrr: c.lr,
            mrr: (c.compression ?? 1) * (0.1 - c.lr),
            seconds_per_epoch: c.strategy === 'dense' ? 2 : 1,
            parameters: 1000 * (c.compression ?? 1),
          }),
    );
    const points = accuracyPoints(records);
    expect(points.map((p) => [p.variant, p.ratio])).toEqual([
      ['bloom k4', 0.2],
      ['bloom k4', 0.5],
      ['dense', 1],
      ['hash', 0.2],
      ['hash', 0.5],
      ['hybrid', 0.2],
      ['hybrid', 0.5],
    ]);
    const lrs = cells.slice(0, 5).map((c) => c.lr);
    const denseLrs = lrs.slice(1); // the timed-out run is not a candidate
    const [high, low] = [Math.max(...lrs), Math.min(...lrs)];
    const denseChosen = 0.1 - Math.max(...denseLrs);
    const denseBestTest = 0.1 - Math.min(...denseLrs);
    for (const p of points) {
      const r = p.ratio;
      expect(p.mrr).toBeCloseTo(r * (0.1 - high), 12);
      expect(p.relativeMrr).toBeCloseTo((r * (0.1 - high)) / denseChosen, 12);
      expect(p.relativeMrrSelectedOnTest).toBeCloseTo((r * (0.1 - low)) / denseBestTest, 12);
      expect(p.relativeTime).toBe(p.variant === 'dense' ? 1 : 0.5);
      expect(p.parameters).toBe(1000 * r);
      // Hybrid levels run each sample at each of the 3 head shares.
      expect(p.finished).toBe(p.variant === 'dense' ? 4 : p.variant === 'hybrid' ? 15 : 5);
      expect(p.chosen?.lr).toBe(p.variant === 'dense' ? Math.max(...denseLrs) : high);
    }
  });
});
