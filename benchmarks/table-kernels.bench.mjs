// Micro-benchmarks (mitata) of the typed-array table kernels against what stock TensorFlow.js does for the same
// work, in one run: the fused lookup vs tf.gather + sum on the cpu and wasm backends, and the sparse backward +
// optimizer step vs the dense mode (stock tfjs's cost model: every row). B = 256 ids, d = 64.
// Run: npm run bench:tables  (builds first; writes benchmarks/results/table-kernels.{json,md})
import { writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { Rng } from '@bloom/core';
import { createTypedArrayTable } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { bench, do_not_optimize, group, run } from 'mitata';

tf.env().set('PROD', true);
const B = 256;
const D = 64;
const rng = new Rng(1);
const cases = [
  { name: 'dense rows, N=1e4', rows: 10_000, k: 1 },
  { name: 'bloom k=4, m=2e5 (N=1e6)', rows: 200_000, k: 4 },
];
const grads = rng.fillNormal(new Float32Array(B * D), 0, 0.01);
const out = new Float32Array(B * D);
// tf.gather timings, taken with a plain loop (mitata cannot switch tfjs backends between benchmarks).
const stock = [];
async function timeStockGather(c, ids, init) {
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const weights = tf.tensor2d(init, [c.rows, D]);
    const indices = tf.tensor1d(ids, 'int32');
    const once = () => {
      const r = tf.tidy(() => tf.gather(weights, indices).reshape([B, c.k, D]).sum(1));
      do_not_optimize(r.dataSync());
      r.dispose();
    };
    for (let i = 0; i < 50; i++) once();
    const times = [];
    for (let i = 0; i < 300; i++) {
      const t0 = process.hrtime.bigint();
      once();
      times.push(Number(process.hrtime.bigint() - t0));
    }
    times.sort((a, b) => a - b);
    stock.push({
      benchmark: `${c.name}: tf.gather + sum (stock tfjs, ${backend})`,
      median_us: Number((times[150] / 1e3).toPrecision(4)),
    });
    tf.dispose([weights, indices]);
  }
}

for (const c of cases) {
  const ids = Int32Array.from({ length: B * c.k }, () => rng.nextInt(c.rows));
  const init = rng.fillNormal(new Float32Array(c.rows * D), 0, 1 / D);
  const table = (kind, updateMode = 'sparse') =>
    createTypedArrayTable({ rows: c.rows, dim: D, optimizer: { kind, lr: 1e-3 }, updateMode }, init);
  const sgd = table('sgd');
  const adam = table('adam');
  const denseAdam = table('adam', 'dense');
  await timeStockGather(c, ids, init);
  group(c.name, () => {
    bench(`${c.name}: bloom lookup`, () => do_not_optimize(sgd.lookup(ids, c.k, 'sum', out)));
    bench(`${c.name}: bloom backward + SGD (sparse)`, () => sgd.applyGradients(ids, c.k, 'sum', grads));
    bench(`${c.name}: bloom backward + lazy Adam (sparse)`, () =>
      adam.applyGradients(ids, c.k, 'sum', grads),
    );
    bench(`${c.name}: backward + Adam over every row (dense mode)`, () =>
      denseAdam.applyGradients(ids, c.k, 'sum', grads),
    );
  });
}

const { benchmarks } = await run({ print: (line) => process.stderr.write(`${line}\n`) });
const rows = [
  ...benchmarks.map((b) => ({
    benchmark: b.alias,
    median_us: Number((b.runs[0].stats.p50 / 1e3).toPrecision(4)),
  })),
  ...stock,
];
const command = 'npm run bench:tables';
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${platform()} ${arch()}, Node ${process.version}`;
const result = {
  command,
  date: new Date().toISOString(),
  machine,
  batch: B,
  dim: D,
  statistic: 'median (mitata p50)',
  rows,
};
writeFileSync(
  new URL('./results/table-kernels.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
const markdown = [
  '# Table kernels',
  '',
  `Command: \`${command}\` (${result.date})`,
  '',
  `Machine: ${machine}`,
  '',
  `B = ${B} ids, d = ${D}; medians of mitata samples, all in one run. tf.gather + sum is what a stock tfjs model`,
  "does for the lookup (including reading the result back); the dense mode is stock tfjs's update cost model.",
  '',
  '| benchmark | median (µs) |',
  '| --- | ---: |',
  ...rows.map((r) => `| ${r.benchmark} | ${r.median_us} |`),
].join('\n');
writeFileSync(new URL('./results/table-kernels.md', import.meta.url), `${markdown}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
