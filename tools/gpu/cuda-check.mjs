// Issue 7's check for the GPU machine (bundled by tools/gpu/pack.mjs, run by tools/gpu/run.sh cuda after
// cuda-tests.mjs, the package's test suites): the CUDA tables on the device against the same tables with the
// kernels emulated on the host and against the TypeScript table; one epoch of the fused trainer on ML-100K on the
// device against the emulation; then seconds per ML-100K epoch of BPR factorization on the cuda backend, d 64,
// batch 2048, dense and bloom (0.2, k 4) items inflated to N rows, with the fused trainer and with the host loop
// over device tables, beside the issue's Spotlight-on-H200 reference. Writes cuda-check.{md,json} to --out.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCudaHostEmulation, cudaBackend, probeCuda } from '@bloom/backend-cuda';
import { loadDataset, randomTrainTestSplit } from '@bloom/data';
import { GatherTable, MultiHotMatmulTable } from '@bloom/embeddings';
import { ImplicitFactorizationModel } from '@bloom/models';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e6,5e6' },
    epochs: { type: 'string', default: '3' },
    out: { type: 'string', default: '.' },
    // A dry run of this script on a machine without a GPU: the host emulation stands in for the device.
    emulate: { type: 'boolean', default: false },
  },
});
const probe = values.emulate ? { devices: ['CUDA kernels emulated on the host (dry run)'] } : probeCuda();
if ('reason' in probe) throw new Error(`no CUDA device to check: ${probe.reason}`);
process.stderr.write(`devices: ${probe.devices.join('; ')}\n`);
const emulated = await createCudaHostEmulation();
const device = values.emulate ? emulated : await cudaBackend.create();

// 1. Correctness: device, host emulation and the TypeScript table, three steps of each optimizer.
let lcg = 7;
const next = (max) => {
  lcg = (Math.imul(lcg, 1664525) + 1013904223) >>> 0;
  return lcg % max;
};
const checks = [];
for (const [formulation, optimizer] of [
  ['gather', { kind: 'sgd', lr: 0.1, weightDecay: 0.01 }],
  ['gather', { kind: 'adagrad', lr: 0.1, initialAccumulator: 0.1 }],
  ['gather', { kind: 'adam', lr: 0.01, weightDecay: 0.01 }],
  ['multi-hot-matmul', { kind: 'adam', lr: 0.01, weightDecay: 0.01 }],
]) {
  const options = { rows: 3000, dim: 64, optimizer, frozenRow: 0, formulation };
  const combine = formulation === 'gather' ? 'mean' : 'sum';
  const init = Float32Array.from({ length: 3000 * 64 }, (_, i) => Math.sin(i));
  const tables = [
    device.createTable(options, init),
    emulated.createTable(options, init),
    formulation === 'gather' ? new GatherTable(options, init) : new MultiHotMatmulTable(options, init),
  ];
  let lookupError = 0;
  for (let step = 0; step < 3; step++) {
    const rows = Int32Array.from({ length: 2048 * 4 }, () => next(3000));
    const grads = Float32Array.from({ length: 2048 * 64 }, (_, i) => Math.cos(i + step) / 2048);
    const looked = tables.map((t) => t.lookup(rows, 4, combine));
    for (let i = 0; i < looked[0].length; i++)
      lookupError = Math.max(lookupError, Math.abs(looked[0][i] - looked[2][i]));
    for (const t of tables) t.applyGradients(rows, 4, combine, grads);
  }
  const [onDevice, onHost, reference] = await Promise.all(tables.map((t) => t.read()));
  let vsHost = 0;
  let vsReference = 0;
  for (let i = 0; i < reference.length; i++) {
    vsHost = Math.max(vsHost, Math.abs(onDevice[i] - onHost[i]));
    vsReference = Math.max(vsReference, Math.abs(onDevice[i] - reference[i]));
  }
  checks.push({ formulation, optimizer: optimizer.kind, lookupError, vsHost, vsReference });
  process.stderr.write(`${JSON.stringify(checks.at(-1))}\n`);
  if (!(vsReference < 1e-4 && lookupError < 1e-5))
    throw new Error(`CUDA tables disagree: ${JSON.stringify(checks.at(-1))}`);
}

// 2. The fused trainer: one epoch of BPR on ML-100K (bloom items, d 32), on the device and emulated.
const { interactions } = await loadDataset('ml-100k');
const fused = {};
{
  const config = {
    numUsers: interactions.numUsers,
    numItems: interactions.numItems,
    dim: 32,
    loss: 'bpr',
    items: { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } },
    seed: 3,
  };
  const [a, b] = [device, emulated].map((adapter) => ImplicitFactorizationModel.create(config, adapter));
  const [ra, rb] = [
    await a.fit(interactions, { epochs: 1, batchSize: 2048 }),
    await b.fit(interactions, { epochs: 1, batchSize: 2048 }),
  ];
  let worst = 0;
  for (const name of ['users', 'items', 'userBias', 'itemBias']) {
    const [x, y] = [await a.net[name].table.read(), await b.net[name].table.read()];
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  Object.assign(fused, {
    path: a.trainingPath.trainer,
    deviceLoss: ra[0].loss,
    emulatedLoss: rb[0].loss,
    maxDifference: worst,
  });
  process.stderr.write(`${JSON.stringify(fused)}\n`);
  if (!(a.trainingPath.trainer === 'cuda-fused' && worst < 1e-3 && Math.abs(ra[0].loss - rb[0].loss) < 1e-4))
    throw new Error(`the fused trainer on the device disagrees with its emulation: ${JSON.stringify(fused)}`);
  a.dispose();
  b.dispose();
}

// 3. Seconds per epoch (the median of the epochs after the first).
const reference = {
  dense: { 1e4: 0.072, 1e6: 0.209, 5e6: 0.785 },
  bloom: { 1e4: 0.156, 1e6: 0.112, 5e6: 0.243 },
};
const rows = [];
for (const n of values.sizes.split(',').map(Number)) {
  const { train } = randomTrainTestSplit(interactions.inflate({ numItems: n }), {
    testFraction: 0.2,
    seed: 42,
  });
  for (const [kind, path] of [
    ['dense', 'fused'],
    ['bloom', 'fused'],
    ['dense', 'host loop'],
    ['bloom', 'host loop'],
  ]) {
    const items =
      kind === 'dense'
        ? { strategy: 'dense', options: {} }
        : { strategy: 'bloom', options: { compressionRatio: 0.2, numHashes: 4 } };
    const model = ImplicitFactorizationModel.create(
      { numUsers: train.numUsers, numItems: train.numItems, dim: 64, loss: 'bpr', items, seed: 42 },
      device,
    );
    const reports = await model.fit(train, {
      epochs: Number(values.epochs),
      batchSize: 2048,
      fused: path === 'fused',
    });
    const seconds = reports
      .slice(1)
      .map((r) => r.seconds)
      .sort((a, b) => a - b)[Math.floor((reports.length - 1) / 2)];
    rows.push({ n, kind, path, seconds, spotlightH200: reference[kind][n] ?? null });
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
    model.dispose();
  }
}

const lines = [
  '# CUDA tables on the GPU machine',
  '',
  `Command: \`bash tools/gpu/run.sh cuda\` (${new Date().toISOString()}). Device: ${probe.devices.join('; ')}; Node ${process.version}.`,
  '',
  'Device tables against the host emulation of the kernels and the TypeScript table (3 steps, 3000 x 64, k 4; gather mean, matmul sum):',
  '',
  '| formulation | optimizer | lookup error | vs host emulation | vs TypeScript |',
  '| --- | --- | ---: | ---: | ---: |',
  ...checks.map(
    (c) =>
      `| ${c.formulation} | ${c.optimizer} | ${c.lookupError.toExponential(1)} | ${c.vsHost.toExponential(1)} | ${c.vsReference.toExponential(1)} |`,
  ),
  '',
  `The fused trainer, one epoch of BPR on ML-100K (bloom 0.2 k 4, d 32), device against emulation: loss ${fused.deviceLoss.toFixed(6)} against ${fused.emulatedLoss.toFixed(6)}, tables within ${fused.maxDifference.toExponential(1)}.`,
  '',
  'BPR factorization on ML-100K, d 64, batch 2048, items inflated to N rows, seconds per epoch: the fused trainer',
  '(minibatches on the device end to end) and the host loop over CUDA tables (a copy per table call); Spotlight on',
  "PyTorch CUDA on an H200 from the issue's reference:",
  '',
  '| N | items | path | Bloom cuda s/epoch | Spotlight (H200) s/epoch | speed-up |',
  '| ---: | --- | --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.n.toExponential(0)} | ${r.kind} | ${r.path} | ${r.seconds.toFixed(4)} | ${r.spotlightH200 ?? '-'} | ${r.spotlightH200 ? `${(r.spotlightH200 / r.seconds).toFixed(1)}x` : '-'} |`,
  ),
];
writeFileSync(join(values.out, 'cuda-check.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(values.out, 'cuda-check.json'),
  `${JSON.stringify({ devices: probe.devices, checks, fused, rows }, null, 2)}\n`,
);
process.stdout.write(`${lines.join('\n')}\n`);
