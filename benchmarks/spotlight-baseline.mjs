// Spotlight measured in the same run (issue 5): seconds per ML-100K epoch of BPR factorization (dim 32, batch
// 2048) with the item table inflated to N rows, dense and bloom (ratio 0.2, k 4), for
// - Spotlight's code path in PyTorch on one thread (benchmarks/spotlight_torch_epoch.py; Debian's python3-torch),
// - Bloom's fused path (`bloom train`) on the wasm adapter (WebAssembly SIMD kernels) and on the cpu adapter
//   (TypeScript loops),
// paired cell by cell (they alternate, each in a fresh process) so machine load hits all alike. The cheap sizes
// (1e4, 1e5) repeat REPEATS times (default 5) and report medians; this machine is shared and noisy.
// Writes benchmarks/results/spotlight-baseline.{json,md}.
// Run after `npm run build` (needs /usr/bin/python3 with torch): node benchmarks/spotlight-baseline.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '@bloom/bench';
import { spotlightShape } from './spotlight-shape.mjs';

const root = resolve(import.meta.dirname, '..');
const data = resolve(root, '../shared/data');
const env = { ...process.env, BLOOM_DATA_DIR: data };
const python = process.env.PYTHON ?? '/usr/bin/python3';
const sizes = [1e4, 1e5, 1e6, 5e6];
const run = (file, args) =>
  execFileSync(file, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1);

const repeats = Number(process.env.REPEATS ?? 5);
const rows = [];
for (const embedding of ['dense', 'bloom'])
  for (const n of sizes) {
    const cells = [];
    for (let r = 0; r < (n <= 1e5 ? repeats : 1); r++) cells.push(measure(embedding, n));
    const row = {
      embedding,
      n,
      spotlightSeconds: median(cells.map((c) => c.spotlight)),
      bloomSeconds: median(cells.map((c) => c.wasm)),
      bloomCpuSeconds: median(cells.map((c) => c.cpu)),
      repeats: cells.length,
      cells,
      torch: cells[0].torch,
      threads: cells[0].threads,
      device: cells[0].device,
    };
    row.speedup = row.spotlightSeconds / row.bloomSeconds;
    // Each round's Spotlight and Bloom cells run seconds apart, so their ratio shares the machine's load of the
    // moment; the median of those ratios is the steadier figure.
    row.roundSpeedups = cells.map((c) => c.spotlight / c.wasm);
    row.medianRoundSpeedup = median(row.roundSpeedups);
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }

function measure(embedding, n) {
  const shape = spotlightShape(embedding);
  // Spotlight: a warm-up epoch, then one timed epoch (dense Adam over a 5e6-row table takes minutes).
  const torch = JSON.parse(
    run(python, [
      join(root, 'benchmarks/spotlight_torch_epoch.py'),
      '--ratings',
      join(data, 'ml-100k/u.data'),
      '--num-embeddings',
      String(n),
      '--epochs',
      '2',
      ...shape,
    ]),
  );
  const ours = (backend) =>
    JSON.parse(
      run(process.execPath, [
        join(root, 'packages/cli/dist/bin.js'),
        'train',
        '--dataset',
        'ml-100k',
        '--loss',
        'bpr',
        '--epochs',
        '5',
        '--num-embeddings',
        String(n),
        '--backend',
        backend,
        '--threads',
        '1',
        '--no-eval',
        '--json',
        ...shape,
      ]),
    );
  const wasm = ours('wasm');
  const cpu = ours('cpu');
  return {
    spotlight: torch.seconds.at(-1),
    spotlightWarmup: torch.seconds[0],
    wasm: wasm.seconds_per_epoch,
    cpu: cpu.seconds_per_epoch,
    torch: torch.torch,
    threads: torch.threads,
    device: wasm.device,
  };
}

const at = (embedding, n) => rows.find((r) => r.embedding === embedding && r.n === n);
const lines = [
  '# Spotlight (PyTorch, one thread) and Bloom, measured in the same run',
  '',
  `Command: \`npm run build && node benchmarks/spotlight-baseline.mjs\` (${new Date().toISOString()}).`,
  `Machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, torch ${rows[0]?.torch} (Debian python3-torch), ${rows[0]?.threads} thread.`,
  "BPR on ML-100K (80k training interactions, Spotlight's random split seed 42), dim 32, batch 2048, Adam lr 1e-2, item",
  "table inflated to N rows; bloom: ratio 0.2, k 4, murmur3 with Spotlight's seeds. Spotlight: its ImplicitFactorizationModel",
  "code path re-implemented in torch (Spotlight is not installable here), dense torch Adam as Spotlight's default, the",
  'second of two epochs. Bloom: `bloom train`, the median of 5 epochs (lazy Adam, fused step), on the wasm backend',
  '(tables and step in WebAssembly SIMD kernels) and the cpu backend (the same step in TypeScript loops).',
  `Cells alternate Spotlight / Bloom wasm / Bloom cpu, each in a fresh process; 1e4 and 1e5 are the medians of ${repeats} such rounds.`,
  '',
  '| items | N | Spotlight s/epoch | Bloom wasm s/epoch | Bloom cpu s/epoch | wasm speed-up over Spotlight | median of round speed-ups (each round) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map(
    (r) =>
      `| ${r.embedding} | ${r.n.toExponential(0)} | ${r.spotlightSeconds.toFixed(3)} | ${r.bloomSeconds.toFixed(3)} | ${r.bloomCpuSeconds.toFixed(3)} | ${r.speedup.toFixed(1)}x | ${r.medianRoundSpeedup.toFixed(1)}x (${r.roundSpeedups.map((x) => x.toFixed(1)).join(', ')}) |`,
  ),
  '',
  '| items | Spotlight 5e6 / 1e4 | Bloom wasm 5e6 / 1e4 | Bloom cpu 5e6 / 1e4 |',
  '| --- | ---: | ---: | ---: |',
  ...['dense', 'bloom'].map(
    (e) =>
      `| ${e} | ${(at(e, 5e6).spotlightSeconds / at(e, 1e4).spotlightSeconds).toFixed(1)}x | ${(at(e, 5e6).bloomSeconds / at(e, 1e4).bloomSeconds).toFixed(2)}x | ${(at(e, 5e6).bloomCpuSeconds / at(e, 1e4).bloomCpuSeconds).toFixed(2)}x |`,
  ),
];
writeFileSync(join(root, 'benchmarks/results/spotlight-baseline.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(root, 'benchmarks/results/spotlight-baseline.json'),
  `${JSON.stringify({ command: 'node benchmarks/spotlight-baseline.mjs', rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
