import { cpuBackend } from '@bloom/backend-cpu';
import type { BackendAdapter } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequencePopularityModel } from '../evaluation/popularity.js';
import { sequenceMrrScore } from '../evaluation/sequence-mrr.js';
import { spotlightSyntheticSequences } from '../test-support.js';
import { PoolingSequenceModel } from './pooling-sequence.js';

let adapter: BackendAdapter;
let train: SequenceInteractions;
let test: SequenceInteractions;
/** Sequence MRR of predicting the most frequent items after any sequence: about 0.043. */
let popularity: number;
beforeAll(async () => {
  adapter = await cpuBackend.create();
  ({ train, test } = spotlightSyntheticSequences());
  popularity = sequenceMrrScore(sequencePopularityModel(train), test).mrr;
});

describe('PoolingSequenceModel on synthetic sequences', () => {
  // Spotlight's floors for pooling (k = 2, 25 epochs, BPR, batch 128, dim 32) at ratios 0.2, 0.5, 1.0. An
  // untrained pooling model already scores about 0.07 here, above popularity (0.043) and near the low floors, so
  // the trained model must also beat the better of the two by 10%.
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
      const untrained = sequenceMrrScore(model, test).mrr;
      await model.fit(train, { epochs: 25, batchSize: 128 });
      const { mrr } = sequenceMrrScore(model, test);
      expect(mrr).toBeGreaterThan(floor);
      expect(mrr).toBeGreaterThan(1.1 * Math.max(untrained, popularity));
      model.dispose();
    });
  }

  it('learns predictable sequences far better than chance with dense items', async () => {
    const model = PoolingSequenceModel.create(
      { numItems: 100, dim: 32, optimizer: { kind: 'adam', lr: 1e-2 } },
      adapter,
    );
    const untrained = sequenceMrrScore(model, test).mrr;
    const reports = await model.fit(train, { epochs: 10, batchSize: 128 });
    expect(reports.at(-1)!.loss).toBeLessThan(reports[0]!.loss);
    expect(sequenceMrrScore(model, test).mrr).toBeGreaterThan(1.5 * Math.max(untrained, popularity));
    model.dispose();
  });
});
