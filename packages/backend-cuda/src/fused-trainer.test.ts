import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring } from '@bloom/conformance';
import {
  DeviceError,
  type FactorizationLoss,
  type FactorizationTrainer,
  IdRangeError,
  Rng,
} from '@bloom/core';
import { Interactions } from '@bloom/data';
import { TypedArrayAdapter } from '@bloom/embeddings';
import {
  BilinearNet,
  ExplicitFactorizationModel,
  explicitLosses,
  type FactorizationConfig,
  ImplicitFactorizationModel,
  implicitLosses,
  loadCheckpoint,
  saveCheckpoint,
} from '@bloom/models';
import { describe, expect, it } from 'vitest';
import { loadCudaAddon } from './addon.js';
import { type CudaAdapter, createCudaHostEmulation, cudaBackend, probeCuda } from './index.js';

// An independent Philox4x32-10 (BigInt arithmetic), held to Random123's known answers, for the reference
// trainer's negatives.
function philox(counter: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = counter.map(BigInt) as [bigint, bigint, bigint, bigint];
  let [k0, k1] = key.map(BigInt) as [bigint, bigint];
  const mask = 0xffffffffn;
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & mask, (p0 >> 32n) ^ c3 ^ k1, p0 & mask];
    k0 = (k0 + 0x9e3779b9n) & mask;
    k1 = (k1 + 0xbb67ae85n) & mask;
  }
  return [c0, c1, c2, c3].map(Number);
}

// Random123's tests/kat_vectors, "philox4x32 10": counter, key, expected.
const KAT = [
  [
    [0, 0, 0, 0],
    [0, 0],
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
] as const;

/**
 * Negative i of minibatch `step`, as the trainer documents it (counter (i / 4, step), key the seed's low and high
 * words, word i % 4).
 */
function negative(seed: number, step: number, i: number, n: number): number {
  const words = philox([Math.floor(i / 4), step, 0, 0], [seed % 2 ** 32, Math.floor(seed / 2 ** 32)]);
  return Number((BigInt(words[i % 4]!) * BigInt(n)) >> 32n);
}

const dot = (a: Float32Array, i: number, b: Float32Array, j: number, d: number) => {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[i * d + c]! * b[j * d + c]!;
  return s;
};

/**
 * The reference: epochs of the same shuffled minibatches through @bloom/embeddings' TypeScript tables, scores,
 * @bloom/models' loss functions and the gradients of dot(u, i) + b_u + b_i written out here.
 */
function referenceFit(
  net: BilinearNet,
  data: Interactions,
  loss: FactorizationLoss,
  negatives: number,
  modelSeed: number,
  epochs: number,
  batchSize: number,
): number[] {
  // The model's shuffle and negatives streams (see Rng.streamSeed).
  const rng = Rng.stream(modelSeed, 'shuffle');
  const seed = Rng.streamSeed(modelSeed, 'negatives');
  const order = Int32Array.from({ length: data.length }, (_, i) => i);
  const d = net.dim;
  const explicit = loss in explicitLosses;
  const n = explicit ? 0 : negatives;
  let step = 0;
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order);
    let total = 0;
    const batches = Math.ceil(data.length / batchSize);
    for (let at = 0; at < data.length; at += batchSize, step++) {
      const rows = order.subarray(at, Math.min(data.length, at + batchSize));
      const b = rows.length;
      const users = Int32Array.from(rows, (r) => data.userIds[r]!);
      const items = new Int32Array(b * (1 + n));
      rows.forEach((r, i) => {
        items[i] = data.itemIds[r]!;
      });
      for (let i = 0; i < b * n; i++) items[b + i] = negative(seed, step, i, net.numItems);
      const [u, it, bu, bi] = [
        BilinearNet.vectors(net.users, users),
        BilinearNet.vectors(net.items, items),
        BilinearNet.vectors(net.userBias, users),
        BilinearNet.vectors(net.itemBias, items),
      ];
      const scores = Float32Array.from({ length: b * (1 + n) }, (_, s) => {
        const e = s < b ? s : Math.floor((s - b) / n);
        return dot(u.values, e, it.values, s, d) + bu.values[e]! + bi.values[s]!;
      });
      const dScores = new Float32Array(scores.length);
      if (explicit) {
        const ratings = Float32Array.from(rows, (r) => data.ratings![r]!);
        total += explicitLosses[loss as 'regression'](scores, ratings, dScores);
      } else {
        total += implicitLosses[loss as 'bpr'](
          scores.subarray(0, b),
          scores.subarray(b),
          n,
          dScores.subarray(0, b),
          dScores.subarray(b),
        );
      }
      const dU = new Float32Array(b * d);
      const dI = new Float32Array(items.length * d);
      const dBu = new Float32Array(b);
      for (let s = 0; s < items.length; s++) {
        const e = s < b ? s : Math.floor((s - b) / n);
        dBu[e]! += dScores[s]!;
        for (let c = 0; c < d; c++) {
          dU[e * d + c]! += dScores[s]! * it.values[s * d + c]!;
          dI[s * d + c] = dScores[s]! * u.values[e * d + c]!;
        }
      }
      BilinearNet.applyGradients(net.users, u.rows, dU);
      BilinearNet.applyGradients(net.items, it.rows, dI);
      BilinearNet.applyGradients(net.userBias, bu.rows, dBu);
      BilinearNet.applyGradients(net.itemBias, bi.rows, dScores);
    }
    losses.push(total / batches);
  }
  return losses;
}

const found = loadCudaAddon();
const notBuilt = 'reason' in found ? found.reason : undefined;
const probe = probeCuda();
const host = new TypedArrayAdapter('reference', 'cpu', { device: 'host', details: {} });

function toyData(ratings: boolean): Interactions {
  const rng = new Rng(11);
  const length = 150;
  return new Interactions({
    userIds: Array.from({ length }, () => rng.nextInt(40)),
    itemIds: Array.from({ length }, () => rng.nextInt(70)),
    ratings: ratings ? Array.from({ length }, () => 1 + rng.nextInt(5)) : undefined,
    numUsers: 40,
    numItems: 70,
  });
}

async function maxTableDifference(a: BilinearNet, b: BilinearNet): Promise<number> {
  let worst = 0;
  for (const name of ['users', 'items', 'userBias', 'itemBias'] as const) {
    const [x, y] = [await a[name].table.read(), await b[name].table.read()];
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

function fusedSuite(name: string, create: () => Promise<CudaAdapter>) {
  describe(name, () => {
    const cases: [FactorizationLoss, FactorizationConfig['items'], FactorizationConfig['optimizer']][] = [
      [
        'bpr',
        { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 3 } },
        { kind: 'sgd', lr: 0.05 },
      ],
      [
        'adaptive-hinge',
        {
          strategy: 'bloom',
          options: { compressionRatio: 0.4, numHashes: 2, hasher: 'xxhash32', combine: 'mean' },
        },
        { kind: 'adagrad', lr: 0.05, weightDecay: 1e-3 },
      ],
      // xxhash64 has no kernel: its rows go up as a table, computed once by the strategy.
      [
        'pointwise',
        { strategy: 'bloom', options: { hasher: 'xxhash64', reservePaddingRow: true } },
        undefined,
      ],
      [
        'hinge',
        { strategy: 'quotient-remainder', options: { compressionRatio: 0.3 } },
        { kind: 'sgd', lr: 0.1 },
      ],
      ['regression', { strategy: 'bloom', options: { hasher: 'multiplicative', numHashes: 2 } }, undefined],
      ['poisson', undefined, { kind: 'adam', lr: 1e-3 }],
      ['logistic', { strategy: 'dense' }, undefined],
    ];
    for (const [loss, items, optimizer] of cases) {
      it(`${loss} with ${items?.strategy ?? 'dense'} items (${JSON.stringify(items?.options ?? {})}) trains as the TypeScript reference does`, async () => {
        const adapter = await create();
        const explicit = loss in explicitLosses;
        const data = toyData(explicit);
        const config = {
          numUsers: 40,
          numItems: 70,
          dim: 8,
          items,
          users: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } },
          optimizer: optimizer ?? { kind: 'adam' as const, lr: 0.05, weightDecay: 1e-4 },
          seed: 5,
          loss,
          // Explicit models take no negatives (an unknown option is refused).
          ...(explicit ? {} : { numNegativeSamples: 3 }),
        } as unknown as FactorizationConfig & { loss: never };
        const model = explicit
          ? ExplicitFactorizationModel.create(config, adapter)
          : ImplicitFactorizationModel.create(config, adapter);
        const reference = explicit
          ? ExplicitFactorizationModel.create(config, host)
          : ImplicitFactorizationModel.create(config, host);
        expect(await maxTableDifference(model.net, reference.net)).toBe(0);
        const reports = await model.fit(data, { epochs: 2, batchSize: 32 });
        expect(model.trainingPath).toEqual({ trainer: 'cuda-fused' });
        const negatives = loss === 'adaptive-hinge' ? 3 : 1;
        const expected = referenceFit(reference.net, data, loss, negatives, 5, 2, 32);
        reports.forEach((report, e) => {
          expect(report.loss).toBeCloseTo(expected[e]!, 4);
        });
        expect(await maxTableDifference(model.net, reference.net)).toBeLessThan(2e-4);
        // It trained: the tables moved from their initial values.
        const untrained = explicit
          ? ExplicitFactorizationModel.create(config, host)
          : ImplicitFactorizationModel.create(config, host);
        expect(await maxTableDifference(model.net, untrained.net)).toBeGreaterThan(1e-3);
        model.dispose();
      });
    }

    it('a model trained on these tables saves and reloads through the model contract to identical predictions', async () => {
      const adapter = await create();
      const model = ImplicitFactorizationModel.create(
        { numUsers: 40, numItems: 70, dim: 4, loss: 'bpr', items: { strategy: 'bloom', options: {} } },
        adapter,
      );
      await model.fit(toyData(false), { epochs: 2, batchSize: 32 });
      const path = join(mkdtempSync(join(tmpdir(), 'bloom-cuda-ckpt-')), 'model.bloom');
      await saveCheckpoint(model, path);
      const loaded = (await loadCheckpoint(path, adapter)) as ImplicitFactorizationModel;
      expect(Array.from(loaded.predict(3))).toEqual(Array.from(model.predict(3)));
      expect(await maxTableDifference(loaded.net, model.net)).toBe(0);
      model.dispose();
      loaded.dispose();
    });

    it('reports progress per minibatch, and stops when aborted', async () => {
      const adapter = await create();
      const data = toyData(false);
      const model = ImplicitFactorizationModel.create(
        { numUsers: 40, numItems: 70, dim: 4, loss: 'bpr' },
        adapter,
      );
      const seen: number[] = [];
      await model.fit(data, { epochs: 1, batchSize: 4, onBatch: (p) => seen.push(p.batch) });
      expect(seen).toEqual(Array.from({ length: Math.ceil(150 / 4) }, (_, i) => i + 1));
      const controller = new AbortController();
      const aborted = model.fit(data, {
        epochs: 3,
        batchSize: 4,
        signal: controller.signal,
        onBatch: (p) => p.batch === 16 && controller.abort(new Error('stop here')),
      });
      await expect(aborted).rejects.toThrow('stop here');
      // A table disposed from a progress callback is refused before the next launch, not used after free.
      const disposing = model.fit(data, {
        epochs: 1,
        batchSize: 4,
        onBatch: (p) => p.batch === 16 && model.net.items.table.dispose(),
      });
      await expect(disposing).rejects.toThrow(/a table that has not been disposed/);
    });

    it('refuses ids out of range with IdRangeError, before training on them', async () => {
      const adapter = await create();
      const model = ImplicitFactorizationModel.create(
        {
          numUsers: 10,
          numItems: 10,
          dim: 4,
          items: { strategy: 'bloom', options: { compressionRatio: 0.5 } },
        },
        adapter,
      );
      const spec = (e: BilinearNet['users']) => ({ table: e.table, strategy: e.strategy });
      const trainer = adapter.createTrainer('factorization', {
        users: spec(model.net.users),
        items: spec(model.net.items),
        userBias: spec(model.net.userBias),
        itemBias: spec(model.net.itemBias),
        loss: 'bpr',
        negatives: 1,
        numItems: 10,
        seed: 1,
        scoreLoss: () => {
          throw new Error('the cuda trainer computes its loss on the device');
        },
      }) as FactorizationTrainer;
      const before = await model.net.users.table.read();
      const train = (items: Int32Array) =>
        trainer.trainEpoch(Int32Array.of(1, 2, 3), items, undefined, 2, () => {});
      await expect(train(Int32Array.of(1, 10, 2))).rejects.toThrow(IdRangeError);
      await expect(train(Int32Array.of(1, 2, -4))).rejects.toThrow(
        /Id -4 at position 2 is out of range: expected an id in \[0, 9\] \(items\)/,
      );
      expect(await model.net.users.table.read()).toEqual(before);
      await expect(
        trainer.trainEpoch(Int32Array.of(1), Int32Array.of(1), undefined, 1, () => {}),
      ).resolves.toBeUndefined();
      trainer.dispose();
      await expect(train(Int32Array.of(1, 2, 3))).rejects.toThrow(DeviceError);
    });

    it('says why a model trains on the host instead', async () => {
      const adapter = await create();
      const data = toyData(false);
      const rowwise = ImplicitFactorizationModel.create(
        { numUsers: 40, numItems: 70, dim: 4, optimizer: { kind: 'rowwise-adagrad', lr: 0.1 } },
        adapter,
      );
      await rowwise.fit(data, { epochs: 1 });
      expect(rowwise.trainingPath).toEqual({ trainer: 'host', reason: 'the users table is a host table' });
      const binary = ImplicitFactorizationModel.create(
        { numUsers: 40, numItems: 70, dim: 4, items: { strategy: 'binary' } },
        adapter,
      );
      await binary.fit(data, { epochs: 1 });
      expect(binary.trainingPath).toMatchObject({ reason: /multi-hot-matmul formulation/ });
      const asked = ImplicitFactorizationModel.create({ numUsers: 40, numItems: 70, dim: 4 }, adapter);
      await asked.fit(data, { epochs: 1, fused: false });
      expect(asked.trainingPath).toMatchObject({ trainer: 'host', reason: /fused: false/ });
    });
  });
}

describe('Philox4x32-10', () => {
  it("the test's reference and the kernels' host build give Random123's known answers", () => {
    const found = loadCudaAddon();
    for (const [counter, key, expected] of KAT) {
      expect(philox(counter, key)).toEqual(expected);
      if ('addon' in found) {
        const block = Uint32Array.of(...counter, ...key);
        found.addon.philox(block);
        expect(Array.from(block.subarray(0, 4))).toEqual(expected);
      }
    }
  });
});

describeRequiring(
  'the fused factorization trainer, kernels emulated on the host',
  notBuilt,
  'BLOOM_REQUIRE_CUDA_BUILD',
  () => {
    fusedSuite('cuda (host emulation)', createCudaHostEmulation);
  },
);

describeRequiring(
  'the fused factorization trainer on the device',
  'reason' in probe ? probe.reason : undefined,
  'BLOOM_REQUIRE_GPU',
  () => {
    fusedSuite('cuda', () => cudaBackend.create() as Promise<CudaAdapter>);
  },
);
