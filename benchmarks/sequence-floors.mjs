// Spotlight's sequence acceptance floors, as a recorded run (too slow for CI at 25 epochs each): synthetic data
// (100 users, 100 items, 20000 interactions, concentration 1e-3, order 2), user split (seed 42), sequences of 10,
// BPR, batch 128, dim 32. CNN: k 2, 5 epochs; LSTM: k 4, 25 epochs, l2 1e-7; pooling: k 2, 25 epochs; ratios 0.2,
// 0.5, 1.0. Mixture (no Spotlight floor in the reference) with the LSTM's settings, for comparison.
// Writes benchmarks/results/sequence-floors.{json,md}. Run after `npm run build`: node benchmarks/sequence-floors.mjs
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { backends } from '@bloom/core';
import '@bloom/backend-wasm';
import { generateSequential, userBasedTrainTestSplit } from '@bloom/data';
import { NetworkSequenceModel, PoolingSequenceModel, sequenceMrrScore } from '@bloom/models';

const adapter = await backends.get('wasm').create();
const data = generateSequential({
  numUsers: 100,
  numItems: 100,
  numInteractions: 20000,
  concentration: 1e-3,
  order: 2,
  seed: 42,
});
const split = userBasedTrainTestSplit(data, { seed: 42 });
const train = split.train.toSequence({ maxLength: 10 });
const test = split.test.toSequence({ maxLength: 10 });
const floors = {
  cnn: { k: 2, epochs: 5, values: { 0.2: 0.14, 0.5: 0.3, 1.0: 0.5 }, Model: NetworkSequenceModel },
  lstm: { k: 4, l2: 1e-7, values: { 0.2: 0.18, 0.5: 0.4, 1.0: 0.6 }, Model: NetworkSequenceModel },
  // No Spotlight floor for mixture in the reference: run with the LSTM's settings, for comparison.
  mixture: { k: 4, l2: 1e-7, values: {}, Model: NetworkSequenceModel },
  pooling: { k: 2, values: { 0.2: 0.06, 0.5: 0.07, 1.0: 0.13 }, Model: PoolingSequenceModel },
};
const rows = [];
for (const [name, f] of Object.entries(floors))
  for (const ratio of [0.2, 0.5, 1.0]) {
    const model = f.Model.create(
      {
        numItems: 100,
        dim: 32,
        loss: 'bpr',
        representation: name,
        items: { strategy: 'bloom', options: { compressionRatio: ratio, numHashes: f.k } },
        optimizer: { kind: 'adam', lr: 1e-2, weightDecay: f.l2 ?? 0 },
        seed: 1,
      },
      adapter,
    );
    const epochs = f.epochs ?? 25;
    const reports = await model.fit(train, { epochs, batchSize: 128 });
    const { mrr } = sequenceMrrScore(model, test);
    const seconds = reports.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(epochs / 2)];
    rows.push({
      model: name,
      ratio,
      k: f.k,
      epochs,
      mrr,
      l2: f.l2 ?? 0,
      floor: f.values[ratio] ?? null,
      met: f.values[ratio] === undefined ? null : mrr >= f.values[ratio],
      secondsPerEpoch: seconds,
    });
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
    model.dispose();
  }
const lines = [
  "# Spotlight's sequence floors (synthetic data)",
  '',
  `Command: \`npm run build && node benchmarks/sequence-floors.mjs\` (${new Date().toISOString()}, ${cpus()[0]?.model}, wasm backend, Node ${process.version})`,
  '',
  'Data: generateSequential(100 users, 100 items, 20000 interactions, concentration 1e-3, order 2, seed 42), user split seed 42,',
  'sequences of 10; BPR, batch 128, dim 32, Adam lr 1e-2 (l2 as weight decay on every weight, as torch applies it);',
  'items through bloom with the ratio and k shown.',
  '',
  '| model | k | epochs | l2 | ratio | sequence MRR | Spotlight floor | met | s/epoch (median) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${r.k} | ${r.epochs} | ${r.l2} | ${r.ratio} | ${r.mrr.toFixed(3)} | ${r.floor ?? '-'} | ${r.met === null ? '-' : r.met ? 'yes' : 'NO'} | ${r.secondsPerEpoch.toFixed(3)} |`,
  ),
];
writeFileSync(new URL('./results/sequence-floors.md', import.meta.url), `${lines.join('\n')}\n`);
writeFileSync(
  new URL('./results/sequence-floors.json', import.meta.url),
  `${JSON.stringify({ command: 'node benchmarks/sequence-floors.mjs', rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
