// The sequence models on the wasm backend's fused trainer against their reference paths (the tfjs ops, and the
// pooling model's TypeScript step) on the same seeds: the same epochs give the same weights and rows to float
// tolerance, the same losses and the same MRR; state passes between the paths across fits; bad ids change nothing.
import { wasmBackend } from '@bloom/backend-wasm';
import { type BackendAdapter, IdRangeError, type SequenceTrainer } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import type { SparseEmbedding } from '@bloom/embeddings';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequencePopularityModel } from '../evaluation/popularity.js';
import { sequenceMrrScore } from '../evaluation/sequence-mrr.js';
import { spotlightSyntheticSequences } from '../test-support.js';
import { type NetworkSequenceConfig, NetworkSequenceModel } from './network-sequence.js';
import { PoolingSequenceModel } from './pooling-sequence.js';

let adapter: BackendAdapter;
let train: SequenceInteractions;
let test: SequenceInteractions;
let popularity: number;
beforeAll(async () => {
  adapter = await wasmBackend.create();
  ({ train, test } = spotlightSyntheticSequences());
  popularity = sequenceMrrScore(sequencePopularityModel(train), test).mrr;
});

const FIT = { epochs: 3, batchSize: 64 };

// Every weight of a table (a hash-embeddings table's pool, then its importance weights).
function rows(e: SparseEmbedding): Promise<Float32Array> {
  return e.table.read();
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

type Trained = NetworkSequenceModel | PoolingSequenceModel;

/**
 * The adaptive hinge's choice of negative is discontinuous: once float noise makes the paths choose differently
 * where two draws score alike, they drift apart (measured on the mixture: 8e-6 apart after one epoch, 2e-2 after
 * two, where the plain hinge is 1e-4 apart). So its runs are compared after one epoch.
 */
const ONE_EPOCH = { ...FIT, epochs: 1 };

async function compare(reference: Trained, fused: Trained, referencePath: string, fit = FIT): Promise<void> {
  const expected = await reference.fit(train, { ...fit, fused: false });
  const reports = await fused.fit(train, fit);
  expect(reference.trainingPath?.trainer).toBe(referencePath);
  expect(fused.trainingPath).toEqual({ trainer: 'wasm-fused', threads: 1 });
  for (const [i, r] of reports.entries()) expect(r.loss).toBeCloseTo(expected[i]!.loss, 3);
  expect(
    maxDifference(await rows(fused.items as SparseEmbedding), await rows(reference.items as SparseEmbedding)),
  ).toBeLessThan(2e-3);
  expect(
    maxDifference(
      await rows(fused.itemBias as SparseEmbedding),
      await rows(reference.itemBias as SparseEmbedding),
    ),
  ).toBeLessThan(2e-3);
  if (reference instanceof NetworkSequenceModel && fused instanceof NetworkSequenceModel) {
    const [a, b] = [reference.networkVariables, fused.networkVariables];
    for (let i = 0; i < a.length; i++) {
      expect(maxDifference(b[i]!.dataSync(), a[i]!.dataSync()), `weight ${i}`).toBeLessThan(2e-3);
    }
  }
  const mrr = sequenceMrrScore(fused, test).mrr;
  const referenceMrr = sequenceMrrScore(reference, test).mrr;
  expect(Math.abs(mrr - referenceMrr)).toBeLessThan(0.01);
  expect(mrr).toBeGreaterThan(1.25 * popularity);
}

describe('fused sequence training on wasm against the reference paths, same seeds', () => {
  const networks: { name: string; config: Omit<NetworkSequenceConfig, 'numItems'> }[] = [
    { name: 'lstm, bpr', config: { representation: 'lstm', loss: 'bpr' } },
    {
      name: 'lstm, hinge, l2 1e-3',
      config: {
        representation: 'lstm',
        loss: 'hinge',
        optimizer: { kind: 'adam', lr: 1e-2, weightDecay: 1e-3 },
      },
    },
    { name: 'cnn, pointwise', config: { representation: 'cnn', loss: 'pointwise' } },
    { name: 'mixture, bpr', config: { representation: 'mixture', loss: 'bpr' } },
    { name: 'lstm, adaptive hinge', config: { representation: 'lstm', loss: 'adaptive-hinge' } },
    {
      name: 'mixture, adaptive hinge over 3 negatives',
      config: { representation: 'mixture', loss: 'adaptive-hinge', numNegativeSamples: 3 },
    },
    {
      name: 'lstm, Bloom output',
      config: { representation: 'lstm', output: { kind: 'bloom', compressionRatio: 0.5, numHashes: 2 } },
    },
    { name: 'cnn, softmax output', config: { representation: 'cnn', output: { kind: 'softmax' } } },
    {
      name: 'lstm, hash-embedding items (pool and importance weights)',
      config: { representation: 'lstm', items: { strategy: 'hash', options: { compressionRatio: 0.5 } } },
    },
  ];
  for (const { name, config } of networks) {
    it(`${name}: the same weights, rows, losses and MRR as the tfjs path`, async () => {
      const make = () => NetworkSequenceModel.create({ numItems: 100, dim: 16, seed: 5, ...config }, adapter);
      const [reference, fused] = [make(), make()];
      await compare(reference, fused, 'tfjs', config.loss === 'adaptive-hinge' ? ONE_EPOCH : FIT);
      reference.dispose();
      fused.dispose();
    });
  }

  it('pooling, bpr: the same rows, losses and MRR as its TypeScript step', async () => {
    const make = () => PoolingSequenceModel.create({ numItems: 100, dim: 16, seed: 5, loss: 'bpr' }, adapter);
    const [reference, fused] = [make(), make()];
    await compare(reference, fused, 'host');
  });

  it('pooling, adaptive hinge: the same rows, losses and MRR as its TypeScript step', async () => {
    const make = () =>
      PoolingSequenceModel.create({ numItems: 100, dim: 16, seed: 5, loss: 'adaptive-hinge' }, adapter);
    const [reference, fused] = [make(), make()];
    await compare(reference, fused, 'host');
  });

  it('the adaptive hinge over one negative is the hinge (same draws, same steps)', async () => {
    const make = (loss: 'hinge' | 'adaptive-hinge') =>
      NetworkSequenceModel.create(
        { numItems: 100, dim: 8, seed: 3, representation: 'cnn', loss, numNegativeSamples: 1 },
        adapter,
      );
    const [hinge, adaptive] = [make('hinge'), make('adaptive-hinge')];
    const expected = await hinge.fit(train, { epochs: 1, batchSize: 64 });
    const reports = await adaptive.fit(train, { epochs: 1, batchSize: 64 });
    expect(reports[0]!.loss).toBe(expected[0]!.loss);
    expect(
      maxDifference(
        await rows(adaptive.items as SparseEmbedding),
        await rows(hinge.items as SparseEmbedding),
      ),
    ).toBe(0);
    hinge.dispose();
    adaptive.dispose();
  });

  it('pooling over hash-embedding items: the same rows, losses and MRR as its TypeScript step', async () => {
    const make = () =>
      PoolingSequenceModel.create(
        {
          numItems: 100,
          dim: 16,
          seed: 5,
          items: { strategy: 'hash', options: { compressionRatio: 0.6, numHashes: 3 } },
        },
        adapter,
      );
    const [reference, fused] = [make(), make()];
    await compare(reference, fused, 'host');
  });

  it('weights and Adam state pass between the paths across fits (fused then tfjs equals tfjs twice)', async () => {
    const make = () =>
      NetworkSequenceModel.create({ numItems: 100, dim: 16, seed: 9, representation: 'lstm' }, adapter);
    const [reference, mixed] = [make(), make()];
    const one = { epochs: 1, batchSize: 64 };
    await reference.fit(train, { ...one, fused: false });
    const second = await reference.fit(train, { ...one, fused: false });
    await mixed.fit(train, one);
    const after = await mixed.fit(train, { ...one, fused: false });
    expect(mixed.trainingPath?.trainer).toBe('tfjs');
    expect(after[0]!.loss).toBeCloseTo(second[0]!.loss, 3);
    const [a, b] = [reference.networkVariables, mixed.networkVariables];
    for (let i = 0; i < a.length; i++)
      expect(maxDifference(b[i]!.dataSync(), a[i]!.dataSync())).toBeLessThan(2e-3);
    reference.dispose();
    mixed.dispose();
  });

  for (const [name, config] of [
    ['lstm', { representation: 'lstm' }],
    ['cnn', { representation: 'cnn', loss: 'hinge' }],
    ['mixture', { representation: 'mixture' }],
    [
      'lstm, Bloom output',
      { representation: 'lstm', output: { kind: 'bloom', compressionRatio: 0.5, numHashes: 2 } },
    ],
  ] as const) {
    it(`${name} on 3 threads takes the one-thread steps (split minibatches, a last batch smaller than the split)`, async () => {
      const make = () => NetworkSequenceModel.create({ numItems: 100, dim: 12, seed: 4, ...config }, adapter);
      const [one, three] = [make(), make()];
      // A batch size that leaves a last minibatch of 2 sequences: fewer than the threads.
      const batchSize = train.length - 2 > 0 ? Math.ceil((train.length - 2) / 7) : 1;
      const last = train.length - Math.floor(train.length / batchSize) * batchSize;
      const fit = { epochs: 2, batchSize };
      const expected = await one.fit(train, fit);
      const reports = await three.fit(train, { ...fit, threads: 3 });
      expect(last).toBeGreaterThan(0);
      expect(three.trainingPath).toEqual({ trainer: 'wasm-fused', threads: 3 });
      for (const [i, r] of reports.entries()) expect(r.loss).toBeCloseTo(expected[i]!.loss, 4);
      const [a, b] = [one.networkVariables, three.networkVariables];
      for (let i = 0; i < a.length; i++)
        expect(maxDifference(b[i]!.dataSync(), a[i]!.dataSync())).toBeLessThan(1e-4);
      expect(
        maxDifference(await rows(three.items as SparseEmbedding), await rows(one.items as SparseEmbedding)),
      ).toBeLessThan(1e-4);
      one.dispose();
      three.dispose();
    });
  }

  it('lstm, adaptive hinge: a minibatch split over 3 threads chooses the same negatives and takes the same step', async () => {
    // One step from the same weights (after it, float noise may tip a later choice; see ONE_EPOCH).
    const make = () =>
      NetworkSequenceModel.create(
        { numItems: 100, dim: 12, seed: 4, representation: 'lstm', loss: 'adaptive-hinge' },
        adapter,
      );
    const [one, three] = [make(), make()];
    const fit = { epochs: 1, batchSize: train.length };
    const expected = await one.fit(train, fit);
    const reports = await three.fit(train, { ...fit, threads: 3 });
    expect(three.trainingPath).toEqual({ trainer: 'wasm-fused', threads: 3 });
    expect(reports[0]!.loss).toBeCloseTo(expected[0]!.loss, 4);
    const [a, b] = [one.networkVariables, three.networkVariables];
    for (let i = 0; i < a.length; i++)
      expect(maxDifference(b[i]!.dataSync(), a[i]!.dataSync())).toBeLessThan(1e-6);
    expect(
      maxDifference(await rows(three.items as SparseEmbedding), await rows(one.items as SparseEmbedding)),
    ).toBeLessThan(1e-6);
    one.dispose();
    three.dispose();
  });

  it('pooling on 2 threads takes the one-thread steps', async () => {
    const make = () => PoolingSequenceModel.create({ numItems: 100, dim: 8, seed: 4 }, adapter);
    const [one, two] = [make(), make()];
    const expected = await one.fit(train, { epochs: 2, batchSize: 64 });
    const reports = await two.fit(train, { epochs: 2, batchSize: 64, threads: 2 });
    expect(two.trainingPath).toEqual({ trainer: 'wasm-fused', threads: 2 });
    for (const [i, r] of reports.entries()) expect(r.loss).toBeCloseTo(expected[i]!.loss, 4);
    expect(maxDifference(await rows(two.items), await rows(one.items))).toBeLessThan(1e-4);
    expect(maxDifference(await rows(two.itemBias), await rows(one.itemBias))).toBeLessThan(1e-4);
  });

  it('refuses an out-of-range id before any row or weight changes', async () => {
    const model = NetworkSequenceModel.create(
      { numItems: 100, dim: 8, seed: 2, representation: 'cnn' },
      adapter,
    );
    await model.fit(train, { epochs: 1, batchSize: 64 });
    const trainer = adapter.createTrainer!('sequence', {
      items: { table: model.items.table, strategy: model.items.strategy },
      itemBias: { table: model.itemBias.table, strategy: model.itemBias.strategy },
      representation: 'cnn',
      kernelWidth: 3,
      components: 4,
      loss: 'bpr',
      output: { kind: 'tied' },
      dim: 8,
      maxLength: train.maxLength,
      weights: model.networkVariables.map((v) => v.dataSync() as Float32Array),
      adam: { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
    }) as SequenceTrainer;
    const L = train.maxLength;
    const before = {
      items: rows(model.items as SparseEmbedding),
      bias: rows(model.itemBias as SparseEmbedding),
      weights: trainer.weights(),
    };
    const targets = Int32Array.from({ length: 2 * L }, (_, i) => 1 + (i % 50));
    const negatives = Int32Array.from({ length: 2 * L }, (_, i) => 2 + (i % 50));
    for (const [bad, where] of [
      [100, targets],
      [-1, targets],
      [100, negatives],
    ] as const) {
      const saved = where[L + 3]!;
      where[L + 3] = bad;
      expect(() => trainer.step(targets, negatives, 2)).toThrow(IdRangeError);
      where[L + 3] = saved;
    }
    expect(rows(model.items as SparseEmbedding)).toEqual(before.items);
    expect(rows(model.itemBias as SparseEmbedding)).toEqual(before.bias);
    expect(trainer.weights()).toEqual(before.weights);
    expect(() => trainer.step(targets, null, 2)).toThrow(/negatives/);
    expect(() => trainer.step(targets, negatives, 3)).toThrow(/targets/);
    trainer.step(targets, negatives, 2);
    expect(trainer.weights()).not.toEqual(before.weights);
    model.dispose();
  });
});
