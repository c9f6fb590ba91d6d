// One process's share of benchmarks/training-path-before-after.mjs: seconds per BPR epoch on ML-100K (dim 32,
// batch 2048, Adam, the wasm backend) with the item table inflated to 1e4 and 5e6 ids, dense and bloom (ratio 0.2,
// k 4). Each model trains one warm-up epoch, then the four train alternately, one epoch each, `rounds` times.
// Prints one JSON object: { "<embedding> <size>": [seconds, ...], trainingPath }.
// Run from a built tree: BLOOM_DATA_DIR=../shared/data node benchmarks/factorization-epoch-cell.mjs [rounds]
import { backends } from '@bloom/core';
import '@bloom/backend-wasm';
import { loadDataset, randomTrainTestSplit } from '@bloom/data';
import { ImplicitFactorizationModel } from '@bloom/models';

const rounds = Number(process.argv[2] ?? 3);
const adapter = await backends.get('wasm').create();
const { interactions } = await loadDataset('ml-100k');
const items = {
  dense: { strategy: 'dense', options: {} },
  bloom: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } },
};
const cells = [];
for (const [embedding, spec] of Object.entries(items))
  for (const n of [1e4, 5e6]) {
    const data = interactions.inflate({ numItems: n });
    const { train } = randomTrainTestSplit(data, { testFraction: 0.2, seed: 42 });
    const model = ImplicitFactorizationModel.create(
      { numUsers: data.numUsers, numItems: n, dim: 32, items: spec, loss: 'bpr' },
      adapter,
    );
    await model.fit(train, { epochs: 1, batchSize: 2048 });
    cells.push({ name: `${embedding} ${n}`, model, train, seconds: [] });
  }
for (let round = 0; round < rounds; round++)
  for (const cell of cells) {
    const [report] = await cell.model.fit(cell.train, { epochs: 1, batchSize: 2048 });
    cell.seconds.push(report.seconds);
  }
const path = cells[0].model.trainingPath;
const result = Object.fromEntries(cells.map((c) => [c.name, c.seconds]));
process.stdout.write(`${JSON.stringify({ ...result, trainingPath: path })}\n`);
