import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend } from '@bloom/backend-cpu';
import { wasmBackend } from '@bloom/backend-wasm';
import { DataError } from '@bloom/core';
import { generateSequential, Interactions } from '@bloom/data';
import { fitHybridHead } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExplicitFactorizationModel } from '../factorization/explicit-factorization.js';
import { ImplicitFactorizationModel } from '../factorization/implicit-factorization.js';
import { NetworkSequenceModel } from '../sequence/network-sequence.js';
import { PoolingSequenceModel } from '../sequence/pooling-sequence.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

// Every model kind round-trips on every backend that runs here (webgpu's test is in @bloom/backend-webgpu).
const BACKENDS = { cpu: cpuBackend, wasm: wasmBackend };
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkpoints', () => {
  for (const [backend, definition] of Object.entries(BACKENDS))
    it(`a reloaded model predicts exactly what the saved one did, and trains on identically (${backend})`, async () => {
      const adapter = await definition.create();
      const data = generateSequential({ numUsers: 50, numItems: 80, numInteractions: 2000, seed: 3 });
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: 50,
          numItems: 80,
          dim: 8,
          loss: 'bpr',
          items: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 3, hasher: 'xxhash64' } },
          optimizer: { kind: 'adam', lr: 0.05 },
        },
        adapter,
      );
      await model.fit(data, { epochs: 2, batchSize: 128 });
      const dir = mkdtempSync(join(tmpdir(), 'bloom-ckpt-'));
      const path = join(dir, 'model.bloom');
      await saveCheckpoint(model, path);
      expect(readdirSync(dir)).toEqual(['model.bloom']); // the temporary file was renamed away
      const loaded = await loadCheckpoint(path, adapter);
      expect(loaded.config).toEqual(model.config);
      expect(Array.from((loaded as ImplicitFactorizationModel).predict(7))).toEqual(
        Array.from(model.predict(7)),
      );
      // Optimizer state came back too: one more identical step on both gives identical weights.
      const again = await loadCheckpoint(path, adapter);
      for (const m of [loaded, again])
        await (m as ImplicitFactorizationModel).fit(data.slice(0, 100), { epochs: 1, batchSize: 100 });
      expect(Array.from(await (again as ImplicitFactorizationModel).net.items.table.read())).toEqual(
        Array.from(await (loaded as ImplicitFactorizationModel).net.items.table.read()),
      );
    });

  it("keeps a hybrid table's head (the id-to-row map fitted on data) and keyed tables' keys", async () => {
    const adapter = await wasmBackend.create();
    const data = generateSequential({ numUsers: 30, numItems: 200, numInteractions: 3000, seed: 4 });
    const head = fitHybridHead(data.itemIds, 200, { compressionRatio: 0.3 });
    expect(head.length).toBe(15); // a quarter of the 60 rows
    const keys = Array.from({ length: 29 }, (_, i) => `user ${i + 1}`);
    const model = ImplicitFactorizationModel.create(
      {
        numUsers: 30,
        numItems: 200,
        dim: 8,
        loss: 'bpr',
        items: { strategy: 'hybrid', options: { compressionRatio: 0.3, head, numHashes: 2 } },
        users: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2, keys } },
      },
      adapter,
    );
    await model.fit(data, { epochs: 2, batchSize: 128 });
    const path = join(mkdtempSync(join(tmpdir(), 'bloom-ckpt-')), 'hybrid.bloom');
    await saveCheckpoint(model, path);
    const loaded = (await loadCheckpoint(path, adapter)) as ImplicitFactorizationModel;
    expect(loaded.config).toEqual(model.config);
    const ids = Int32Array.from({ length: 200 }, (_, i) => i);
    expect(Array.from(loaded.net.items.rowsFor(ids))).toEqual(Array.from(model.net.items.rowsFor(ids)));
    for (const user of [1, 7, 29])
      expect(Array.from(loaded.predict(user))).toEqual(Array.from(model.predict(user)));
  });

  for (const [backend, definition] of Object.entries(BACKENDS))
    it(`keeps hash embeddings' importance weights and their optimizer state (${backend})`, async () => {
      const adapter = await definition.create();
      const data = generateSequential({ numUsers: 30, numItems: 200, numInteractions: 3000, seed: 5 });
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: 30,
          numItems: 200,
          dim: 8,
          loss: 'bpr',
          items: { strategy: 'hash', options: { compressionRatio: 0.3, numHashes: 2 } },
          optimizer: { kind: 'adam', lr: 0.05 },
        },
        adapter,
      );
      await model.fit(data, { epochs: 2, batchSize: 128 });
      const trained = await model.net.items.table.read();
      // Pool [P, d] then weights [N, k]: training moved the weights off their initial 1.
      const weights = trained.subarray(model.net.items.strategy.tableRows * 8);
      expect(weights.length).toBe(model.net.items.strategy.importanceRows! * 2);
      expect(weights.some((w) => Math.abs(w - 1) > 1e-3)).toBe(true);
      const path = join(mkdtempSync(join(tmpdir(), 'bloom-ckpt-')), 'hash.bloom');
      await saveCheckpoint(model, path);
      const loaded = (await loadCheckpoint(path, adapter)) as ImplicitFactorizationModel;
      const again = (await loadCheckpoint(path, adapter)) as ImplicitFactorizationModel;
      expect(Array.from(await loaded.net.items.table.read())).toEqual(Array.from(trained));
      expect(Object.keys(await loaded.net.items.table.readState()).sort()).toEqual(
        Object.keys(await model.net.items.table.readState()).sort(),
      );
      expect(Array.from(loaded.predict(7))).toEqual(Array.from(model.predict(7)));
      // The Adam moments of both parts came back: one more step on each copy gives the same weights.
      for (const m of [loaded, again]) await m.fit(data.slice(0, 100), { epochs: 1, batchSize: 100 });
      expect(Array.from(await again.net.items.table.read())).toEqual(
        Array.from(await loaded.net.items.table.read()),
      );
    });

  for (const [backend, definition] of Object.entries(BACKENDS))
    it(`an explicit model reloads to identical predictions (${backend})`, async () => {
      const adapter = await definition.create();
      const data = new Interactions({
        userIds: Int32Array.from({ length: 300 }, (_, i) => i % 20),
        itemIds: Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 30),
        ratings: Float32Array.from({ length: 300 }, (_, i) => 1 + (i % 5)),
      });
      const model = ExplicitFactorizationModel.create(
        { numUsers: 20, numItems: 30, dim: 4, loss: 'poisson' },
        adapter,
      );
      await model.fit(data, { epochs: 2, batchSize: 64 });
      const path = join(mkdtempSync(join(tmpdir(), 'bloom-ckpt-')), 'explicit.bloom');
      await saveCheckpoint(model, path);
      const loaded = (await loadCheckpoint(path, adapter)) as ExplicitFactorizationModel;
      expect(loaded.kind).toBe('explicit-factorization');
      expect(Array.from(loaded.predict(data.userIds, data.itemIds))).toEqual(
        Array.from(model.predict(data.userIds, data.itemIds)),
      );
    });

  it('refuses files that are not checkpoints, other versions and corrupted ones, naming the file', async () => {
    const adapter = await cpuBackend.create();
    const model = ImplicitFactorizationModel.create({ numUsers: 3, numItems: 3, dim: 2 }, adapter);
    const dir = mkdtempSync(join(tmpdir(), 'bloom-ckpt-'));
    const good = join(dir, 'good.bloom');
    await saveCheckpoint(model, good);
    const bytes = readFileSync(good);

    const notOne = join(dir, 'not.bloom');
    writeFileSync(notOne, 'hello');
    await expect(loadCheckpoint(notOne, adapter)).rejects.toThrow(/not\.bloom: not a Bloom checkpoint/);

    const corrupt = join(dir, 'corrupt.bloom');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x55;
    writeFileSync(corrupt, flipped);
    await expect(loadCheckpoint(corrupt, adapter)).rejects.toThrow(DataError);
    await expect(loadCheckpoint(corrupt, adapter)).rejects.toThrow(
      /corrupted checkpoint: the weights do not match their checksum/,
    );

    const truncated = join(dir, 'truncated.bloom');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 8));
    await expect(loadCheckpoint(truncated, adapter)).rejects.toThrow(/corrupted/);

    const future = join(dir, 'future.bloom');
    writeFileSync(
      future,
      Buffer.from(bytes.toString('latin1').replace('"version":1', '"version":9'), 'latin1'),
    );
    await expect(loadCheckpoint(future, adapter)).rejects.toThrow(
      /version 9 is not supported; this Bloom reads version 1/,
    );
  });

  for (const [backend, definition] of Object.entries(BACKENDS))
    it(`sequence models (pooling, lstm, cnn, mixture, bloom output) reload to identical predictions, and resume identically (${backend})`, async () => {
      const adapter = await definition.create();
      const data = generateSequential({
        numUsers: 30,
        numItems: 40,
        numInteractions: 1500,
        concentration: 0.01,
        order: 1,
        seed: 5,
      });
      const sequences = data.toSequence({ maxLength: 6 });
      const dir = mkdtempSync(join(tmpdir(), 'bloom-ckpt-seq-'));
      const items = { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } };
      const models = [
        PoolingSequenceModel.create({ numItems: 40, dim: 6, items }, adapter),
        NetworkSequenceModel.create({ numItems: 40, dim: 6, items, representation: 'lstm' }, adapter),
        NetworkSequenceModel.create({ numItems: 40, dim: 6, items, representation: 'cnn' }, adapter),
        NetworkSequenceModel.create({ numItems: 40, dim: 6, items, representation: 'mixture' }, adapter),
        NetworkSequenceModel.create(
          { numItems: 40, dim: 6, items, output: { kind: 'bloom', compressionRatio: 0.5, numHashes: 2 } },
          adapter,
        ),
      ];
      for (const [i, model] of models.entries()) {
        await model.fit(sequences, { epochs: 2, batchSize: 64 });
        const path = join(dir, `seq-${i}.bloom`);
        await saveCheckpoint(model, path);
        const probe = sequences.sequence(3);
        const first = (await loadCheckpoint(path, adapter)) as PoolingSequenceModel | NetworkSequenceModel;
        expect(first.kind).toBe(model.kind);
        expect(Array.from(first.predict(probe))).toEqual(Array.from(model.predict(probe)));
        if (model instanceof NetworkSequenceModel && first instanceof NetworkSequenceModel) {
          // The network optimizer's iterations and moments came back too.
          const saved = await model.networkOptimizer.getWeights();
          const restored = await first.networkOptimizer.getWeights();
          expect(restored.length).toBe(saved.length);
          for (let w = 0; w < saved.length; w++) {
            expect(Array.from(await restored[w]!.tensor.data())).toEqual(
              Array.from(await saved[w]!.tensor.data()),
            );
          }
        }
        // Two reloads trained on identically (fresh seeded streams) stay identical: optimizer state came back.
        const second = (await loadCheckpoint(path, adapter)) as PoolingSequenceModel | NetworkSequenceModel;
        for (const m of [first, second]) await m.fit(sequences, { epochs: 1, batchSize: 64 });
        expect(Array.from(second.predict(probe))).toEqual(Array.from(first.predict(probe)));
        for (const m of [model, first, second]) m.dispose();
      }
    });
});
