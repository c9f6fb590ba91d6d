import { describe, expect, it } from 'vitest';
import { type Cell, cellKey } from '../cell.js';
import type { CellRecord } from '../runner.js';
import { accuracyPoints, bestConfigurations, rerunCells, searchCells } from './accuracy.js';
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

  it("times the LSTM as the write-up's script did (d 64, batch 512; hinge for its adaptive hinge), the others at d 32 and BPR", () => {
    const cells = speedCells({ ...options, models: ['factorization', 'lstm'] });
    const lstm = cells.filter((c) => c.model === 'lstm');
    expect(lstm).toHaveLength(8);
    expect(lstm.every((c) => c.dim === 64 && c.batchSize === 512 && c.loss === 'hinge')).toBe(true);
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
  const options = {
    models: ['lstm', 'factorization'] as const,
    dataset: 'ml-100k',
    backend: 'wasm',
    ratios: [0.2, 0.5],
    hashers: ['murmur3', 'xxhash32'],
    searchSamples: 5,
    epochs: 4,
    outputLayer: true,
    seed: 7,
  };

  it('draws a seeded search in the documented ranges, dense tables at ratio 1.0', () => {
    const cells = searchCells(options);
    expect(cells).toHaveLength(10);
    expect(searchCells(options)).toEqual(cells); // same seed, same cells: a resumed run finds them finished
    for (const c of cells) {
      expect(c.strategy).toBe('dense');
      expect(c.lr).toBeGreaterThanOrEqual(1e-3);
      expect(c.lr).toBeLessThanOrEqual(5e-2);
      expect([0, 1e-7, 1e-6, 1e-5]).toContain(c.l2);
      expect([16, 32, 64]).toContain(c.dim);
      expect(c.model === 'factorization' ? [256, 1024, 2048] : [64, 128, 256]).toContain(c.batchSize);
    }
  });

  it('reruns the best configuration per ratio and hasher, and the Bloom output layer against a softmax baseline', () => {
    const search = searchCells(options);
    const records = search.map((c, i) =>
      i === 3 ? record(c) : record(c, { mrr: c.lr, seconds_per_epoch: 1 }),
    );
    const best = bestConfigurations(records);
    const lstmBest = search
      .filter((c, i) => c.model === 'lstm' && i !== 3)
      .reduce((a, b) => (b.lr > a.lr ? b : a));
    expect(best.get('lstm')).toEqual(lstmBest);
    const reruns = rerunCells(best, options);
    // lstm: 2 ratios x 2 hashers, 2 hybrid, a softmax baseline, 2 bloom outputs; factorization: 2 x 2 + 2 hybrid.
    expect(reruns).toHaveLength(4 + 2 + 1 + 2 + 4 + 2);
    expect(reruns.filter((c) => c.strategy === 'hybrid').map((c) => [c.compression, c.hashes])).toEqual([
      [0.2, 1],
      [0.5, 1],
      [0.2, 1],
      [0.5, 1],
    ]);
    const rerunRecords = reruns.map((c) =>
      record(c, { mrr: (c.output === 'softmax' ? 2 : (c.compression ?? 1)) * c.lr, seconds_per_epoch: 0.5 }),
    );
    const points = accuracyPoints(best, records, rerunRecords);
    expect(points).toHaveLength(4 + 2 + 2 + 4 + 2);
    const bloomOutput = points.filter((p) => p.variant.startsWith('bloom output'));
    // Against the softmax baseline (2 x lr): ratio r gives r / 2.
    expect(bloomOutput.map((p) => p.relativeMrr)).toEqual([0.1, 0.25]);
    const tied = points.filter((p) => p.model === 'factorization');
    for (const p of tied) {
      expect(p.relativeMrr).toBeCloseTo(p.ratio, 12);
      expect(p.relativeTime).toBe(0.5);
    }
  });
});
