// BPR step time on the webgpu backend against N (issue 6's benchmark): Bloom's sparse step (`sparseStep`, the
// loss on tfjs-webgpu) with dense and bloom (ratio 0.2, k 4) items, with the tables on the host (typed arrays) and
// on the GPU (access 'tensor': WGSL lookups and updates), against stock TensorFlow.js training on webgpu (the item table a tf.Variable, tf.gather,
// tf.train.adam over every row), which grows with N. d 32, batch 2048, 944 users, ML-100K ids.
// Writes benchmarks/results/webgpu-step.{json,md} with the adapter's name.
// Run after `npm run build`: node benchmarks/webgpu-step.mjs [--sizes 1e4,1e5,5e5] [--steps 10] (N >= 1682, ML-100K's items)
// (on a machine with a GPU, e.g. the GPU machine: --sizes 1e4,1e5,1e6,4e6).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backends } from '@bloom/core';
import {
  createBloomStrategy,
  createDenseStrategy,
  GatherTable,
  SparseEmbedding,
  sparseStep,
} from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import '@bloom/backend-webgpu';
import { median } from '@bloom/bench';
import { lcg, ml100kRows } from './ml100k-draws.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e5,5e5' },
    steps: { type: 'string', default: '10' },
    out: { type: 'string', default: fileURLToPath(new URL('./results', import.meta.url)) },
  },
});
const sizes = values.sizes.split(',').map(Number);
const steps = Number(values.steps);
const [dim, batch] = [32, 2048];
const adapter = await backends.get('webgpu').create();
const device = adapter.deviceInfo().device;
const pairs = ml100kRows();
const next = lcg(12345);
const draw = () => {
  const u = new Int32Array(batch);
  const i = new Int32Array(batch);
  for (let b = 0; b < batch; b++) [u[b], i[b]] = pairs[next(pairs.length)];
  return { u, i };
};
const bpr = (u, pos, neg) =>
  tf.mean(tf.sub(1, tf.sigmoid(tf.sub(tf.sum(tf.mul(u, pos), 1), tf.sum(tf.mul(u, neg), 1)))));

async function timeSteps(step) {
  await step(); // warm-up: shader compilation, optimizer state
  const times = [];
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function bloomStep(n, kind, access) {
  const optimizer = { kind: 'adam', lr: 1e-3 };
  const users = SparseEmbedding.create({
    strategy: createDenseStrategy({ numEmbeddings: 944, dim }),
    adapter,
    optimizer,
    access,
  });
  const strategy =
    kind === 'dense'
      ? createDenseStrategy({ numEmbeddings: n, dim })
      : createBloomStrategy({ numEmbeddings: n, dim, compressionRatio: 0.2, numHashes: 4 });
  const items = SparseEmbedding.create({ strategy, adapter, optimizer, access });
  if (access === 'tensor' && adapter.lastHostReason !== undefined) return `host: ${adapter.lastHostReason}`;
  const ms = await timeSteps(async () => {
    const { u, i } = draw();
    const negatives = Int32Array.from({ length: batch }, () => next(n));
    await sparseStep(
      [
        { embedding: users, ids: u },
        { embedding: items, ids: i },
        { embedding: items, ids: negatives },
      ],
      ([eu, ep, en]) => bpr(eu, ep, en),
    );
  });
  users.dispose();
  items.dispose();
  return ms;
}

async function stockStep(n) {
  const users = tf.variable(tf.randomNormal([944, dim], 0, 1 / dim), true, `stock-users-${n}`);
  const items = tf.variable(tf.randomNormal([n, dim], 0, 1 / dim), true, `stock-items-${n}`);
  const optimizer = tf.train.adam(1e-3);
  try {
    return await timeSteps(async () => {
      const { u, i } = draw();
      const negatives = Int32Array.from({ length: batch }, () => next(n));
      const loss = optimizer.minimize(
        () =>
          bpr(
            tf.gather(users, tf.tensor1d(u, 'int32')),
            tf.gather(items, tf.tensor1d(i, 'int32')),
            tf.gather(items, tf.tensor1d(negatives, 'int32')),
          ),
        true,
      );
      await loss.data();
      loss.dispose();
    });
  } catch (error) {
    return `failed: ${String(error).split('\n')[0]}`;
  } finally {
    optimizer.dispose();
    tf.dispose([users, items]);
  }
}

// First a check that the GPU tables compute what the host tables do (three lazy Adam steps on a bloom-sized
// table with duplicate rows), so that figures from a new device are figures of a correct kernel.
{
  const options = { rows: 5000, dim, optimizer: { kind: 'adam', lr: 0.01 } };
  const init = Float32Array.from({ length: 5000 * dim }, (_, i) => Math.sin(i));
  const gpu = adapter.createTable({ ...options, access: 'tensor' }, init);
  const host = new GatherTable(options, init);
  for (let s = 0; s < 3; s++) {
    const ids = Int32Array.from({ length: batch * 4 }, () => next(5000));
    const grads = Float32Array.from({ length: batch * dim }, (_, i) => Math.cos(i + s) / batch);
    const g = tf.tensor2d(grads, [batch, dim]);
    gpu.applyGradientsTensor(ids, 4, 'sum', g);
    g.dispose();
    host.applyGradients(ids, 4, 'sum', grads);
  }
  const [a, b] = [await gpu.read(), await host.read()];
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  process.stderr.write(`GPU table against the host table after 3 Adam steps: max error ${worst}\n`);
  if (!(worst < 1e-4)) throw new Error(`the GPU table disagrees with the host table (max error ${worst})`);
  gpu.dispose();
}

const rows = [];
for (const n of sizes) {
  const row = {
    n,
    bloomDenseMs: await bloomStep(n, 'dense', 'host'),
    bloomBloomMs: await bloomStep(n, 'bloom', 'host'),
    gpuDenseMs: await bloomStep(n, 'dense', 'tensor'),
    gpuBloomMs: await bloomStep(n, 'bloom', 'tensor'),
    stockDenseMs: await stockStep(n),
  };
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
const fmt = (v) => (typeof v === 'number' ? v.toFixed(1) : v);
const lines = [
  '# BPR step time on the webgpu backend',
  '',
  `Command: \`npm run build && node benchmarks/webgpu-step.mjs --sizes ${values.sizes} --steps ${steps}\` (${new Date().toISOString()}).`,
  `Adapter: ${device}; Node ${process.version}.`,
  `d ${dim}, batch ${batch}, 944 users, ML-100K ids, Adam; median of ${steps} steps after one warm-up step.`,
  'Bloom: `sparseStep`, the loss and its gradients on tfjs-webgpu, with the tables on the host (typed arrays) or on',
  "the GPU (access 'tensor': WGSL gather and lazy Adam). Stock: the tables as tf.Variables on webgpu, tf.gather,",
  'tf.train.adam (every row).',
  '',
  '| N | Bloom host tables, dense (ms) | host, bloom 0.2 k 4 (ms) | Bloom GPU tables, dense (ms) | GPU, bloom 0.2 k 4 (ms) | stock tfjs-webgpu, dense (ms) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.n.toExponential(0)} | ${fmt(r.bloomDenseMs)} | ${fmt(r.bloomBloomMs)} | ${fmt(r.gpuDenseMs)} | ${fmt(r.gpuBloomMs)} | ${fmt(r.stockDenseMs)} |`,
  ),
];
writeFileSync(join(values.out, 'webgpu-step.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(values.out, 'webgpu-step.json'),
  `${JSON.stringify({ command: `node benchmarks/webgpu-step.mjs --sizes ${values.sizes} --steps ${steps}`, device, rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0); // Dawn keeps the event loop alive
