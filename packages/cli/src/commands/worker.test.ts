import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellKey, expandMatrix, loadMatrix } from '@bloom/bench';
import { describeRequiring } from '@bloom/conformance';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { redisMissing, startTestRedis, type TestRedis } from '../../../matrix-queue/src/test-redis.js';
import { bloom } from '../test-support.js';

// The distributed matrix end to end: `bloom worker` and `bloom bench --queue` as separate processes (run from
// source through tsx), on a real redis-server, killed and restarted the way machines fail.
const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url));
const FAKE_TRAIN = fileURLToPath(new URL('../fixtures/fake-train.mjs', import.meta.url));
const SHARED_DATA = fileURLToPath(new URL('../../../../../shared/data', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bloom-worker-cli-'));

interface Running {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@bloom/source', BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);
const keysOf = (file: string) => lines(file).map((l) => JSON.parse(l).key as string);

function writeMatrix(name: string, axes: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, evaluate: false, axes }));
  return file;
}

describeRequiring(
  'bloom worker and bloom bench --queue (real Redis)',
  redisMissing,
  'BLOOM_REQUIRE_REDIS',
  () => {
    let redis: TestRedis;
    let log: string;
    const workerEnv = (seconds: number) => ({
      BLOOM_BENCH_BIN: FAKE_TRAIN,
      FAKE_TRAIN_LOG: log,
      FAKE_TRAIN_SECONDS: String(seconds),
    });
    const worker = (name: string, seconds: number, ...more: string[]) =>
      start(
        ['worker', '--queue', redis.url, '--host', name, '--lock-seconds', '1', ...more],
        workerEnv(seconds),
      );
    // `bloom bench` of a matrix through the test's Redis, in this process.
    const queueBench = (matrix: string, out: string, ...more: string[]) =>
      bloom('bench', '--matrix', matrix, '--queue', redis.url, '--out', out, ...more);
    const ready = (w: Running) => expect.poll(w.output, { timeout: 30_000 }).toMatch(/at a time/);

    beforeAll(async () => {
      redis = await startTestRedis();
    });
    afterEach(() => {
      for (const child of children.splice(0)) child.kill('SIGKILL');
    });
    afterAll(async () => {
      delete process.env.BLOOM_BENCH_BIN;
      delete process.env.FAKE_TRAIN_LOG;
      await redis?.close();
    });

    it('runs a matrix on three workers: every cell once, and the same report as a local run', async () => {
      log = join(dir, 'three.log');
      const matrix = writeMatrix('three', {
        strategy: ['dense', 'bloom'],
        backend: ['cpu', 'wasm'],
        numEmbeddings: [10000, 100000],
      });
      const workers = ['w1', 'w2', 'w3'].map((name) => worker(name, 0.2, '--backends', 'cpu,wasm'));
      await Promise.all(workers.map(ready));
      const out = join(dir, 'three-queue');
      const queued = await queueBench(matrix, out, '--no-micro', '--json');
      expect(queued.code).toBe(0);
      expect(queued.json).toMatchObject({ cells: 8, ok: 8, failed: 0 });
      const cells = expandMatrix(loadMatrix(matrix));
      expect(keysOf(join(out, 'three.jsonl')).sort()).toEqual(cells.map(cellKey).sort());
      expect(lines(log)).toHaveLength(8); // each cell ran once
      const hosts = new Set(lines(join(out, 'three.jsonl')).map((l) => JSON.parse(l).host));
      expect(hosts.size).toBeGreaterThan(1);
      // The same matrix run locally gives the same table.
      process.env.BLOOM_BENCH_BIN = FAKE_TRAIN;
      process.env.FAKE_TRAIN_LOG = join(dir, 'three-local.log');
      const local = join(dir, 'three-local');
      expect((await bloom('bench', '--matrix', matrix, '--out', local, '--no-micro', '--json')).code).toBe(0);
      const table = (file: string) => lines(file).filter((l) => l.startsWith('| factorization'));
      expect(table(join(out, 'three.md'))).toEqual(table(join(local, 'three.md')));
      expect(table(join(out, 'three.md'))).toHaveLength(8);
      expect(readFileSync(join(out, 'three.md'), 'utf8')).toMatch(/cells run by `bloom worker` on w\d, w\d/);
      // Ctrl-C: each worker finishes and stops.
      for (const w of workers) w.child.kill('SIGINT');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0]);
    });

    it('gives the cell of a worker killed mid-run to another worker, and records it once', async () => {
      log = join(dir, 'killed.log');
      const matrix = writeMatrix('killed', { strategy: ['dense', 'bloom'], backend: ['cpu'] });
      const out = join(dir, 'killed');
      expect((await queueBench(matrix, out, '--no-wait', '--json')).json).toMatchObject({
        cells: 2,
        enqueued: 2,
      });
      const doomed = worker('doomed', 3);
      await expect.poll(() => lines(log).length, { timeout: 30_000 }).toBe(1); // its first cell started
      doomed.child.kill('SIGKILL');
      const survivor = worker('survivor', 0.1);
      const collected = await queueBench(matrix, out, '--collect', '--no-micro', '--json');
      expect(collected.json).toMatchObject({ cells: 2, ok: 2 });
      const records = lines(join(out, 'killed.jsonl')).map((l) => JSON.parse(l));
      expect(records.map((r) => r.host)).toEqual(['survivor', 'survivor']);
      expect(new Set(records.map((r) => r.key)).size).toBe(2);
      // The killed cell started twice (once on each worker) and the other once.
      expect(lines(log)).toHaveLength(3);
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
    });

    it('hands a running cell back on SIGTERM, and another worker finishes it', async () => {
      log = join(dir, 'released.log');
      const matrix = writeMatrix('released', { strategy: ['dense'], backend: ['cpu'] });
      const out = join(dir, 'released');
      await queueBench(matrix, out, '--no-wait');
      const first = worker('first', 30);
      await expect.poll(() => lines(log).length, { timeout: 30_000 }).toBe(1);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toMatch(/put job released-[0-9a-f]+ back on the queue/);
      worker('second', 0.1);
      const collected = await queueBench(matrix, out, '--collect', '--forget', '--no-micro', '--json');
      expect(collected.json).toMatchObject({ ok: 1, forgotten: 1 });
      expect(lines(join(out, 'released.jsonl')).map((l) => JSON.parse(l).host)).toEqual(['second']);
    });

    it('survives its collector being killed, and a Redis restart, without losing or repeating a line', async () => {
      log = join(dir, 'restart.log');
      const matrix = writeMatrix('restart', {
        strategy: ['dense', 'bloom'],
        backend: ['cpu'],
        dim: [8, 16, 32],
      });
      const out = join(dir, 'restart');
      const results = join(out, 'restart.jsonl');
      worker('steady', 1);
      const collector = start([
        'bench',
        '--matrix',
        matrix,
        '--queue',
        redis.url,
        '--out',
        out,
        '--no-micro',
      ]);
      await expect.poll(() => lines(results).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      collector.child.kill('SIGKILL');
      await collector.exited;
      // A new collector, and Redis stopped and started under it and the worker while cells remain.
      const collecting = queueBench(matrix, out, '--collect', '--no-micro', '--json');
      await new Promise((r) => setTimeout(r, 300));
      expect(lines(results).length).toBeLessThan(6);
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1000));
      await redis.start();
      const again = await collecting;
      expect(again.json).toMatchObject({ cells: 6, ok: 6 });
      const keys = keysOf(results);
      expect(keys).toHaveLength(6);
      expect(new Set(keys).size).toBe(6);
      // A cell running while Redis was down may lose its lock and run again elsewhere; it is still recorded once.
      expect(lines(log).length).toBeGreaterThanOrEqual(6);
      expect(readFileSync(join(out, 'restart.md'), 'utf8')).toContain('| ok |');
    });

    it("runs an experiment's runs on workers too, with the same result as running them here", async () => {
      log = join(dir, 'experiment.log');
      worker('experimenter', 0, '--backends', 'wasm');
      process.env.BLOOM_BENCH_BIN = FAKE_TRAIN;
      process.env.FAKE_TRAIN_LOG = join(dir, 'experiment-local.log');
      const queued = join(dir, 'experiment-queue');
      const local = join(dir, 'experiment-local');
      const viaQueue = await bloom(
        'experiment',
        'accuracy',
        '--quick',
        '--queue',
        redis.url,
        '--out',
        queued,
        '--json',
      );
      expect(viaQueue.code, viaQueue.err).toBe(0);
      expect((await bloom('experiment', 'accuracy', '--quick', '--out', local, '--json')).code).toBe(0);
      expect((viaQueue.json as { points: unknown }).points).toEqual(
        (JSON.parse(readFileSync(join(local, 'accuracy.json'), 'utf8')) as { points: unknown }).points,
      );
      expect(lines(log)).toHaveLength(lines(join(dir, 'experiment-local.log')).length);
    });

    it('runs the real bloom train on a worker', async () => {
      const matrix = writeMatrix('real', { strategy: ['dense', 'bloom'], backend: ['wasm'], dim: [8] });
      const m = JSON.parse(readFileSync(matrix, 'utf8'));
      writeFileSync(matrix, JSON.stringify({ ...m, epochs: 1 }));
      const w = start(['worker', '--queue', redis.url, '--backends', 'wasm', '--host', 'real'], {
        BLOOM_BENCH_BIN: BIN,
        BLOOM_DATA_DIR: SHARED_DATA,
        NODE_OPTIONS: '--import tsx --conditions=@bloom/source',
      });
      await ready(w);
      const out = join(dir, 'real');
      const run = await queueBench(matrix, out, '--no-micro', '--json');
      expect(run.json, `${run.err}\n${readFileSync(join(out, 'real.jsonl'), 'utf8')}`).toMatchObject({
        cells: 2,
        ok: 2,
      });
      const records = lines(join(out, 'real.jsonl')).map((l) => JSON.parse(l));
      expect(records.map((r) => [r.result.backend, r.result.training_path])).toEqual([
        ['wasm', 'wasm-fused'],
        ['wasm', 'wasm-fused'],
      ]);
      expect(records[1].result.table_rows).toBeLessThan(records[0].result.table_rows);
    });

    it('talks TLS to a rediss:// queue whose certificate authority Node is given, and names the refusal otherwise', async (context) => {
      if (spawnSync('openssl', ['version']).status !== 0) {
        const why = 'no openssl on PATH to make a test certificate: apt-get install openssl';
        if (process.env.BLOOM_REQUIRE_REDIS === '1')
          throw new Error(`${why} (BLOOM_REQUIRE_REDIS=1 requires it)`);
        return context.skip(why);
      }
      const tls = join(dir, 'tls');
      mkdirSync(tls);
      const openssl = (...args: string[]) => {
        const r = spawnSync('openssl', args, { cwd: tls, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
      };
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '1',
        '-subj',
        '/CN=bloom-test-ca',
      );
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=127.0.0.1',
      );
      writeFileSync(join(tls, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
      openssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.crt',
        '-days',
        '1',
        '-extfile',
        'ext.cnf',
      );
      const secure = await startTestRedis({
        tls: { cert: join(tls, 'server.crt'), key: join(tls, 'server.key'), ca: join(tls, 'ca.crt') },
        password: 'tls-secret',
      });
      try {
        const matrix = writeMatrix('tls', { strategy: ['dense'], backend: ['cpu'] });
        const trusted = start(['bench', '--matrix', matrix, '--no-wait', '--json'], {
          BLOOM_QUEUE: secure.url,
          NODE_EXTRA_CA_CERTS: join(tls, 'ca.crt'),
        });
        expect(await trusted.exited).toBe(0);
        expect(trusted.output()).toContain('"enqueued":1');
        expect(trusted.output()).toContain(`"queue":"rediss://***@127.0.0.1:${secure.port}"`);
        const untrusted = start(['bench', '--matrix', matrix, '--no-wait', '--json'], {
          BLOOM_QUEUE: secure.url,
        });
        expect(await untrusted.exited).toBe(1);
        expect(untrusted.output()).toMatch(
          /rediss:\/\/\*\*\*@127\.0\.0\.1:\d+: cannot use the queue: self-signed certificate/,
        );
        expect(trusted.output() + untrusted.output()).not.toContain('tls-secret');
      } finally {
        await secure.close();
      }
    });

    it('refuses a backend that cannot run here, and an unreachable queue, by name', async () => {
      const refused = await bloom('worker', '--queue', redis.url, '--backends', 'tpu');
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(
        /Invalid --backends: expected backends that can run here, got "tpu \(no backend named 'tpu'/,
      );
      const unreachable = await bloom(
        'worker',
        '--queue',
        `redis://user:hunter2@127.0.0.1:${redis.port + 1}`,
      );
      expect(unreachable.code).toBe(1);
      expect(unreachable.err).toMatch(
        /redis:\/\/\*\*\*@127\.0\.0\.1:\d+: cannot use the queue: connect ECONNREFUSED/,
      );
      expect(unreachable.err).not.toContain('hunter2');
    });
  },
);
