// Seconds per BPR epoch of the wasm backend's fused factorization trainer on one thread against every core
// (`bloom train --threads`), dense and bloom (ratio 0.2, k 4) item tables inflated to 1e4 and 5e6 rows (ML-100K,
// dim 32, batch 2048), with Spotlight's factorization in PyTorch (benchmarks/spotlight_torch_epoch.py) at one thread
// and at every core beside it. Each round runs torch 1 / Bloom 1 / Bloom all / torch all, each in a fresh process;
// the table gives medians over rounds and each round's Bloom speed-up (all cores / one thread), which shares the
// machine's load of the moment. Run `npm run build` first; PyTorch is Debian's python3-torch (/usr/bin/python3).
// Writes benchmarks/results/factorization-threads.{md,json}. Usage: node benchmarks/factorization-threads.mjs
// [--rounds 3] [--no-torch-at 5000000]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spotlightShape } from './spotlight-shape.mjs';

const root = resolve(import.meta.dirname, '..');
const data = process.env.BLOOM_DATA_DIR ?? resolve(root, '../shared/data');
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, 'no-torch-at': { type: 'string', multiple: true } },
});
const rounds = Number(values.rounds);
const skipTorch = new Set((values['no-torch-at'] ?? []).map(Number));
const cores = cpus().length;
const python = '/usr/bin/python3';
const env = { ...process.env, BLOOM_DATA_DIR: data };
const run = (file, args) =>
  execFileSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function bloom(embedding, n, threads) {
  const out = JSON.parse(
    run(process.execPath, [
      join(root, 'packages/cli/dist/bin.js'),
      'train',
      ...['--dataset', 'ml-100k', '--loss', 'bpr', '--epochs', '6', '--num-embeddings', String(n)],
      ...['--backend', 'wasm', '--threads', String(threads), '--no-eval', '--json', '--no-progress'],
      ...spotlightShape(embedding),
    ]),
  );
  if (out.threads !== threads) throw new Error(`asked for ${threads} threads, ran on ${out.threads}`);
  return out.seconds_per_epoch;
}

// The second of two epochs (dense Adam over 5e6 rows takes minutes an epoch).
function torch(embedding, n, threads) {
  const out = JSON.parse(
    run(python, [
      join(root, 'benchmarks/spotlight_torch_epoch.py'),
      ...['--ratings', join(data, 'ml-100k/u.data'), '--num-embeddings', String(n), '--epochs', '2'],
      ...['--threads', String(threads)],
      ...spotlightShape(embedding),
    ]),
  );
  return { seconds: out.seconds.at(-1), torch: out.torch, threads: out.threads };
}

const rows = [];
for (const embedding of ['dense', 'bloom'])
  for (const n of [1e4, 5e6]) {
    const cells = [];
    for (let r = 0; r < rounds; r++) {
      const withTorch = !skipTorch.has(n) && (n < 1e6 || r === 0);
      const torch1 = withTorch ? torch(embedding, n, 1) : null;
      const one = bloom(embedding, n, 1);
      const all = bloom(embedding, n, cores);
      const torchAll = withTorch ? torch(embedding, n, cores) : null;
      cells.push({ one, all, torch1, torchAll, speedup: one / all });
      process.stderr.write(`${embedding} ${n}: ${JSON.stringify(cells.at(-1))}\n`);
    }
    const torchSeconds = (key) => {
      const xs = cells.map((c) => c[key]?.seconds).filter((x) => x !== undefined);
      return xs.length === 0 ? null : median(xs);
    };
    rows.push({
      embedding,
      n,
      one: median(cells.map((c) => c.one)),
      all: median(cells.map((c) => c.all)),
      speedups: cells.map((c) => c.speedup),
      torch1: torchSeconds('torch1'),
      torchAll: torchSeconds('torchAll'),
      torchVersion: cells.find((c) => c.torch1)?.torch1.torch ?? null,
      cells,
    });
  }

const fmt = (x, digits = 3) => (x === null ? '-' : x.toFixed(digits));
const lines = [
  '# The fused factorization trainer on one thread and on every core',
  '',
  `Command: \`npm run build && node benchmarks/factorization-threads.mjs --rounds ${rounds}${[...skipTorch].map((n) => ` --no-torch-at ${n}`).join('')}\` (${new Date().toISOString()}).`,
  `Machine: ${cores} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, torch ${rows.find((r) => r.torchVersion)?.torchVersion ?? '-'} (Debian python3-torch).`,
  'BPR on ML-100K (80k training interactions), dim 32, batch 2048, Adam lr 1e-2, item table inflated to N rows; bloom:',
  `ratio 0.2, k 4. Bloom: \`bloom train --backend wasm --threads 1\` and \`--threads ${cores}\`, the median of 6 epochs,`,
  "each in a fresh process. PyTorch: Spotlight's code path (benchmarks/spotlight_torch_epoch.py), the second of two",
  `epochs, at 1 thread and at ${cores} (torch.set_num_threads). Medians over ${rounds} rounds (torch at 5e6 in the first only${skipTorch.size > 0 ? `; left out at ${[...skipTorch].map((n) => n.toExponential(0)).join(', ')}` : ''}).`,
  '',
  `| items | N | Bloom 1 thread s/epoch | Bloom ${cores} threads s/epoch | speed-up, median of rounds (each round) | PyTorch 1 thread | PyTorch ${cores} threads | Bloom ${cores} threads vs PyTorch ${cores} threads |`,
  '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.embedding} | ${r.n.toExponential(0)} | ${fmt(r.one)} | ${fmt(r.all)} | ${median(r.speedups).toFixed(2)}x (${r.speedups.map((x) => x.toFixed(2)).join(', ')}) | ${fmt(r.torch1)} | ${fmt(r.torchAll)} | ${r.torchAll === null ? '-' : `${(r.torchAll / r.all).toFixed(1)}x`} |`,
  ),
];
writeFileSync(join(root, 'benchmarks/results/factorization-threads.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/factorization-threads.json'),
  `${JSON.stringify(rows, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
