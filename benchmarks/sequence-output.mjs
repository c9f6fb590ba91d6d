// The Bloom output layer against Spotlight's tied output (issue 5): the LSTM sequence model on Spotlight's
// synthetic data and on ML-100K, items through bloom (k 4) at ratios 0.2 and 0.5, with
// - `tied`: Spotlight's output, scored against the (bloom) item embeddings, BPR with sampled negatives;
// - `bloom`: the paper's output, a softmax over the same number of hashed positions, cross-entropy;
// and their uncompressed baselines (dense items with `tied`, dense items with a full `softmax`). Each cell is a
// fresh `bloom train` process. Writes benchmarks/results/sequence-output.{json,md}.
// Run after `npm run build`: node benchmarks/sequence-output.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const env = { ...process.env, BLOOM_DATA_DIR: resolve(root, '../shared/data') };
const datasets = {
  synthetic: ['--dataset', 'synthetic', '--epochs', '25', '--l2', '1e-7'],
  'ml-100k': ['--dataset', 'ml-100k', '--epochs', '10', '--l2', '0'],
};
const bloomItems = (ratio) => ['--embedding', 'bloom', '--compression', String(ratio), '--hashes', '4'];
const configs = [
  { output: 'tied', ratio: 1, args: ['--embedding', 'dense', '--output', 'tied'] },
  { output: 'softmax', ratio: 1, args: ['--embedding', 'dense', '--output', 'softmax'] },
  ...[0.2, 0.5].flatMap((ratio) => [
    { output: 'tied', ratio, args: [...bloomItems(ratio), '--output', 'tied'] },
    {
      output: 'bloom',
      ratio,
      args: [
        ...bloomItems(ratio),
        '--output',
        'bloom',
        '--output-compression',
        String(ratio),
        '--output-hashes',
        '4',
      ],
    },
  ]),
];
const common = ['--model', 'sequence', '--representation', 'lstm', '--dim', '32', '--batch-size', '128'];
const rows = [];
for (const [dataset, dataArgs] of Object.entries(datasets))
  for (const c of configs) {
    const args = ['train', ...common, ...dataArgs, ...c.args, '--seed', '42', '--backend', 'wasm', '--json'];
    const out = execFileSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    rows.push({ dataset, output: c.output, ratio: c.ratio, ...JSON.parse(out.trim().split('\n').at(-1)) });
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
  }

// Each compressed cell relative to its own uncompressed baseline: tied to dense-tied, bloom to full softmax.
const baselineOf = (r) =>
  rows.find(
    (b) =>
      b.dataset === r.dataset && b.ratio === 1 && b.output === (r.output === 'tied' ? 'tied' : 'softmax'),
  );
const lines = [
  '# The Bloom output layer vs the tied output (LSTM sequence model)',
  '',
  `Command: \`npm run build && node benchmarks/sequence-output.mjs\` (${new Date().toISOString()}, ${cpus()[0]?.model}, wasm backend, Node ${process.version}).`,
  'Each row is `bloom train --model sequence --representation lstm --dim 32 --batch-size 128 --seed 42` with the',
  "items and output shown; synthetic: 25 epochs, l2 1e-7 (Spotlight's LSTM test); ml-100k: 10 epochs, l2 0. User split,",
  'sequences of 10, sequence MRR on the test users. One seed per cell, so differences of a few hundredths are noise.',
  'Relative MRR and time are against the uncompressed baseline of the same output kind (tied: dense items, tied;',
  'bloom: dense items, full softmax).',
  '',
  '| dataset | items | output | output units | MRR | relative MRR | s/epoch (median) | relative time | parameters |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => {
    const base = baselineOf(r);
    const items = r.ratio === 1 ? 'dense' : `bloom ${r.ratio}, k 4`;
    const units = r.output === 'tied' ? '(tied)' : r.table_rows; // the output hashes with the items' ratio
    return `| ${r.dataset} | ${items} | ${r.output} | ${units} | ${r.mrr.toFixed(4)} | ${(r.mrr / base.mrr).toFixed(2)} | ${r.seconds_per_epoch.toFixed(3)} | ${(r.seconds_per_epoch / base.seconds_per_epoch).toFixed(2)} | ${r.parameters} |`;
  }),
];
writeFileSync(join(root, 'benchmarks/results/sequence-output.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/sequence-output.json'),
  `${JSON.stringify({ command: 'node benchmarks/sequence-output.mjs', rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
