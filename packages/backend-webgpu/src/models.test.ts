import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring } from '@bloom/conformance';
import type { Model } from '@bloom/core';
import {
  generateSequential,
  Interactions,
  type SequenceInteractions,
  userBasedTrainTestSplit,
} from '@bloom/data';
import {
  ExplicitFactorizationModel,
  ImplicitFactorizationModel,
  loadCheckpoint,
  NetworkSequenceModel,
  PoolingSequenceModel,
  saveCheckpoint,
  sequenceMrrScoreAsync,
} from '@bloom/models';
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

  it('saves every model kind trained on WebGPU and reloads it there to identical predictions (asynchronous reads only)', async () => {
    const adapter = await webgpuBackend.create();
    const data = generateSequential({ numUsers: 20, numItems: 30, numInteractions: 600, order: 1, seed: 4 });
    const sequences = data.toSequence({ maxLength: 6 });
    const rated = new Interactions({
      userIds: data.userIds,
      itemIds: data.itemIds,
      ratings: Float32Array.from(data.itemIds, (i) => 1 + (i % 5)),
    });
    const dir = mkdtempSync(join(tmpdir(), 'bloom-webgpu-ckpt-'));
    const probe = sequences.sequence(2);
    const cases: [Model, Interactions | SequenceInteractions, (m: Model) => Promise<number[]>][] = [
      [
        ImplicitFactorizationModel.create({ numUsers: 20, numItems: 30, dim: 4 }, adapter),
        data,
        async (m) => Array.from((m as ImplicitFactorizationModel).predict(3)),
      ],
      [
        ExplicitFactorizationModel.create({ numUsers: 20, numItems: 30, dim: 4 }, adapter),
        rated,
        async (m) => Array.from((m as ExplicitFactorizationModel).predict(data.userIds, data.itemIds)),
      ],
      [
        PoolingSequenceModel.create({ numItems: 30, dim: 4 }, adapter),
        sequences,
        async (m) => Array.from((m as PoolingSequenceModel).predict(probe)),
      ],
      ...(['lstm', 'cnn', 'mixture'] as const).map(
        (representation) =>
          [
            NetworkSequenceModel.create({ numItems: 30, dim: 8, representation, seed: 2 }, adapter),
            sequences,
            async (m: Model) => Array.from(await (m as NetworkSequenceModel).predictAsync(probe)),
          ] as [Model, SequenceInteractions, (m: Model) => Promise<number[]>],
      ),
    ];
    for (const [model, train, predict] of cases) {
      await model.fit(train, { epochs: 1, batchSize: 64 });
      const path = join(dir, `${model.kind}.bloom`);
      await saveCheckpoint(model, path);
      const loaded = await loadCheckpoint(path, adapter);
      expect(loaded.kind).toBe(model.kind);
      expect(await predict(loaded), model.kind).toEqual(await predict(model));
      model.dispose();
      loaded.dispose();
    }
  });
});
