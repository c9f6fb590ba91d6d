// Relative MRR and training speed of compressed item tables against the dense table, with the same
// hyperparameters and split (issue 18's setting): implicit BPR factorization, d 32, Adam lr 1e-2, l2 1e-6, batch 1024,
// 10 epochs, random 80/20 split, on ML-100K and ml-latest-small; and the LSTM sequence model on ML-100K (Spotlight's
// user-based split, sequences of 10, tied output). Strategies: dense, bloom (k 2), hybrid (head share 0.25, tail k 2
// and k 1), hash embeddings (k 2, a weight per id), all at ratio 0.2. Every (dataset, model, seed) runs its strategies back to back, in rotating order, as fresh
// `bloom train` processes on the wasm backend with one thread. Writes benchmarks/results/compression-accuracy.{json,md}.
// Run after `npm run build`: BLOOM_DATA_DIR=../shared/data node benchmarks/compression-accuracy.mjs  (SEEDS=3)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, i) => 42 + i);
const RATIO = '0.2';
const strategies = {
  dense: ['--embedding', 'dense'],
  'bloom k 2': ['--embedding', 'bloom', '--hashes', '2', '--compression', RATIO],
  'hybrid k 2': ['--embedding', 'hybrid', '--hashes', '2', '--compression', RATIO, '--head-share', '0.25'],
  'hybrid k 1': ['--embedding', 'hybrid', '--hashes', '1', '--compression', RATIO, '--head-share', '0.25'],
  'hash k 2': ['--embedding', 'hash', '--hashes', '2', '--compression', RATIO],
};
const settings = [
  { dataset: 'ml-100k', model: 'factorization', args: ['--batch-size', '1024', '--l2', '1e-6'] },
  { dataset: 'ml-latest-small', model: 'factorization', args: ['--batch-size', '1024', '--l2', '1e-6'] },
  {
    dataset: 'ml-100k',
    model: 'lstm',
    args: ['--model', 'sequence', '--representation', 'lstm', '--batch-size', '256', '--l2', '0'],
  },
];

function train(setting, strategy, seed) {
  const argv = [
    join(root, 'packages/cli/dist/bin.js'),
    'train',
    '--dataset',
    setting.dataset,
    ...setting.args,
    ...strategies[strategy],
    ...['--dim', '32', '--lr', '1e-2', '--epochs', '10', '--seed', String(seed)],
    ...['--backend', 'wasm', '--threads', '1', '--json', '--no-progress'],
  ];
  const out = execFileSync(process.execPath, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').at(-1));
}

const runs = [];
for (const setting of settings) {
  for (const seed of seeds) {
    const names = Object.keys(strategies);
    // Rotate the order per seed, so no strategy always runs first (warm caches, a quieter machine).
    const order = names.map((_, i) => names[(i + seed) % names.length]);
    for (const strategy of order) {
      const r = train(setting, strategy, seed);
      runs.push({
        ...setting,
        args: undefined,
        strategy,
        seed,
        mrr: r.mrr,
        seconds: r.seconds_per_epoch,
        parameters: r.parameters,
        tableRows: r.table_rows,
      });
      process.stderr.write(
        `${setting.dataset} ${setting.model} ${strategy} seed ${seed}: mrr ${r.mrr.toFixed(4)}, ${r.seconds_per_epoch.toFixed(3)} s/epoch\n`,
      );
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (const setting of settings) {
  const of = (strategy) =>
    runs.filter((r) => r.dataset === setting.dataset && r.model === setting.model && r.strategy === strategy);
  const dense = of('dense');
  const bloom = of('bloom k 2');
  for (const strategy of Object.keys(strategies)) {
    const mine = of(strategy);
    // Per seed: the same split for every strategy, so ratios are taken seed by seed, then the median.
    const relative = mine.map((r) => r.mrr / dense.find((d) => d.seed === r.seed).mrr);
    const speed = mine.map((r) => r.seconds / bloom.find((b) => b.seed === r.seed).seconds);
    rows.push({
      dataset: setting.dataset,
      model: setting.model,
      strategy,
      mrr: median(mine.map((r) => r.mrr)),
      relativeMrr: median(relative),
      relativeMrrMin: Math.min(...relative),
      secondsPerEpoch: median(mine.map((r) => r.seconds)),
      timeVsBloom: median(speed),
      itemRows: mine[0].tableRows,
      parameters: mine[0].parameters,
    });
  }
}
const meta = {
  command: 'npm run build && BLOOM_DATA_DIR=../shared/data node benchmarks/compression-accuracy.mjs',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  node: process.version,
  seeds,
  ratio: Number(RATIO),
};
writeFileSync(
  join(root, 'benchmarks/results/compression-accuracy.json'),
  `${JSON.stringify({ meta, rows, runs }, null, 2)}\n`,
);
const f = (x, d = 3) => x.toFixed(d);
const lines = [
  '# Compressed item tables against dense: relative MRR and speed',
  '',
  `\`${meta.command}\` on ${meta.date.slice(0, 10)}: ${meta.cpu} (${meta.cores} cores), Node ${meta.node}, wasm backend, one thread.`,
  `Ratio ${RATIO} for every compressed table; seeds ${seeds.join(', ')} (each seed: its own split and initialisation, the same for`,
  'every strategy). Factorization: implicit BPR, d 32, Adam lr 1e-2, l2 1e-6, batch 1024, 10 epochs, random 80/20 split.',
  "LSTM: Spotlight's sequence protocol (user-based split, sequences of 10, tied output), d 32, lr 1e-2, batch 256, 10 epochs.",
  "Relative MRR is each seed's MRR over the dense MRR of the same seed (median, and the worst seed); time is seconds per",
  "epoch over plain bloom's of the same seed (median).",
  '',
  '| dataset | model | items | MRR | relative MRR (median) | worst seed | s/epoch | time / bloom | item rows | parameters |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.dataset} | ${r.model} | ${r.strategy} | ${f(r.mrr, 4)} | ${f(r.relativeMrr)} | ${f(r.relativeMrrMin)} | ${f(r.secondsPerEpoch)} | ${f(r.timeVsBloom, 2)} | ${r.itemRows} | ${r.parameters} |`,
  ),
  '',
];
writeFileSync(join(root, 'benchmarks/results/compression-accuracy.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
