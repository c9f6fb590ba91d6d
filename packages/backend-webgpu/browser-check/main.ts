// The browser check's page: trains BPR factorization with bloom items through the webgpu adapter and shows the
// loss per epoch. It leaves its outcome in window.bloomCheck for the test that drives it (browser.test.ts).
import { backends } from '@bloom/core';
import { Interactions } from '@bloom/data';
import { ImplicitFactorizationModel } from '@bloom/models';
import * as tf from '@tensorflow/tfjs';
import '@bloom/backend-webgpu';
import '@bloom/embeddings';

type Outcome = { backend: string; device: string; losses: number[] } | { error: string };

const status = document.getElementById('status')!;
const epochs = document.getElementById('epochs')!;

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
      const item = document.createElement('li');
      item.textContent = `epoch ${r.epoch}: loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(2)} s)`;
      epochs.append(item);
    },
  });
  return { backend: tf.getBackend(), device: adapter.deviceInfo().device, losses };
}

check()
  .catch((error: unknown) => ({ error: String(error) }))
  .then((outcome) => {
    status.textContent =
      'error' in outcome ? `no WebGPU: ${outcome.error}` : `trained on ${outcome.backend}: ${outcome.device}`;
    (window as unknown as { bloomCheck: Outcome }).bloomCheck = outcome;
  });
