// Issue 5's flatness target, measured in one process: seconds per ML-100K BPR epoch (dim 32, batch 2048, Adam,
// the wasm backend) with the item table inflated to 1e4 and to 5e6 ids, dense and bloom (ratio 0.2, k 4). A
// fresh process per cell (spotlight-baseline.mjs) lets this shared machine's load swing a cell by 50%; here the two
// sizes train alternately, one epoch each, in the same process, and the ratio of their medians is reported.
// Writes benchmarks/results/flatness.{json,md}.
// Run after `npm run build`: BLOOM_DATA_DIR=../shared/data node benchmarks/flatness.mjs [rounds, default 15]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { backends } from '@bloom/core';
import '@bloom/backend-wasm';
import { loadDataset, randomTrainTestSplit } from '@bloom/data';
import { ImplicitFactorizationModel } from '@bloom/models';

const root = resolve(import.meta.dirname, '..');
const rounds = Number(process.argv[2] ?? 15);
const sizes = [1e4, 5e6];
const adapter = await backends.get('wasm').create();
const { interactions } = await loadDataset('ml-100k');
const items = {
  dense: { strategy: 'dense', options: {} },
  bloom: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } },
};
const median = (xs) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [embedding, spec] of Object.entries(items)) {
  const cells = sizes.map((n) => {
    const data = interactions.inflate({ numItems: n });
    const { train } = randomTrainTestSplit(data, { testFraction: 0.2, seed: 42 });
    const model = ImplicitFactorizationModel.create(
      {
        numUsers: data.numUsers,
        numItems: n,
        dim: 32,
        items: spec,
        loss: 'bpr',
        optimizer: { kind: 'adam', lr: 1e-2 },
      },
      adapter,
    );
    return { n, train, model, seconds: [] };
  });
  // Two warm-up epochs each (JIT, and the first update allocating Adam's state), then alternate.
  for (const cell of cells) await cell.model.fit(cell.train, { epochs: 2, batchSize: 2048 });
  for (let round = 0; round < rounds; round++)
    for (const cell of cells) {
      const [report] = await cell.model.fit(cell.train, { epochs: 1, batchSize: 2048 });
      cell.seconds.push(report.seconds);
    }
  const [small, large] = cells.map((c) => median(c.seconds));
  rows.push({ embedding, small, large, ratio: large / small, seconds: cells.map((c) => c.seconds) });
  for (const cell of cells) cell.model.dispose();
  process.stderr.write(`${embedding}: ${small.toFixed(4)} s at 1e4, ${large.toFixed(4)} s at 5e6\n`);
}

const lines = [
  '# Epoch time against table size, in one process',
  '',
  `Command: \`npm run build && BLOOM_DATA_DIR=../shared/data node benchmarks/flatness.mjs\` (${new Date().toISOString()}).`,
  `Machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}; the wasm backend.`,
  'BPR on ML-100K (80k training interactions), dim 32, batch 2048, Adam lr 1e-2, the item table inflated to 1e4 and',
  `5e6 ids; bloom: ratio 0.2, k 4. Two models train alternately, one epoch each, ${rounds} rounds after two warm-up`,
  'epochs; medians.',
  '',
  '| items | s/epoch at 1e4 | s/epoch at 5e6 | 5e6 / 1e4 (target 1.3x) |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) => `| ${r.embedding} | ${r.small.toFixed(4)} | ${r.large.toFixed(4)} | ${r.ratio.toFixed(2)}x |`,
  ),
];
writeFileSync(join(root, 'benchmarks/results/flatness.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/flatness.json'),
  `${JSON.stringify({ command: 'node benchmarks/flatness.mjs', rounds, rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
