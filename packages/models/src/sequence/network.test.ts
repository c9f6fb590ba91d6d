import { wasmBackend } from '@bloom/backend-wasm';
import type { BackendAdapter } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequencePopularityModel } from '../evaluation/popularity.js';
import { sequenceMrrScore, sequenceMrrScoreAsync } from '../evaluation/sequence-mrr.js';
import { spotlightSyntheticSequences } from '../test-support.js';
import { highestDraw, NetworkSequenceModel } from './network-sequence.js';

let adapter: BackendAdapter;
let train: SequenceInteractions;
let test: SequenceInteractions;
/** Sequence MRR of predicting the most frequent items after any sequence: about 0.043. */
let popularity: number;
beforeAll(async () => {
  adapter = await wasmBackend.create(); // tfjs's wasm backend runs the networks several times faster than cpu
  ({ train, test } = spotlightSyntheticSequences());
  popularity = sequenceMrrScore(sequencePopularityModel(train), test).mrr;
});

/**
 * A trained model must beat both baselines computed here, by 25%: popularity, and the same model untrained (an
 * untrained CNN scores about 0.22 through its tied output, far above chance).
 */
function expectLearned(trained: number, untrained: number): void {
  expect(trained).toBeGreaterThan(1.25 * Math.max(untrained, popularity));
}

describe('NetworkSequenceModel (lstm, cnn) on synthetic sequences', () => {
  for (const representation of ['lstm', 'cnn', 'mixture'] as const)
    it(`${representation} learns the sequences (beats popularity and its untrained self) and leaks no tensors`, async () => {
      const model = NetworkSequenceModel.create(
        { numItems: 100, dim: 32, loss: 'bpr', representation, seed: 1 },
        adapter,
      );
      const untrained = sequenceMrrScore(model, test).mrr;
      const first = await model.fit(train, { epochs: 1, batchSize: 128 }); // creates Adam's slots for the LSTM
      const before = tf.memory().numTensors;
      const reports = await model.fit(train, { epochs: 2, batchSize: 128 });
      expect(tf.memory().numTensors).toBe(before);
      expect(reports.at(-1)!.loss).toBeLessThan(first[0]!.loss);
      expectLearned(sequenceMrrScore(model, test).mrr, untrained);
      // The asynchronous path (WebGPU's) predicts exactly what the synchronous one does.
      const sequence = test.sequence(1);
      expect(Array.from(await model.predictAsync(sequence))).toEqual(Array.from(model.predict(sequence)));
      model.dispose();
    });

  it('two models with the same seed coexist (tfjs variable names stay unique) and start identical', async () => {
    const a = NetworkSequenceModel.create({ numItems: 100, dim: 8, representation: 'cnn', seed: 3 }, adapter);
    const b = NetworkSequenceModel.create({ numItems: 100, dim: 8, representation: 'cnn', seed: 3 }, adapter);
    const sequence = test.sequence(0);
    expect(Array.from(a.predict(sequence))).toEqual(Array.from(b.predict(sequence)));
    a.dispose();
    b.dispose();
  });

  it('the Bloom output layer learns the sequences, with no negatives, and scores items by their k log-probabilities', async () => {
    const model = NetworkSequenceModel.create(
      {
        numItems: 100,
        dim: 32,
        representation: 'lstm',
        output: { kind: 'bloom', compressionRatio: 0.5, numHashes: 2 },
        seed: 1,
      },
      adapter,
    );
    const untrained = sequenceMrrScore(model, test).mrr;
    const reports = await model.fit(train, { epochs: 3, batchSize: 128 });
    expect(reports.at(-1)!.loss).toBeLessThan(reports[0]!.loss);
    expectLearned(sequenceMrrScore(model, test).mrr, untrained);
    expect((await sequenceMrrScoreAsync(model, test)).mrr).toBe(sequenceMrrScore(model, test).mrr);
    // 32 x 50 projection and 50 biases besides the LSTM's three weights.
    const [weights, bias] = model.networkVariables.slice(3);
    expect(weights!.shape).toEqual([32, 50]);
    expect(bias!.shape).toEqual([50]);
    model.dispose();
  });

  it('refuses a Bloom output for the mixture representation, naming the option', () => {
    expect(() =>
      NetworkSequenceModel.create(
        { numItems: 100, representation: 'mixture', output: { kind: 'bloom' } },
        adapter,
      ),
    ).toThrow(/output/);
    expect(() =>
      NetworkSequenceModel.create({ numItems: 100, output: { kind: 'sampled-softmax' } as never }, adapter),
    ).toThrow(/output\.kind/);
  });

  it('refuses a loss or a count of negatives out of range, naming the option and what it allows', () => {
    expect(() => NetworkSequenceModel.create({ numItems: 100, loss: 'warp' as never }, adapter)).toThrow(
      /loss.*pointwise, bpr, hinge, adaptive-hinge/,
    );
    expect(() =>
      NetworkSequenceModel.create({ numItems: 100, loss: 'adaptive-hinge', numNegativeSamples: 0 }, adapter),
    ).toThrow(/numNegativeSamples.*\[1, 1024\]/);
  });

  it("the adaptive hinge's highest draw takes the first of equal scores, and only it gets the gradient", async () => {
    const drawn = [tf.tensor1d([1, 5, 2]), tf.tensor1d([3, 5, 2]), tf.tensor1d([2, 4, 2])];
    const { value, grads } = tf.valueAndGrads((...xs) => tf.sum(highestDraw(xs as tf.Tensor1D[])))(drawn);
    expect(await value.data()).toEqual(Float32Array.of(3 + 5 + 2));
    expect(await Promise.all(grads.map((g) => g.data()))).toEqual([
      Float32Array.of(0, 1, 1),
      Float32Array.of(1, 0, 0),
      Float32Array.of(0, 0, 0),
    ]);
    tf.dispose([...drawn, value, ...grads]);
  });
});
