// Spotlight's sequence networks measured in the same run (issue 17): seconds per ML-100K epoch (Spotlight's
// user-based split, seed 42, sequences of at most 10 items, implicit BPR, batch 256, Adam lr 1e-2, l2 0) of
// - Spotlight's nets in PyTorch on one thread (benchmarks/spotlight_torch_sequence.py; Debian's python3-torch),
// - Bloom's fused sequence trainer on the wasm backend (`bloom train --model sequence --backend wasm`),
// alternating cell by cell, each in a fresh process, ROUNDS times (default 3); the medians are reported, with the
// median of the per-round ratios. Also records, once per row at d 32, Bloom's tfjs path (`--no-fused`) and both
// paths' MRR after the same epochs and seed, and for the LSTM at d 32 and 128 both sides on every core (Bloom's
// worker threads, torch's default threads). Both sides train on the same sequences (written to a file here).
// Writes benchmarks/results/sequence-speed.{json,md}.
// Run after `npm run build` (needs /usr/bin/python3 with torch): node benchmarks/sequence-speed.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '@bloom/bench';
import { loadDataset, userBasedTrainTestSplit } from '@bloom/data';

const root = resolve(import.meta.dirname, '..');
const data = process.env.BLOOM_DATA_DIR ?? resolve(root, '../shared/data');
// One thread for OpenBLAS too (torch's own pool is set by the script). Debian's torch links the libblas.so.3
// alternative: install libopenblas0-pthread, or it runs on the reference BLAS at a fifteenth of the speed (the
// meta records the GFLOP/s torch's matmul reached here, so a slow BLAS shows).
const env = { ...process.env, BLOOM_DATA_DIR: data, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
const python = process.env.PYTHON ?? '/usr/bin/python3';
const rounds = Number(process.env.ROUNDS ?? 3);
const EPOCHS = 3;
const only = process.env.ROWS?.split(',');
const rows = [
  { representation: 'pooling', dim: 32, reference: true },
  { representation: 'cnn', dim: 32, reference: true },
  { representation: 'lstm', dim: 32, reference: true, threads: true },
  { representation: 'mixture', dim: 32, reference: true },
  { representation: 'lstm', dim: 64 },
  { representation: 'lstm', dim: 128, threads: true },
  { representation: 'lstm', dim: 256 },
].filter((r) => only === undefined || only.includes(`${r.representation}-${r.dim}`));

process.env.BLOOM_DATA_DIR = data;
const { interactions } = await loadDataset('ml-100k');
const train = userBasedTrainTestSplit(interactions, { seed: 42 }).train.toSequence({ maxLength: 10 });
const file = join(mkdtempSync(join(tmpdir(), 'bloom-sequences-')), 'train.i32');
writeFileSync(
  file,
  new Uint8Array(train.sequences.buffer, train.sequences.byteOffset, train.sequences.byteLength),
);

const run = (command, args, runEnv = env) =>
  JSON.parse(
    execFileSync(command, args, { env: runEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .at(-1),
  );

// threads 0: every core (torch.set_num_threads(cores); Debian torch defaults to 1 thread here), without the caps.
function torch({ representation, dim }, threads = 1) {
  const out = run(
    python,
    [
      join(root, 'benchmarks/spotlight_torch_sequence.py'),
      ...['--sequences', file, '--items', String(interactions.numItems), '--representation', representation],
      ...['--dim', String(dim), '--epochs', String(EPOCHS), '--threads', String(threads || cpus().length)],
    ],
    threads === 0 ? { ...process.env, BLOOM_DATA_DIR: data } : env,
  );
  return { seconds: median(out.seconds), torch: out.torch, threads: out.threads };
}

function bloom({ representation, dim }, extra = ['--threads', '1']) {
  const out = run('node', [
    join(root, 'packages/cli/dist/bin.js'),
    'train',
    ...[
      '--dataset',
      'ml-100k',
      '--model',
      'sequence',
      '--representation',
      representation,
      '--dim',
      String(dim),
    ],
    ...['--epochs', String(EPOCHS), '--batch-size', '256', '--lr', '1e-2', '--l2', '0', '--loss', 'bpr'],
    ...['--backend', 'wasm', '--json', '--no-progress', ...extra],
  ]);
  return { seconds: out.seconds_per_epoch, mrr: out.mrr, path: out.training_path, device: out.device };
}

const results = [];
for (const row of rows) {
  const cells = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side runs first, so a load that comes and goes hits both alike.
    const pair = r % 2 === 0 ? [torch(row), bloom(row)] : [bloom(row), torch(row)].reverse();
    const cell = { torch: pair[0].seconds, bloom: pair[1].seconds, mrr: pair[1].mrr, path: pair[1].path };
    if (row.threads) {
      // Every core on both sides: Bloom's minibatches split over worker threads, torch at its default.
      cell.bloomAllCores = bloom(row, ['--threads', String(cpus().length)]).seconds;
      cell.torchAllCores = torch(row, 0).seconds;
    }
    cells.push(cell);
    process.stderr.write(
      `${row.representation} d ${row.dim} round ${r + 1}: ${JSON.stringify(cells.at(-1))}\n`,
    );
  }
  const result = {
    ...row,
    torchSeconds: median(cells.map((c) => c.torch)),
    bloomSeconds: median(cells.map((c) => c.bloom)),
    roundSpeedups: cells.map((c) => c.torch / c.bloom),
    bloomMrr: cells[0].mrr,
    trainingPath: cells[0].path,
    cells,
  };
  result.medianRoundSpeedup = median(result.roundSpeedups);
  if (row.threads) {
    result.bloomAllCoresSeconds = median(cells.map((c) => c.bloomAllCores));
    result.torchAllCoresSeconds = median(cells.map((c) => c.torchAllCores));
    // Scaling over one thread, and Bloom on every core against one-thread and every-core PyTorch, per round.
    result.threadScaling = median(cells.map((c) => c.bloom / c.bloomAllCores));
    result.allCoresVsTorchOneThread = median(cells.map((c) => c.torch / c.bloomAllCores));
    result.allCoresVsTorchAllCores = median(cells.map((c) => c.torchAllCores / c.bloomAllCores));
  }
  if (row.reference) {
    const tfjs = bloom(row, ['--no-fused', '--threads', '1']);
    result.tfjsSeconds = tfjs.seconds;
    result.tfjsMrr = tfjs.mrr;
  }
  results.push(result);
}

const meta = {
  command: 'node benchmarks/sequence-speed.mjs',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  node: process.version,
  torch: torch({ representation: 'pooling', dim: 8 }).torch,
  torchMatmulGflops: Number(
    execFileSync(
      python,
      [
        '-c',
        'import torch,time;torch.set_num_threads(1);a=torch.randn(2560,128);b=torch.randn(128,512);[a@b for _ in range(3)];t=time.perf_counter();[a@b for _ in range(50)];print(50*2*2560*128*512/(time.perf_counter()-t)/1e9)',
      ],
      { env, encoding: 'utf8' },
    ).trim(),
  ),
  epochs: EPOCHS,
  rounds,
  sequences: train.length,
};
writeFileSync(
  join(root, 'benchmarks/results/sequence-speed.json'),
  `${JSON.stringify({ meta, results }, null, 2)}\n`,
);
const f = (x, digits = 3) => (x === undefined ? '' : x.toFixed(digits));
const lines = [
  '# Sequence networks: Bloom (wasm, fused) against Spotlight in PyTorch, same run',
  '',
  `\`${meta.command}\` on ${meta.date.slice(0, 10)}: ${meta.cpu} (${meta.cores} cores), Node ${meta.node}, torch ${meta.torch} on one thread.`,
  `torch's matmul (2560 x 128 x 512) reached ${meta.torchMatmulGflops.toFixed(1)} GFLOP/s on one thread (OpenBLAS).`,
  `ML-100K, user-based split (seed 42), ${meta.sequences} training sequences of 10, BPR, batch 256, Adam lr 1e-2, l2 0.`,
  `Seconds per epoch: the median over ${EPOCHS} epochs of one run, then the median over ${rounds} alternating rounds.`,
  '',
  '| representation | d | PyTorch s | Bloom fused s | speed-up (median round) | Bloom tfjs path s | MRR fused | MRR tfjs path |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.representation} | ${r.dim} | ${f(r.torchSeconds)} | ${f(r.bloomSeconds)} | ${f(r.medianRoundSpeedup, 2)}x | ${f(r.tfjsSeconds)} | ${f(r.bloomMrr, 4)} | ${f(r.tfjsMrr, 4)} |`,
  ),
  '',
  `Every core (${meta.cores}): Bloom's minibatches split over worker threads (\`--threads ${meta.cores}\`), torch with \`set_num_threads(${meta.cores})\`, in the same rounds.`,
  '',
  '| representation | d | Bloom 1 thread s | Bloom all cores s | scaling | PyTorch 1 thread s | PyTorch all cores s | Bloom all cores / PyTorch 1 thread | Bloom all cores / PyTorch all cores |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results
    .filter((r) => r.threads)
    .map(
      (r) =>
        `| ${r.representation} | ${r.dim} | ${f(r.bloomSeconds)} | ${f(r.bloomAllCoresSeconds)} | ${f(r.threadScaling, 2)}x | ${f(r.torchSeconds)} | ${f(r.torchAllCoresSeconds)} | ${f(r.allCoresVsTorchOneThread, 2)}x | ${f(r.allCoresVsTorchAllCores, 2)}x |`,
    ),
  '',
];
writeFileSync(join(root, 'benchmarks/results/sequence-speed.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
