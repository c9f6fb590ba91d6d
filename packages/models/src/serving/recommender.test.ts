import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wasmBackend } from '@bloom/backend-wasm';
import { ConfigError } from '@bloom/core';
import { generateSequential, Interactions } from '@bloom/data';
import { describe, expect, it } from 'vitest';
import { loadServable, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { ImplicitFactorizationModel } from '../factorization/implicit-factorization.js';
import { PoolingSequenceModel } from '../sequence/pooling-sequence.js';
import { Recommender } from './recommender.js';
import { buildServingIndex } from './serving-index.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-serving-'));

// 20 users and 30 items with string ids; user u had items u+1, u+2 and u+3. Users 1..20, items 1..30.
function stringData() {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 1; u <= 20; u++)
    for (let j = 0; j < 3; j++) {
      users.push(u);
      items.push(1 + ((u + j) % 30));
    }
  const interactions = new Interactions({ userIds: users, itemIds: items, numUsers: 21, numItems: 31 });
  const vocabularies = {
    users: Array.from({ length: 20 }, (_, i) => `user-${i + 1}`),
    items: Array.from({ length: 30 }, (_, i) => `sku "${i + 1}"`),
  };
  return { interactions, vocabularies };
}

async function trained(users?: { strategy: string; options: Record<string, unknown> }) {
  const adapter = await wasmBackend.create();
  const model = ImplicitFactorizationModel.create(
    { numUsers: 21, numItems: 31, dim: 8, loss: 'bpr', seed: 1, ...(users ? { users } : {}) },
    adapter,
  );
  const { interactions, vocabularies } = stringData();
  await model.fit(interactions, { epochs: 3, batchSize: 16 });
  return { adapter, model, interactions, vocabularies };
}

describe('Recommender', () => {
  it("ranks the catalog by the model's scores in the data's own ids, and leaves seen items out on request", async () => {
    const { model, interactions, vocabularies } = await trained();
    const recommender = new Recommender(model, buildServingIndex(interactions, vocabularies));
    const scores = model.predict(5);
    const all = recommender.recommend('user-5', { k: 30 });
    expect(all.cold).toBe(false);
    // Every item seen in training (the default catalog: items 2..23), best first, each with the model's score.
    expect(all.items).toHaveLength(22);
    for (const { item, score } of all.items) expect(score).toBe(scores[Number(String(item).slice(5, -1))]);
    for (let i = 1; i < all.items.length; i++)
      expect(all.items[i - 1]!.score).toBeGreaterThanOrEqual(all.items[i]!.score);
    const fresh = recommender.recommend('user-5', { k: 30, excludeSeen: true });
    expect(fresh.items.map((r) => r.item)).toEqual(
      all.items
        .map((r) => r.item)
        .filter((item) => !['sku "6"', 'sku "7"', 'sku "8"'].includes(item as string)),
    );
    expect(recommender.score([{ user: 'user-5', item: 'sku "9"' }])).toEqual([scores[9]!]);
  });

  it('names an unknown id, a bad k, and refuses a user the dense table never trained', async () => {
    const { model, interactions, vocabularies } = await trained();
    const recommender = new Recommender(model, buildServingIndex(interactions, vocabularies));
    expect(() => recommender.recommend('nobody')).toThrow(
      new ConfigError('user', 'a user id the model was trained with', 'nobody'),
    );
    expect(() => recommender.score([{ user: 'user-1', item: 'sku 1' }])).toThrow(/Invalid item/);
    expect(() => recommender.recommend('user-1', { k: 0 })).toThrow(
      /Invalid k: expected an integer in \[1, 10000\]/,
    );
    // Without vocabularies the ids are the integers; user 0 exists in the table but had no interactions.
    const integers = new Recommender(model, buildServingIndex(interactions));
    expect(integers.recommend(3).items[0]!.item).toEqual(expect.any(Number));
    expect(() => integers.recommend(0)).toThrow(/dense user table has no trained row/);
    expect(() => integers.recommend('21')).toThrow(/an integer user id in \[0, 20\]/);
  });

  it('answers a cold user of a hashed (bloom) user table from its shared rows, flagged cold', async () => {
    const { model, interactions } = await trained({
      strategy: 'bloom',
      options: { compressionRatio: 0.5, numHashes: 2 },
    });
    const recommender = new Recommender(model, buildServingIndex(interactions));
    const cold = recommender.recommend(0, { k: 3 });
    expect(cold.cold).toBe(true);
    expect(cold.items.map((r) => r.score)).toEqual(
      Array.from(model.predict(0))
        .filter((_, i) => i > 0)
        .sort((a, b) => b - a)
        .slice(0, 3),
    );
  });

  it('round-trips through a checkpoint: identical recommendations after save and load', async () => {
    const { adapter, model, interactions, vocabularies } = await trained();
    const index = buildServingIndex(interactions, vocabularies, { catalog: Int32Array.of(2, 4, 6, 8) });
    const path = join(dir, 'model.bloom');
    await saveCheckpoint(model, path, { serving: index });
    const { model: loaded, serving } = await loadServable(path, adapter);
    expect(serving!.users).toEqual(vocabularies.users);
    const before = new Recommender(model, index);
    const after = new Recommender(loaded, serving!);
    for (const user of vocabularies.users) {
      expect(after.recommend(user, { k: 3, excludeSeen: true })).toEqual(
        before.recommend(user, { k: 3, excludeSeen: true }),
      );
    }
    // Loaded to answer only (no optimizer state): the same answers.
    const answering = await loadServable(path, adapter, { optimizerState: false });
    expect(new Recommender(answering.model, answering.serving!).recommend('user-3', { k: 5 })).toEqual(
      before.recommend('user-3', { k: 5 }),
    );
    // Only the catalog is ranked.
    expect(after.recommend('user-1', { k: 10 }).items.map((r) => r.item)).toHaveLength(4);
  });

  it("continues a sequence model's history: a user's training items, or a given history", async () => {
    const adapter = await wasmBackend.create();
    const data = generateSequential({ numUsers: 30, numItems: 40, numInteractions: 900, seed: 2 });
    const model = PoolingSequenceModel.create({ numItems: 41, dim: 8, loss: 'bpr', seed: 1 }, adapter);
    await model.fit(data.toSequence({ maxLength: 5 }), { epochs: 1, batchSize: 32 });
    const index = buildServingIndex(data, {}, { sequenceLength: 5 });
    const recommender = new Recommender(model, index);
    const history = Array.from(index.seenItems.subarray(index.seenOffsets[4]!, index.seenOffsets[5]!));
    const last = Int32Array.from(history.slice(-5));
    const scores = model.predict(last);
    const top = recommender.recommend(4, { k: 1 });
    expect(top.items[0]!.score).toBe(Math.max(...Array.from(index.catalog, (i) => scores[i]!)));
    expect(recommender.recommendAfter(history, { k: 5 })).toEqual({
      ...recommender.recommend(4, { k: 5 }),
      user: null,
    });
    const factorization = (await trained()).model;
    const factorizationIndex = buildServingIndex(stringData().interactions);
    expect(() => new Recommender(factorization, factorizationIndex).recommendAfter([1])).toThrow(
      /Invalid history: expected a sequence model/,
    );
  });

  it('scores users and items it never saw from their hashed keys on vocabulary-free (keyed) tables', async () => {
    const { interactions, vocabularies } = stringData();
    const keyed = (keys: readonly string[]) => ({
      strategy: 'bloom',
      options: { compressionRatio: 0.5, numHashes: 2, keys },
    });
    const adapter = await wasmBackend.create();
    const model = ImplicitFactorizationModel.create(
      {
        numUsers: 21,
        numItems: 31,
        dim: 8,
        loss: 'bpr',
        seed: 1,
        users: keyed(vocabularies.users),
        items: keyed(vocabularies.items),
      },
      adapter,
    );
    await model.fit(interactions, { epochs: 3, batchSize: 16 });
    // Two trained items and one never seen: catalog id numItems + 0 stands for 'sku new'.
    const index = buildServingIndex(interactions, vocabularies, {
      catalog: Int32Array.of(3, 9, 31),
      newItems: ['sku new'],
    });
    const recommender = new Recommender(model, index);
    expect([recommender.keyed('users'), recommender.keyed('items')]).toEqual([true, true]);
    // An independent computation: the user's and items' vectors from the rows their keys hash to, summed.
    const table = model.embeddings();
    const vector = (side: 'users' | 'items', key: string) =>
      table[side]!.table.lookup(table[side]!.strategy.rowsForKeys!([key]), 2, 'sum');
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, c) => s + x * b[c]!, 0);
    const stranger = vector('users', 'someone new');
    const cold = recommender.recommend('someone new', { k: 3 });
    expect(cold.cold).toBe(true);
    const itemBias = (id: number) => table.itemBias!.table.lookup(Int32Array.of(id), 1, 'sum')[0]!;
    const expected = [
      { item: 'sku "3"', score: dot(stranger, vector('items', 'sku "3"')) + itemBias(3) },
      { item: 'sku "9"', score: dot(stranger, vector('items', 'sku "9"')) + itemBias(9) },
      { item: 'sku new', score: dot(stranger, vector('items', 'sku new')) },
    ].sort((a, b) => b.score - a.score);
    cold.items.forEach((r, i) => {
      expect(r.item).toBe(expected[i]!.item);
      expect(r.score).toBeCloseTo(expected[i]!.score, 5);
    });
    // A trained user: the new item scored beside trained ones, and pairs with unseen ids scored the same way.
    const known = recommender.recommend('user-4', { k: 3 });
    expect(known.cold).toBe(false);
    const newScore = known.items.find((r) => r.item === 'sku new')!.score;
    expect(recommender.score([{ user: 'user-4', item: 'sku new' }])[0]).toBeCloseTo(newScore, 5);
    expect(recommender.score([{ user: 'someone new', item: 'sku "9"' }])[0]).toBeCloseTo(
      expected.find((r) => r.item === 'sku "9"')!.score,
      5,
    );
    // A trained pair: the model's own prediction.
    expect(recommender.score([{ user: 'user-4', item: 'sku "9"' }])[0]).toBe(model.predict(4)[9]);
    // Round trip: the keys travel in the config, the new items in the serving index.
    const path = join(dir, 'keyed.bloom');
    await saveCheckpoint(model, path, { serving: index });
    const loaded = await loadServable(path, adapter);
    expect(loaded.serving!.newItems).toEqual(['sku new']);
    // The raw ids are written once (in the keyed tables' config) and restored into the serving index.
    expect(loaded.serving!.users).toEqual(vocabularies.users);
    expect(loaded.serving!.items).toEqual(vocabularies.items);
    expect(readFileSync(path, 'latin1').split('user-13').length - 1).toBe(1);
    expect(new Recommender(loaded.model, loaded.serving!).recommend('someone new', { k: 3 })).toEqual(cold);
    // A dense item table cannot rank items it never trained.
    const dense = (await trained()).model;
    expect(() => new Recommender(dense, index)).toThrow(
      /Invalid catalog: expected items the model was trained with/,
    );
  });

  it('ranks a large catalogue through its int8 copy exactly as by every exact score', async () => {
    const adapter = await wasmBackend.create();
    const numItems = 6000;
    const users: number[] = [];
    const items: number[] = [];
    for (let u = 1; u <= 50; u++) {
      for (let j = 0; j < 40; j++) {
        items.push(1 + ((u * 37 + j * 101) % (numItems - 1)));
        users.push(u);
      }
    }
    const interactions = new Interactions({ userIds: users, itemIds: items, numUsers: 51, numItems });
    // Dense, bloom (each table row scored once, then summed per item) and hash embeddings (weighted per item).
    for (const spec of [
      undefined,
      { strategy: 'bloom', options: { compressionRatio: 0.1, numHashes: 3 } },
      { strategy: 'hash', options: { compressionRatio: 0.1 } },
    ]) {
      const model = ImplicitFactorizationModel.create(
        { numUsers: 51, numItems, dim: 24, loss: 'bpr', seed: 2, ...(spec ? { items: spec } : {}) },
        adapter,
      );
      await model.fit(interactions, { epochs: 2, batchSize: 64 });
      const catalog = Int32Array.from({ length: numItems - 1 }, (_, i) => i + 1);
      const index = buildServingIndex(interactions, {}, { catalog });
      const exact = new Recommender(model, index, { quantizeFrom: Number.POSITIVE_INFINITY });
      const quantized = new Recommender(model, index, { quantizeFrom: 1000 });
      for (let u = 1; u <= 50; u++) {
        const scores = model.predict(u);
        for (const r of exact.recommend(u, { k: 20 }).items)
          expect(r.score).toBeCloseTo(scores[Number(r.item)]!, 4);
        for (const options of [{ k: 10 }, { k: 3, excludeSeen: true }, { k: 200 }]) {
          const a = exact.recommend(u, options);
          const b = quantized.recommend(u, options);
          expect(b.items.map((r) => r.item)).toEqual(a.items.map((r) => r.item));
          b.items.forEach((r, i) => {
            expect(r.score).toBeCloseTo(a.items[i]!.score, 5);
          });
        }
      }
      model.dispose();
    }
  });

  it("continues a history with items never trained on a keyed sequence model's table, flagged cold", async () => {
    const adapter = await wasmBackend.create();
    const data = generateSequential({ numUsers: 30, numItems: 40, numInteractions: 900, seed: 2 });
    const keys = Array.from({ length: 40 }, (_, i) => `track ${i + 1}`);
    const model = PoolingSequenceModel.create(
      {
        numItems: 41,
        dim: 8,
        loss: 'bpr',
        seed: 1,
        items: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2, keys } },
      },
      adapter,
    );
    await model.fit(data.toSequence({ maxLength: 5 }), { epochs: 1, batchSize: 32 });
    const index = buildServingIndex(data, { items: keys }, { sequenceLength: 5 });
    const recommender = new Recommender(model, index);
    const answer = recommender.recommendAfter(['track 3', 'a track from tomorrow', 'track 9'], { k: 40 });
    expect(answer.cold).toBe(true);
    // Independently: pooling is the mean of the history's vectors (each from its key's rows) over count + 1.
    const { items, itemBias } = model.embeddings();
    const vector = (key: string) => items!.table.lookup(items!.strategy.rowsForKeys!([key]), 2, 'sum');
    const history = ['track 3', 'a track from tomorrow', 'track 9'].map(vector);
    const user = Array.from({ length: 8 }, (_, c) => history.reduce((s, v) => s + v[c]!, 0) / 4);
    for (const { item, score } of answer.items) {
      const id = keys.indexOf(item as string) + 1;
      const v = vector(item as string);
      const bias = itemBias!.table.lookup(Int32Array.of(id), 1, 'sum')[0]!;
      expect(score).toBeCloseTo(
        user.reduce((s, u, c) => s + u * v[c]!, bias),
        5,
      );
    }
    // All trained: not cold, and the same as the model's own prediction.
    expect(recommender.recommendAfter(['track 3', 'track 9'], { k: 3 }).cold).toBe(false);
    // A dense table has no rows for an item it never trained.
    const dense = PoolingSequenceModel.create({ numItems: 41, dim: 8, loss: 'bpr', seed: 1 }, adapter);
    expect(() => new Recommender(dense, index).recommendAfter(['a track from tomorrow'])).toThrow(
      /Invalid item: expected an item id the model was trained with/,
    );
  });
});
