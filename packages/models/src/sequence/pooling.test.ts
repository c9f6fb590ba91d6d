import { cpuBackend } from '@bloom/backend-cpu';
import type { BackendAdapter } from '@bloom/core';
import { generateSequential, type SequenceInteractions, userBasedTrainTestSplit } from '@bloom/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequenceMrrScore } from '../evaluation/sequence-mrr.js';
import { PoolingSequenceModel } from './pooling-sequence.js';

let adapter: BackendAdapter;
let train: SequenceInteractions;
let test: SequenceInteractions;
beforeAll(async () => {
  adapter = await cpuBackend.create();
  // Spotlight's sequence test data: 100 users, 100 items, 20000 interactions, concentration 1e-3, order 2,
  // user-based split, sequences of length 10.
  const data = generateSequential({
    numUsers: 100,
    numItems: 100,
    numInteractions: 20000,
    concentration: 1e-3,
    order: 2,
    seed: 42,
  });
  const split = userBasedTrainTestSplit(data, { seed: 42 });
  train = split.train.toSequence({ maxLength: 10 });
  test = split.test.toSequence({ maxLength: 10 });
});

describe('PoolingSequenceModel on synthetic sequences', () => {
  // Spotlight's floors for pooling (k = 2, 25 epochs, BPR, batch 128, dim 32) at ratios 0.2, 0.5, 1.0.
  for (const [ratio, floor] of [
    [0.2, 0.06],
    [0.5, 0.07],
    [1.0, 0.13],
  ] as const) {
    it(`reaches Spotlight's sequence MRR floor ${floor} with bloom items at ratio ${ratio}`, async () => {
      const model = PoolingSequenceModel.create(
        {
          numItems: 100,
          dim: 32,
          loss: 'bpr',
          items: { strategy: 'bloom', options: { compressionRatio: ratio, numHashes: 2 } },
          optimizer: { kind: 'adam', lr: 1e-2 },
          seed: 1,
        },
        adapter,
      );
      await model.fit(train, { epochs: 25, batchSize: 128 });
      const { mrr } = sequenceMrrScore(model, test);
      expect(mrr).toBeGreaterThan(floor);
      model.dispose();
    });
  }

  it('learns predictable sequences far better than chance with dense items', async () => {
    const model = PoolingSequenceModel.create(
      { numItems: 100, dim: 32, optimizer: { kind: 'adam', lr: 1e-2 } },
      adapter,
    );
    const reports = await model.fit(train, { epochs: 10, batchSize: 128 });
    expect(reports.at(-1)!.loss).toBeLessThan(reports[0]!.loss);
    expect(sequenceMrrScore(model, test).mrr).toBeGreaterThan(0.1); // chance: about 0.05
    model.dispose();
  });
});
