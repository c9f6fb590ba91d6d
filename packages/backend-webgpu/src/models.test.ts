import { describeRequiring } from '@bloom/conformance';
import { generateSequential, userBasedTrainTestSplit } from '@bloom/data';
import { NetworkSequenceModel, sequenceMrrScoreAsync } from '@bloom/models';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { WebGpuTable, webgpuBackend } from './index.js';

// Dawn needs a GPU or Mesa's EGL (llvmpipe): a machine without either skips with Dawn's reason; CI installs EGL
// and sets BLOOM_REQUIRE_WEBGPU=1, which turns a missing adapter into a failure.
const availability = await webgpuBackend.availability();
const missing = availability.available ? undefined : availability.reason;

describeRequiring('models on WebGPU', missing, 'BLOOM_REQUIRE_WEBGPU', () => {
  it('trains an LSTM sequence model on WebGPU with its item tables on the GPU, and evaluates it with asynchronous reads', async () => {
    const adapter = await webgpuBackend.create();
    expect(tf.getBackend()).toBe('webgpu');
    const data = generateSequential({
      numUsers: 50,
      numItems: 40,
      numInteractions: 4000,
      concentration: 1e-3,
      order: 2,
      seed: 3,
    });
    const { train, test } = userBasedTrainTestSplit(data, { seed: 3 });
    const model = NetworkSequenceModel.create(
      { numItems: 40, dim: 16, representation: 'lstm', seed: 1 },
      adapter,
    );
    // The item tables live on the GPU: the network reads them only through tensors.
    expect(model.items.table).toBeInstanceOf(WebGpuTable);
    expect(model.itemBias.table).toBeInstanceOf(WebGpuTable);
    const reports = await model.fit(train.toSequence({ maxLength: 10 }), { epochs: 3, batchSize: 64 });
    expect(reports.at(-1)!.loss).toBeLessThan(reports[0]!.loss);
    const { mrr } = await sequenceMrrScoreAsync(model, test.toSequence({ maxLength: 10 }));
    expect(mrr).toBeGreaterThan(0.15); // chance: about 0.1 with 40 items
    model.dispose();
  });
});
