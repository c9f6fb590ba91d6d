// Load test of `bloom serve` on loopback with autocannon: a model with 1e6 items (implicit BPR factorization,
// dense items, d 32, the catalog every item), top 10 for one user per request (GET /recommend) and for 10 users per
// request (POST /recommend), then the same single-user load while the model file is replaced (the swap must fail no
// request). Writes benchmarks/results/serve-load.{json,md}.
// Run after `npm run build`: node benchmarks/serve-load.mjs   (DURATION=seconds per run, default 10)
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backends, Rng } from '@bloom/core';
import '@bloom/backend-wasm';
import { Interactions } from '@bloom/data';
import { buildServingIndex, ImplicitFactorizationModel, saveCheckpoint } from '@bloom/models';
import autocannon from 'autocannon';

const root = resolve(import.meta.dirname, '..');
const duration = Number(process.env.DURATION ?? 10);
const NUM_ITEMS = 1_000_000;
const NUM_USERS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'bloom-serve-load-'));

// Two models of the same shape (different seeds): the second replaces the first under load.
async function saveModel(path, seed) {
  const adapter = await backends.get('wasm').create();
  const rng = new Rng(seed);
  const rows = 200_000;
  const userIds = Int32Array.from({ length: rows }, () => rng.nextInt(NUM_USERS));
  const itemIds = Int32Array.from({ length: rows }, () => 1 + rng.nextInt(NUM_ITEMS - 1));
  const train = new Interactions({ userIds, itemIds, numUsers: NUM_USERS, numItems: NUM_ITEMS });
  const model = ImplicitFactorizationModel.create(
    { numUsers: NUM_USERS, numItems: NUM_ITEMS, dim: 32, loss: 'bpr', seed },
    adapter,
  );
  await model.fit(train, { epochs: 1, batchSize: 4096 });
  const catalog = Int32Array.from({ length: NUM_ITEMS - 1 }, (_, i) => i + 1);
  await saveCheckpoint(model, path, { serving: buildServingIndex(train, {}, { catalog }) });
  model.dispose();
}

const modelPath = join(dir, 'model.bloom');
const nextPath = join(dir, 'next.bloom');
await saveModel(modelPath, 1);
await saveModel(nextPath, 2);

const server = spawn(
  process.execPath,
  [join(root, 'packages/cli/dist/bin.js'), 'serve', '--model', modelPath, '--port', '0'],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let log = '';
server.stderr.on('data', (chunk) => {
  log += chunk;
});
const address = await new Promise((resolveAddress, reject) => {
  const poll = setInterval(() => {
    const match = /on (http:\/\/\S+)/.exec(log);
    if (match) {
      clearInterval(poll);
      resolveAddress(match[1]);
    }
  }, 50);
  server.on('exit', (code) => reject(new Error(`bloom serve exited (${code}): ${log}`)));
});

const rng = new Rng(9);
const user = () => rng.nextInt(NUM_USERS);
function run(name, options, during) {
  return new Promise((done, fail) => {
    const instance = autocannon({ url: address, duration, ...options }, (error, result) =>
      error ? fail(error) : done(result),
    );
    during?.(instance);
  }).then((r) => ({
    name,
    connections: options.connections,
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  }));
}
const single = (connections) => ({
  connections,
  requests: [{ setupRequest: (req) => ({ ...req, path: `/recommend?user=${user()}&k=10` }) }],
});
const batch = {
  connections: 1,
  requests: [
    {
      method: 'POST',
      path: '/recommend',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({ users: Array.from({ length: 10 }, user), k: 10 }),
      }),
    },
  ],
};

// A warm-up, then the measured runs.
await run('warm-up', { ...single(1), duration: 2 });
const results = [];
results.push(await run('GET /recommend, 1 user, k 10', single(1)));
results.push(await run('GET /recommend, 1 user, k 10', single(4)));
results.push(await run('POST /recommend, 10 users, k 10', batch));
// Replace the model file a quarter of the way into a longer run; count the requests that failed. Loading the new
// model takes seconds (it is read and its catalogue prepared while the old one serves).
const swapSeconds = Math.max(duration, 20);
results.push(
  await run('GET /recommend during a model swap', { ...single(4), duration: swapSeconds }, () =>
    setTimeout(() => renameSync(nextPath, modelPath), (swapSeconds * 1000) / 4),
  ),
);
for (let waited = 0; !log.includes('reloaded') && waited < 60_000; waited += 100) {
  await new Promise((done) => setTimeout(done, 100));
}
const swapped = log.includes('reloaded');
server.kill('SIGTERM');
await new Promise((done) => server.on('exit', done));

const meta = {
  command: 'npm run build && node benchmarks/serve-load.mjs',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  node: process.version,
  items: NUM_ITEMS,
  durationSeconds: duration,
  swapped,
};
writeFileSync(
  join(root, 'benchmarks/results/serve-load.json'),
  `${JSON.stringify({ meta, results }, null, 2)}\n`,
);
const f = (x, digits = 1) => (x === undefined ? '' : x.toFixed(digits));
const lines = [
  '# bloom serve under load (autocannon, loopback)',
  '',
  `\`${meta.command}\` on ${meta.date.slice(0, 10)}: ${meta.cpu} (${meta.cores} cores), Node ${meta.node}; server and load`,
  `generator share the machine. Model: implicit BPR factorization, 1e6 items (dense, d 32), 1e4 users, the catalog every item;`,
  `${duration} s per run after a 2 s warm-up. The swap run (${Math.max(duration, 20)} s) renames a new model over the served file a quarter of the way in`,
  `(the server ${swapped ? 'reloaded it' : 'did NOT report a reload'}).`,
  '',
  '| run | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.connections} | ${f(r.requestsPerSecond)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${f(r.maxMs)} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
  ),
  '',
];
writeFileSync(join(root, 'benchmarks/results/serve-load.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
