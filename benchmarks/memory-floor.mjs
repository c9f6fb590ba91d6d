// How much of a bloom table's epoch is the memory system (issue 5's flatness target): the wasm table kernels
// alone, on the row traffic of one ML-100K BPR epoch with bloom items (ratio 0.2, k 4, dim 32, batch 2048: 40
// batches of 4096 item ids, positives and negatives, each id's 4 rows gathered, then Adam on the distinct rows),
// in the bloom table of 1e4 inflated items (2000 rows, in cache) and of 5e6 (1e6 rows, 384 MiB with Adam's
// state: every row a cache and TLB miss). Rows are drawn uniformly, as hashing spreads them. Alternates the two
// sizes 15 times in one process and reports medians. Writes benchmarks/results/memory-floor.{json,md}.
// Run after `npm run build`: node benchmarks/memory-floor.mjs
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { WasmGatherTable } from '@bloom/backend-wasm';
import { median } from '@bloom/bench';
import { Rng } from '@bloom/core';

const root = resolve(import.meta.dirname, '..');
const dim = 32;
const k = 4;
const batches = 40;
const ids = 4096;
const rounds = 15;
const sizes = [2000, 1_000_000];
const rng = new Rng(7);

function table(rows) {
  const t = WasmGatherTable.create({ rows, dim, optimizer: { kind: 'adam', lr: 0.01 } });
  t.applyGradients(Int32Array.of(0), 1, 'sum', new Float32Array(dim)); // allocate Adam's state up front
  return t;
}

const tables = sizes.map(table);
const grads = new Float32Array(ids * dim).fill(1e-3);
const seconds = sizes.map(() => []);
for (let round = 0; round < rounds; round++)
  sizes.forEach((rows, s) => {
    const batchRows = Array.from({ length: batches }, () =>
      Int32Array.from({ length: ids * k }, () => rng.nextInt(rows)),
    );
    const start = performance.now();
    for (const r of batchRows) {
      tables[s].lookup(r, k, 'sum');
      tables[s].applyGradients(r, k, 'sum', grads);
    }
    seconds[s].push((performance.now() - start) / 1000);
  });

const [small, large] = seconds.map(median);
const lines = [
  '# The memory floor of a bloom-table epoch',
  '',
  `Command: \`npm run build && node benchmarks/memory-floor.mjs\` (${new Date().toISOString()}).`,
  `Machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}.`,
  'The wasm table kernels alone (gather k = 4 rows per id, then duplicate sums and Adam on the distinct rows) over',
  `one epoch's item-table traffic: ${batches} batches of ${ids} ids, dim ${dim}, rows uniform over the table. Median of ${rounds} rounds, the sizes alternating.`,
  '',
  '| table rows (inflated items) | seconds per epoch of item-table kernels |',
  '| --- | ---: |',
  `| 2000 (1e4) | ${small.toFixed(3)} |`,
  `| 1e6 (5e6) | ${large.toFixed(3)} |`,
  '',
  `The same arithmetic costs ${(large - small).toFixed(3)} s more per epoch (${(large / small).toFixed(1)}x) once the rows no longer fit the caches and TLB: that is the floor under the bloom row of spotlight-baseline.md, whatever the rest of the step costs.`,
];
writeFileSync(join(root, 'benchmarks/results/memory-floor.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/memory-floor.json'),
  `${JSON.stringify({ command: 'node benchmarks/memory-floor.mjs', sizes, seconds }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
