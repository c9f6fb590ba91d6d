// The distributed matrix against a local run, on one machine: the default matrix run by `bloom bench` locally and
// through the queue with 1, 2 and 3 `bloom worker`s (wall time), then the queue's own cost per cell, measured on
// no-op cells (a stand-in `bloom train` that prints its result at once), local and queued in alternating rounds.
// Redis is Debian's redis-server, started on a free loopback port.
// Run after `npm run build`: node benchmarks/distributed-matrix.mjs [--matrix-rounds 2] [--rounds 3] [--noop-cells 48]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '@bloom/bench';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const fake = join(root, 'packages/cli/src/fixtures/fake-train.mjs');
const { values } = parseArgs({
  options: {
    'matrix-rounds': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    'noop-cells': { type: 'string', default: '48' },
  },
});
const matrixRounds = Number(values['matrix-rounds']);
const rounds = Number(values.rounds);
const noopCells = Number(values['noop-cells']);
const scratch = mkdtempSync(join(tmpdir(), 'bloom-distributed-bench-'));
const env = { ...process.env, BLOOM_DATA_DIR: process.env.BLOOM_DATA_DIR ?? resolve(root, '../shared/data') };
delete env.BLOOM_QUEUE;

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', scratch, '--save', ''],
  {
    stdio: 'ignore',
  },
);
await new Promise((r) => setTimeout(r, 500));
const queue = `redis://127.0.0.1:${port}`;

const run = (args, extraEnv = {}) =>
  new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      code === 0
        ? ok((performance.now() - t0) / 1000)
        : fail(new Error(`bloom ${args[0]} exited ${code}: ${err.slice(-800)}`)),
    );
  });

async function withWorkers(n, extraEnv, body) {
  const workers = Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [bin, 'worker', '--queue', queue, '--host', `w${i + 1}`, '--backends', 'cpu,wasm,webgpu'],
      {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    ),
  );
  // Ready when each has said what it serves.
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((ok) => {
          let text = '';
          w.stderr.on('data', (d) => {
            text += d;
            if (/at a time/.test(text)) ok();
          });
        }),
    ),
  );
  try {
    return await body();
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(
      workers.map((w) => new Promise((ok) => (w.exitCode !== null ? ok() : w.on('exit', ok)))),
    );
  }
}

const cellSeconds = (file, backend) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.status === 'ok' && (backend === undefined || r.cell.backend === backend))
    .reduce((sum, r) => sum + r.wallSeconds, 0);
const BACKENDS = ['cpu', 'wasm', 'webgpu'];
const byBackend = (file) => BACKENDS.map((b) => cellSeconds(file, b));
const okCells = (file) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => JSON.parse(l).status === 'ok').length;

const lines = [];
try {
  // 1. The default matrix: local, then 1, 2 and 3 workers, in alternating rounds.
  const defaults = [];
  for (let round = 0; round < matrixRounds; round++) {
    const localOut = join(scratch, `local-${round}`);
    const localWall = await run(['bench', '--out', localOut, '--no-micro', '--fresh']);
    const localFile = join(localOut, 'default.jsonl');
    defaults.push({
      round,
      how: 'local `bloom bench`',
      wall: localWall,
      cells: okCells(localFile),
      busy: cellSeconds(localFile),
      backends: byBackend(localFile),
    });
    for (const n of [1, 2, 3]) {
      const out = join(scratch, `queue-${n}-${round}`);
      const wall = await withWorkers(n, {}, () =>
        run([
          'bench',
          '--queue',
          queue,
          '--out',
          out,
          '--no-micro',
          '--fresh',
          '--skip-unserved-after',
          '0.5',
        ]),
      );
      const file = join(out, 'default.jsonl');
      defaults.push({
        round,
        how: `queue, ${n} worker${n > 1 ? 's' : ''}`,
        wall,
        cells: okCells(file),
        busy: cellSeconds(file),
        backends: byBackend(file),
      });
    }
  }
  const hows = [...new Set(defaults.map((d) => d.how))];
  const localMedian = median(defaults.filter((d) => d.how === hows[0]).map((d) => d.wall));
  // 2. No-op cells: the queue's cost per cell, local and queued alternately.
  const noop = join(scratch, 'noop.json');
  writeFileSync(
    noop,
    JSON.stringify({
      name: 'noop',
      evaluate: false,
      axes: {
        strategy: ['dense'],
        backend: ['cpu'],
        dim: Array.from({ length: noopCells }, (_, i) => i + 1),
      },
    }),
  );
  const fakeEnv = { BLOOM_BENCH_BIN: fake, FAKE_TRAIN_LOG: join(scratch, 'noop.log') };
  const overhead = [];
  for (let r = 0; r < rounds; r++) {
    const local = await run(
      ['bench', '--matrix', noop, '--out', join(scratch, 'noop-local'), '--no-micro', '--fresh'],
      fakeEnv,
    );
    const queued = await withWorkers(1, fakeEnv, () =>
      run(
        [
          'bench',
          '--matrix',
          noop,
          '--queue',
          queue,
          '--out',
          join(scratch, 'noop-queue'),
          '--no-micro',
          '--fresh',
        ],
        fakeEnv,
      ),
    );
    overhead.push({ local, queued, perCellMs: ((queued - local) / noopCells) * 1000 });
  }

  lines.push(
    '# The benchmark matrix through the queue (BullMQ on Redis) against a local run',
    '',
    `Command: \`node benchmarks/distributed-matrix.mjs --matrix-rounds ${matrixRounds} --rounds ${rounds} --noop-cells ${noopCells}\` (${new Date().toISOString()})`,
    '',
    `Machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; redis-server on loopback`,
    '',
    '## The default matrix (`packages/bench/matrices/default.json`)',
    '',
    'All on this machine. Workers serve cpu, wasm and webgpu; the cuda cells (no GPU here) are skipped in both runs. Wall is',
    'the `bloom bench` command, from start to report (the workers are started and ready before it starts); cell seconds',
    "is the sum of the cells' own wall times (each a fresh `bloom train`). More workers than this machine's two cores",
    'shorten the wall only while cells wait on something other than the CPU; they lengthen each cell.',
    '',
    '| run | round | wall (s) | cells ok | cell seconds (sum) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...defaults.map(
      (d) => `| ${d.how} | ${d.round + 1} | ${d.wall.toFixed(1)} | ${d.cells} | ${d.busy.toFixed(1)} |`,
    ),
    '',
    'Medians over the rounds:',
    '',
    `| run | wall (s) | wall / local | cell seconds (sum) | ${BACKENDS.map((b) => `${b} cells (s)`).join(' | ')} |`,
    `| --- | ---: | ---: | ---: | ${BACKENDS.map(() => '---:').join(' | ')} |`,
    ...hows.map((how) => {
      const of = defaults.filter((d) => d.how === how);
      const wall = median(of.map((d) => d.wall));
      const perBackend = BACKENDS.map((_, b) => median(of.map((d) => d.backends[b])).toFixed(1));
      return `| ${how} | ${wall.toFixed(1)} | ${(wall / localMedian).toFixed(2)} | ${median(of.map((d) => d.busy)).toFixed(1)} | ${perBackend.join(' | ')} |`;
    }),
    '',
    "## The queue's cost per cell",
    '',
    `${noopCells} no-op cells (a stand-in \`bloom train\` that prints its result at once), run locally and through the queue with`,
    'one worker, alternating; the difference per cell is what the queue adds (enqueue, the worker taking the job, storing',
    'the result, the collector reading it).',
    '',
    '| round | local (s) | queue, 1 worker (s) | queue overhead per cell (ms) |',
    '| ---: | ---: | ---: | ---: |',
    ...overhead.map(
      (o, i) => `| ${i + 1} | ${o.local.toFixed(2)} | ${o.queued.toFixed(2)} | ${o.perCellMs.toFixed(1)} |`,
    ),
    '',
    `Median overhead per cell: **${median(overhead.map((o) => o.perCellMs)).toFixed(1)} ms** (aim: under 50 ms).`,
    '',
  );
  const out = join(root, 'benchmarks/results/distributed-matrix.md');
  mkdirSync(join(root, 'benchmarks/results'), { recursive: true });
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\nwrote ${out}\n`);
} finally {
  redis.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}
