import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend } from '@bloom/backend-cpu';
import { Interactions } from '@bloom/data';
import { loadCheckpoint, saveCheckpoint } from '@bloom/models';
import { describe, expect, it } from 'vitest';
import { bloom } from '../test-support.js';

// The examples of docs/extending.md, run as users run them: loaded with --plugin, then used by name.
const example = (name: string) =>
  fileURLToPath(new URL(`../../../../docs/examples/${name}`, import.meta.url));

describe('docs/examples plugins', () => {
  it('a custom strategy trains through bloom train by its registered name', async () => {
    const { code, json } = await bloom(
      '--plugin',
      example('hashing-trick-strategy.mjs'),
      'train',
      '--embedding',
      'hashing-trick',
      '--compression',
      '0.3',
      '--dataset',
      'synthetic',
      '--epochs',
      '2',
      '--backend',
      'cpu',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ table_rows: 30, epochs: 2 }); // 0.3 x 100 synthetic items
  });

  it('a custom backend is found by name, and its tables do the work', async () => {
    const plugin = example('counting-backend.mjs');
    const { code, json } = await bloom(
      '--plugin',
      plugin,
      'train',
      '--backend',
      'counting',
      '--dataset',
      'synthetic',
      '--epochs',
      '1',
      '--batch-size',
      '1000',
      '--no-eval',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ backend: 'counting', device: 'CPU (counting)' });
    const { counts } = await import(plugin);
    // One fused step per batch looks up and updates the user, item and both bias tables.
    expect(counts.updates).toBeGreaterThan(0);
    expect(counts.lookups).toBeGreaterThanOrEqual(counts.updates);
  });

  it('a custom model trains through bloom train --model by its registered name, and learns popularity', async () => {
    const { code, json, err } = await bloom(
      '--plugin',
      example('item-bias-model.mjs'),
      'train',
      '--model',
      'item-bias',
      '--dataset',
      'synthetic',
      '--epochs',
      '5',
      '--backend',
      'cpu',
      '--json',
    );
    expect(err).not.toMatch(/^bloom: /m);
    expect(code).toBe(0);
    const result = json as Record<string, number | string>;
    expect(result).toMatchObject({
      model: 'item-bias',
      training_path: 'host',
      table_rows: 100,
      parameters: 100,
    });
    // Learned biases rank like popularity: close to the popularity baseline, far above chance (about 0.05).
    expect(result.mrr as number).toBeGreaterThan(0.8 * (result.baseline_mrr as number));
  });

  it("a custom model's checkpoint reloads through the models registry", async () => {
    await import(example('item-bias-model.mjs'));
    const { models } = await import('@bloom/core');
    const adapter = await cpuBackend.create();
    const model = models.get('item-bias').create({ numUsers: 3, numItems: 20, seed: 1 }, adapter);
    const data = new Interactions({
      userIds: Int32Array.from({ length: 200 }, (_, i) => i % 3),
      itemIds: Int32Array.from({ length: 200 }, (_, i) => (i * i) % 7),
      numUsers: 3,
      numItems: 20,
    });
    await model.fit(data, { epochs: 3, batchSize: 50 });
    const path = join(mkdtempSync(join(tmpdir(), 'bloom-plugin-')), 'item-bias.bloom');
    await saveCheckpoint(model, path);
    const loaded = await loadCheckpoint(path, adapter);
    expect(loaded.kind).toBe('item-bias');
    expect(await loaded.embeddings().items!.table.read()).toEqual(
      await model.embeddings().items!.table.read(),
    );
    // An unknown kind names the registered models.
    const definition = models.get('item-bias');
    models.unregister('item-bias');
    try {
      await expect(loadCheckpoint(path, adapter)).rejects.toThrow(/item-bias/);
    } finally {
      models.register(definition);
    }
  });
});
