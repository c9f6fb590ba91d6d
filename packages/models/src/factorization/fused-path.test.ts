import { cpuBackend } from '@bloom/backend-cpu';
import { wasmBackend } from '@bloom/backend-wasm';
import { type BackendAdapter, Rng } from '@bloom/core';
import { Interactions } from '@bloom/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExplicitFactorizationModel } from './explicit-factorization.js';
import { ImplicitFactorizationModel } from './implicit-factorization.js';

let wasm: BackendAdapter;
let cpu: BackendAdapter;
beforeAll(async () => {
  wasm = await wasmBackend.create();
  cpu = await cpuBackend.create();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** 600 interactions of 40 users and 90 items (ratings 1 to 5), some items far more popular than others. */
function interactions(): Interactions {
  const rng = new Rng(17);
  const n = 600;
  return new Interactions({
    userIds: Int32Array.from({ length: n }, () => rng.nextInt(40)),
    itemIds: Int32Array.from({ length: n }, () => (rng.next() < 0.5 ? rng.nextInt(10) : rng.nextInt(90))),
    ratings: Float32Array.from({ length: n }, () => 1 + rng.nextInt(5)),
    numUsers: 40,
    numItems: 90,
  });
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1e-3, Math.abs(b[i]!)));
  return worst;
}

const config = {
  numUsers: 40,
  numItems: 90,
  dim: 8,
  items: { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } },
  optimizer: { kind: 'adam', lr: 0.02, weightDecay: 1e-4 },
  seed: 3,
} as const;

type Model = ImplicitFactorizationModel | ExplicitFactorizationModel;

// Every fused trainer is checked against the model's host reference step: the same examples in the same order,
// the same negatives (both draw them from the 'negatives' stream after each minibatch's positives), so after two
// epochs the weights agree to float32 rounding (the SIMD kernels add in another order than the TypeScript loops).
describe("the wasm backend's fused factorization trainer", () => {
  const cases: [string, (adapter: BackendAdapter) => Model][] = [
    ...(['pointwise', 'bpr', 'hinge', 'adaptive-hinge'] as const).map(
      (loss) =>
        [
          loss,
          (a: BackendAdapter) =>
            ImplicitFactorizationModel.create({ ...config, loss, numNegativeSamples: 3 }, a),
        ] as [string, (adapter: BackendAdapter) => Model],
    ),
    [
      'bpr, hash embeddings for users and items',
      (a: BackendAdapter) =>
        ImplicitFactorizationModel.create(
          {
            ...config,
            loss: 'bpr',
            users: { strategy: 'hash', options: { compressionRatio: 0.8, numHashes: 3, importanceRows: 7 } },
            items: { strategy: 'hash', options: { compressionRatio: 0.5 } },
          },
          a,
        ),
    ],
    ...(['regression', 'poisson', 'logistic'] as const).map(
      (loss) =>
        [loss, (a: BackendAdapter) => ExplicitFactorizationModel.create({ ...config, loss }, a)] as [
          string,
          (adapter: BackendAdapter) => Model,
        ],
    ),
  ];
  for (const [loss, create] of cases)
    for (const threads of [1, 2])
      it(`trains as the host reference step does (${loss}, ${threads} threads)`, async () => {
        const data = interactions();
        const fused = create(wasm);
        const host = create(cpu);
        const fusedReports = await fused.fit(data, { epochs: 2, batchSize: 64, threads });
        const hostReports = await host.fit(data, { epochs: 2, batchSize: 64, threads });
        expect(fused.trainingPath).toEqual({ trainer: 'wasm-fused', threads });
        expect(host.trainingPath).toEqual({
          trainer: 'host',
          reason: 'the cpu backend has no fused trainer',
        });
        for (const [name, e] of Object.entries(fused.net.embeddings())) {
          const other = host.net.embeddings()[name]!;
          expect(maxRelativeError(await e.table.read(), await other.table.read()), name).toBeLessThan(1e-3);
        }
        for (const [i, report] of fusedReports.entries())
          expect(report.loss).toBeCloseTo(hostReports[i]!.loss, 4);
        fused.dispose();
        host.dispose();
      });

  it('says why the host loop ran where the tables cannot train in place', async () => {
    const binary = ImplicitFactorizationModel.create(
      { ...config, items: { strategy: 'binary', options: { compressionRatio: 0.5 } } },
      wasm,
    );
    await binary.fit(interactions(), { epochs: 1, batchSize: 64 });
    expect(binary.trainingPath).toMatchObject({
      trainer: 'host',
      reason: /items table is not a WebAssembly table/,
    });
    const asked = ImplicitFactorizationModel.create(config, wasm);
    await asked.fit(interactions(), { epochs: 1, batchSize: 64, fused: false });
    expect(asked.trainingPath).toMatchObject({ trainer: 'host', reason: /fused: false/ });
    binary.dispose();
    asked.dispose();
  });
});
