// The browser check's page: trains BPR factorization with bloom items through the webgpu adapter and shows the
// loss per epoch, first with the fused model (host tables), then with its tables on the GPU (SparseEmbedding with
// access 'tensor' and sparseStep: WGSL lookups and updates). It leaves its outcome in window.bloomCheck for the
// test that drives it (browser.test.ts).

import { WebGpuTable } from '@bloom/backend-webgpu';
import { type BackendAdapter, backends } from '@bloom/core';
import { Interactions } from '@bloom/data';
import { createBloomStrategy, createDenseStrategy, SparseEmbedding, sparseStep } from '@bloom/embeddings';
import { ImplicitFactorizationModel } from '@bloom/models';
import * as tf from '@tensorflow/tfjs';

type Outcome =
  | { backend: string; device: string; losses: number[]; gpuTables: boolean; gpuLosses: number[] }
  | { error: string };

const status = document.getElementById('status')!;
const epochs = document.getElementById('epochs')!;
const gpuEpochs = document.getElementById('gpu-epochs')!;

function show(list: HTMLElement, epoch: number, loss: number, seconds: number): void {
  const item = document.createElement('li');
  item.textContent = `epoch ${epoch}: loss ${loss.toFixed(4)} (${seconds.toFixed(2)} s)`;
  list.append(item);
}

// BPR (Spotlight's 1 - sigmoid(pos - neg)) over GPU-resident user and bloom item tables, one sparseStep per batch.
async function trainOnGpuTables(
  adapter: BackendAdapter,
  data: Interactions,
): Promise<{ gpu: boolean; losses: number[] }> {
  const optimizer = { kind: 'adam', lr: 0.01 } as const;
  const users = SparseEmbedding.create({
    strategy: createDenseStrategy({ numEmbeddings: 200, dim: 32 }),
    adapter,
    optimizer,
    seed: 1,
    access: 'tensor',
  });
  const items = SparseEmbedding.create({
    strategy: createBloomStrategy({ numEmbeddings: 1000, dim: 32, compressionRatio: 0.2, numHashes: 4 }),
    adapter,
    optimizer,
    seed: 2,
    access: 'tensor',
  });
  const gpu = users.table instanceof WebGpuTable && items.table instanceof WebGpuTable;
  const losses: number[] = [];
  const batch = 2048;
  let state = 11;
  for (let epoch = 1; epoch <= 3; epoch++) {
    const start = performance.now();
    let total = 0;
    let batches = 0;
    for (let from = 0; from < data.length; from += batch) {
      const to = Math.min(data.length, from + batch);
      const negatives = Int32Array.from({ length: to - from }, () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state % 1000;
      });
      total += await sparseStep(
        [
          { embedding: users, ids: data.userIds.subarray(from, to) },
          { embedding: items, ids: data.itemIds.subarray(from, to) },
          { embedding: items, ids: negatives },
        ],
        ([u, p, n]) =>
          tf.mean(
            tf.sub(1, tf.sigmoid(tf.sub(tf.sum(tf.mul(u!, p!), 1), tf.sum(tf.mul(u!, n!), 1)))),
          ) as tf.Scalar,
      );
      batches++;
    }
    losses.push(total / batches);
    show(gpuEpochs, epoch, total / batches, (performance.now() - start) / 1000);
  }
  users.dispose();
  items.dispose();
  return { gpu, losses };
}

async function check(): Promise<Outcome> {
  const webgpu = backends.get('webgpu');
  const availability = await webgpu.availability();
  if (!availability.available) return { error: availability.reason };
  const adapter = await webgpu.create();
  // Synthetic interactions: 200 users, each with items near a personal centre, so BPR has something to learn.
  let state = 7;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const n = 20_000;
  const userIds = Int32Array.from({ length: n }, () => Math.floor(random() * 200));
  const itemIds = userIds.map((u) => (u * 5 + Math.floor(random() * 20)) % 1000);
  const data = new Interactions({ userIds, itemIds, numUsers: 200, numItems: 1000 });
  const model = ImplicitFactorizationModel.create(
    {
      numUsers: 200,
      numItems: 1000,
      loss: 'bpr',
      items: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } },
    },
    adapter,
  );
  const losses: number[] = [];
  await model.fit(data, {
    epochs: 5,
    batchSize: 1024,
    onEpoch: (r) => {
      losses.push(r.loss);
      show(epochs, r.epoch, r.loss, r.seconds);
    },
  });
  const onGpu = await trainOnGpuTables(adapter, data);
  return {
    backend: tf.getBackend(),
    device: adapter.deviceInfo().device,
    losses,
    gpuTables: onGpu.gpu,
    gpuLosses: onGpu.losses,
  };
}

check()
  .catch((error: unknown) => ({ error: String(error) }))
  .then((outcome) => {
    status.textContent =
      'error' in outcome ? `no WebGPU: ${outcome.error}` : `trained on ${outcome.backend}: ${outcome.device}`;
    (window as unknown as { bloomCheck: Outcome }).bloomCheck = outcome;
  });
