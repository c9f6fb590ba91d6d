import { cpuBackend } from '@bloom/backend-cpu';
import { wasmBackend } from '@bloom/backend-wasm';
import type { BackendAdapter } from '@bloom/core';
import { type Interactions, loadDataset, randomTrainTestSplit } from '@bloom/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mrrScore } from '../evaluation/mrr.js';
import { popularityScorer } from '../evaluation/popularity.js';
import { precisionRecallAtK } from '../evaluation/precision-recall.js';
import { SHARED_DATA } from '../test-support.js';
import { ImplicitFactorizationModel } from './implicit-factorization.js';

let adapter: BackendAdapter;
let train: Interactions;
let test: Interactions;
/** MRR of ranking every user's items by popularity alone, on the same split: about 0.049. */
let popularity: number;
beforeAll(async () => {
  adapter = await cpuBackend.create();
  const { interactions } = await loadDataset('ml-100k', { dataDir: SHARED_DATA, download: false });
  ({ train, test } = randomTrainTestSplit(interactions, { testFraction: 0.2, seed: 42 }));
  popularity = mrrScore(popularityScorer(train), test, train).mrr;
});

describe('ImplicitFactorizationModel on ML-100K', () => {
  // Spotlight's own acceptance test (tests/factorization/test_implicit.py): BPR, k = 2, dim 32, 10 epochs,
  // batch 1024, lr 1e-2, l2 1e-6, random split seed 42; MRR floors with its 0.005 tolerance. Those floors are
  // below what ranking by popularity scores here, so each model must also beat popularity by 10%, and its own
  // untrained start (about 0.005) by far.
  const floors: [number, number][] = [
    [0.5, 0.03],
    [1.0, 0.04],
    [1.5, 0.045],
    [2.0, 0.045],
  ];
  for (const [ratio, floor] of floors) {
    it(`BPR with bloom items at ratio ${ratio} reaches Spotlight's MRR floor ${floor}`, async () => {
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: train.numUsers,
          numItems: train.numItems,
          dim: 32,
          loss: 'bpr',
          items: { strategy: 'bloom', options: { compressionRatio: ratio, numHashes: 2 } },
          optimizer: { kind: 'adam', lr: 1e-2, weightDecay: 1e-6 },
          seed: 1,
        },
        adapter,
      );
      const untrained = mrrScore(model.net, test, train).mrr;
      await model.fit(train, { epochs: 10, batchSize: 1024 });
      const { mrr } = mrrScore(model.net, test, train);
      expect(mrr).toBeGreaterThan(floor - 0.005);
      expect(mrr).toBeGreaterThan(1.1 * popularity);
      expect(mrr).toBeGreaterThan(5 * untrained);
      model.dispose();
    });
  }

  it('the wasm backend (SIMD tables and step) reaches the same floor at ratio 1 as the TypeScript path', async () => {
    const wasm = await wasmBackend.create();
    const mrrs: number[] = [];
    for (const backend of [wasm, adapter]) {
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: train.numUsers,
          numItems: train.numItems,
          dim: 32,
          loss: 'bpr',
          items: { strategy: 'bloom', options: { compressionRatio: 1, numHashes: 2 } },
          optimizer: { kind: 'adam', lr: 1e-2, weightDecay: 1e-6 },
          seed: 1,
        },
        backend,
      );
      await model.fit(train, { epochs: 10, batchSize: 1024 });
      mrrs.push(mrrScore(model.net, test, train).mrr);
      model.dispose();
    }
    expect(mrrs[0]).toBeGreaterThan(0.04 - 0.005);
    expect(mrrs[0]).toBeGreaterThan(1.2 * popularity);
    // float32 kernels against float64 loops: the two runs drift apart only by rounding.
    expect(Math.abs(mrrs[0]! - mrrs[1]!)).toBeLessThan(0.005);
    await tf.setBackend('cpu');
  });

  it('every loss trains (pointwise, hinge, adaptive hinge) and beats popularity by 20%', async () => {
    for (const loss of ['pointwise', 'hinge', 'adaptive-hinge'] as const) {
      const model = ImplicitFactorizationModel.create(
        { numUsers: train.numUsers, numItems: train.numItems, loss, seed: 2 },
        adapter,
      );
      const reports = await model.fit(train, { epochs: 3, batchSize: 1024 });
      expect(reports[2]!.loss).toBeLessThan(reports[0]!.loss);
      const { mrr } = mrrScore(model.net, test, train);
      expect(mrr).toBeGreaterThan(1.2 * popularity); // random ranking: about 0.004
      const { precision, recall } = precisionRecallAtK(model.net, test, train, 10);
      expect(precision).toBeGreaterThan(0.05);
      expect(recall).toBeGreaterThan(0.01);
      model.dispose();
    }
  });
});

describe('ImplicitFactorizationModel.predict', () => {
  // Every item (chunked, a fused dot where the table has one) and chosen items score alike, and as pairs do.
  for (const [name, backend] of Object.entries({ cpu: cpuBackend, wasm: wasmBackend }))
    it(`scores every item as it scores chosen items and pairs (${name})`, async () => {
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: 20,
          numItems: 70_000, // more than one chunk
          dim: 6,
          loss: 'bpr',
          seed: 4,
          items: { strategy: 'bloom', options: { compressionRatio: 0.01, numHashes: 3 } },
        },
        await backend.create(),
      );
      const all = model.predict(7);
      const chosen = Int32Array.of(0, 65_535, 65_536, 69_999, 12);
      expect(Array.from(model.predict(7, chosen))).toEqual(Array.from(chosen, (i) => all[i]!));
      const pairs = model.net.score(new Int32Array(chosen.length).fill(7), chosen);
      for (let j = 0; j < chosen.length; j++) expect(all[chosen[j]!]).toBeCloseTo(pairs[j]!, 5);
      // The serving scorer of a catalogue: a hashed table's rows scored once each, then summed per item.
      const catalog = Int32Array.from({ length: 69_999 }, (_, i) => i + 1);
      const served = model.catalogScorer(catalog)(7);
      let worst = 0;
      for (let j = 0; j < catalog.length; j++)
        worst = Math.max(worst, Math.abs(served[j]! - all[catalog[j]!]!));
      expect(worst).toBeLessThan(1e-5);
      model.dispose();
    });
});
