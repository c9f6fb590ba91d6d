// One cell of the step-time sweep, in its own process (see embedding-step.mjs): builds a BPR factorization step
// (944 dense users; items through the strategy under test, N rows), times it, prints one JSON line.
// ids: 'ml100k' samples real ML-100K (user, item) pairs, as the published speed experiment inflates tables
// around real ids; 'uniform' draws items uniformly over all N rows, the worst case for caches.

import { backends } from '@bloom/core';
import { createBloomStrategy, createDenseStrategy, SparseEmbedding, sparseStep } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import '@bloom/backend-cpu';
import '@bloom/backend-wasm';
import { median } from '@bloom/bench';
import { lcg, ml100kRows } from './ml100k-draws.mjs';

const cell = JSON.parse(process.argv[2]);
const { backend, n, dim, strategy: kind, k, mode, batch } = cell;
const adapter = await backends.get(backend).create();
const optimizer = { kind: 'adam', lr: 1e-3 };
const itemStrategy = (n) =>
  kind === 'dense'
    ? createDenseStrategy({ numEmbeddings: n, dim })
    : createBloomStrategy(
        { numEmbeddings: n, dim, compressionRatio: 0.2, numHashes: k },
        kind === 'binary' ? 'multi-hot-matmul' : 'gather',
      );
const setupStart = performance.now();
const users = SparseEmbedding.create({
  strategy: createDenseStrategy({ numEmbeddings: 944, dim }),
  adapter,
  optimizer,
});
// A pair cell ({ pairN: [small, large] }) steps two tables alternately in one process, so their ratio is free of
// the process-to-process noise that separate cells carry.
const sizes = cell.pairN ?? [n];
// A constant start (not Spotlight's random normal) keeps setup of 5e6-row tables to a memset; values do not
// change the cost of a step.
const tables = sizes.map((size) => {
  const strategy = itemStrategy(size);
  const init = new Float32Array(strategy.tableRows * dim).fill(0.01);
  return SparseEmbedding.create({ strategy, adapter, optimizer, updateMode: mode, init });
});
const setupSeconds = (performance.now() - setupStart) / 1000;

const pairs = ml100kRows();
const next = lcg(12345);
const drawItems = (size) =>
  Int32Array.from({ length: batch }, () =>
    cell.ids === 'uniform' ? next(size) : pairs[next(pairs.length)][1],
  );
const step = (t) =>
  sparseStep(
    [
      { embedding: users, ids: Int32Array.from({ length: batch }, () => pairs[next(pairs.length)][0]) },
      { embedding: tables[t], ids: drawItems(sizes[t]) },
      { embedding: tables[t], ids: drawItems(sizes[t]) },
    ],
    ([u, pos, neg]) =>
      tf.mean(tf.softplus(tf.neg(tf.sub(tf.sum(tf.mul(u, pos), 1), tf.sum(tf.mul(u, neg), 1))))),
  );

for (let t = 0; t < tables.length; t++) await step(t); // warm-up: JIT, lazy optimizer state, scratch buffers
const maxSteps = cell.pairN ? 200 : 30;
const times = tables.map(() => []);
const budgetStart = performance.now();
while (
  times[0].length < maxSteps &&
  (times[0].length < 2 || performance.now() - budgetStart < cell.budgetMs)
) {
  for (let t = 0; t < tables.length; t++) {
    const t0 = performance.now();
    await step(t);
    times[t].push(performance.now() - t0);
  }
}
const memory = tables.at(-1).memory();
console.log(
  JSON.stringify({
    ...cell,
    tableRows: tables.at(-1).strategy.tableRows,
    device: adapter.deviceInfo().device,
    steps: times[0].length,
    medianMs: median(times.at(-1)),
    minMs: Math.min(...times.at(-1)),
    ...(cell.pairN
      ? { pairMedianMs: times.map(median), pairRatio: median(times[1]) / median(times[0]) }
      : {}),
    setupSeconds,
    itemWeightBytes: memory.weightBytes,
    itemOptimizerStateBytes: memory.optimizerStateBytes,
    itemScratchBytes: memory.scratchBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
