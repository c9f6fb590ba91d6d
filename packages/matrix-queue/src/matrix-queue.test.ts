import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cell, type CellOutcome, cellKey, expandMatrix, parseMatrix } from '@bloom/bench';
import { describeRequiring } from '@bloom/conformance';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type CollectProgress, collectCells } from './collect.js';
import { connectQueue, parseQueueUrl, redactQueueUrl } from './connection.js';
import { enqueueCells } from './enqueue.js';
import { forgetCells } from './forget.js';
import { cellJobId, QUEUE_PREFIX, queueName } from './names.js';
import { redisMissing, startTestRedis, type TestRedis } from './test-redis.js';
import { MatrixWorker, type MatrixWorkerEvent } from './worker.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-matrix-queue-'));
const matrixOf = (name: string, backends: string[], extra: Record<string, unknown> = {}) =>
  parseMatrix({ name, axes: { strategy: ['dense', 'bloom'], backend: backends, dim: [8, 16] }, ...extra });

// A cell's work, without a process: its outcome depends only on the cell, so a result can be checked.
const outcomeOf = (cell: Cell): CellOutcome => ({
  status: 'ok',
  result: { seconds_per_epoch: cell.dim / 1000, strategy: cell.strategy },
  wallSeconds: 0.01,
});

describeRequiring('the matrix on a BullMQ queue (real Redis)', redisMissing, 'BLOOM_REQUIRE_REDIS', () => {
  let redis: TestRedis;
  let connection: Redis;
  const workers: MatrixWorker[] = [];
  const startWorker = async (
    backends: string[],
    execute: (cell: Cell, budget: number, signal: AbortSignal) => Promise<CellOutcome>,
    events: MatrixWorkerEvent[] = [],
    concurrency = 1,
  ) => {
    const worker = new MatrixWorker({
      connection: connectQueue(parseQueueUrl(redis.url)),
      backends,
      execute,
      concurrency,
      lockSeconds: 2,
      host: `test-${workers.length}`,
      onEvent: (e) => events.push(e),
    });
    workers.push(worker);
    await worker.start();
    return worker;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    connection = connectQueue(parseQueueUrl(redis.url));
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    connection?.disconnect();
    await redis?.close();
  });

  it('runs every cell once across workers, and enqueuing again duplicates nothing', async () => {
    const matrix = matrixOf('once', ['cpu', 'wasm']);
    const cells = expandMatrix(matrix);
    const runs: string[] = [];
    const execute = async (cell: Cell) => {
      runs.push(cellKey(cell));
      await new Promise((r) => setTimeout(r, 20));
      return outcomeOf(cell);
    };
    expect(await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 })).toEqual({
      added: 8,
      existing: 0,
    });
    expect(await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 })).toEqual({
      added: 0,
      existing: 8,
    });
    await Promise.all([startWorker(['cpu', 'wasm'], execute), startWorker(['cpu', 'wasm'], execute)]);
    const resultsFile = join(dir, 'once.jsonl');
    const { records } = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile,
      pollMs: 50,
    });
    expect(records.map((r) => r.key)).toEqual(cells.map(cellKey));
    expect(records.every((r) => r.status === 'ok' && r.host?.startsWith('test-'))).toBe(true);
    expect(records.map((r) => r.result?.seconds_per_epoch)).toEqual(cells.map((c) => c.dim / 1000));
    expect(runs.sort()).toEqual(cells.map(cellKey).sort());
    expect(readFileSync(resultsFile, 'utf8').trim().split('\n')).toHaveLength(8);
    // Again, after the run: nothing is enqueued, run or written twice.
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    await collectCells({ connection, matrix: matrix.name, cells, resultsFile, pollMs: 50 });
    expect(readFileSync(resultsFile, 'utf8').trim().split('\n')).toHaveLength(8);
    expect(runs).toHaveLength(8);
  });

  it('gives a worker only the cells of the backends it offers, and reports the others as waiting', async () => {
    const matrix = matrixOf('restricted', ['cpu', 'tpu']);
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    const ran: string[] = [];
    await startWorker(['cpu'], async (cell) => {
      ran.push(cell.backend);
      return outcomeOf(cell);
    });
    const progress: CollectProgress[] = [];
    const { records } = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'restricted.jsonl'),
      pollMs: 50,
      skipUnservedAfterSeconds: 0.3,
      onProgress: (p) => progress.push(p),
    });
    expect(new Set(ran)).toEqual(new Set(['cpu']));
    expect(records.filter((r) => r.status === 'ok').map((r) => r.cell.backend)).toEqual(Array(4).fill('cpu'));
    const skipped = records.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(4);
    expect(skipped[0]!.reason).toMatch(/no worker offers backend 'tpu'/);
    expect(progress.at(-1)!.waiting).toEqual([{ backend: 'tpu', cells: 4, workers: 0 }]);
    // The tpu cells stay queued: a tpu worker that comes later runs them, and a new collection records them.
    await startWorker(['tpu'], async (cell) => outcomeOf(cell));
    const later = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'restricted.jsonl'),
      pollMs: 50,
    });
    expect(later.records.every((r) => r.status === 'ok')).toBe(true);
  });

  it('retries a failing cell and records it failed with its last error after three attempts', async () => {
    const matrix = matrixOf('failing', ['cpu'], { axes: { strategy: ['dense'], backend: ['cpu'] } });
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    let attempt = 0;
    await startWorker(['cpu'], async () => ({
      status: 'failed',
      reason: `bloom: attempt ${++attempt} broke`,
      wallSeconds: 0.01,
    }));
    const { records } = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'failing.jsonl'),
      pollMs: 50,
    });
    expect(attempt).toBe(3);
    expect(records[0]).toMatchObject({
      status: 'failed',
      reason: 'bloom: attempt 3 broke (after 3 attempts)',
    });
  });

  it('rejects payloads that are not valid cells, without retrying or running anything', async () => {
    const valid = expandMatrix(matrixOf('bad', ['cpu']))[0]!;
    const queue = new Queue(queueName('cpu'), { connection, prefix: QUEUE_PREFIX });
    const bad: Record<string, unknown> = {
      'wrong-backend': { matrix: 'bad', cell: { ...valid, backend: 'tpu' }, budgetSeconds: 5 },
      'wrong-type': { matrix: 'bad', cell: { ...valid, dim: '32' }, budgetSeconds: 5 },
      'extra-field': { matrix: 'bad', cell: { ...valid, command: 'rm -rf /' }, budgetSeconds: 5 },
      'extra-envelope': { matrix: 'bad', cell: valid, budgetSeconds: 5, env: { NODE_OPTIONS: '-r x' } },
      shell: { matrix: 'bad', cell: { ...valid, dataset: 'ml-100k; touch /tmp/pwned' }, budgetSeconds: 5 },
      option: { matrix: 'bad', cell: { ...valid, strategy: '--plugin=/tmp/x.mjs' }, budgetSeconds: 5 },
      'no-budget': { matrix: 'bad', cell: valid },
    };
    for (const [id, data] of Object.entries(bad)) await queue.add('cell', data, { jobId: id, attempts: 3 });
    const events: MatrixWorkerEvent[] = [];
    let ran = 0;
    await startWorker(
      ['cpu'],
      async (cell) => {
        ran++;
        return outcomeOf(cell);
      },
      events,
    );
    await expect.poll(async () => (await queue.getFailedCount()) >= 7, { timeout: 10_000 }).toBe(true);
    const reasons = Object.fromEntries(
      await Promise.all(
        Object.keys(bad).map(async (id) => {
          const job = (await queue.getJob(id))!;
          expect(job.attemptsMade).toBe(1);
          return [id, job.failedReason] as const;
        }),
      ),
    );
    expect(ran).toBe(0);
    expect(reasons['wrong-backend']).toMatch(
      /cell\.backend: expected 'cpu' \(the queue it was taken from\), got "tpu"/,
    );
    expect(reasons['wrong-type']).toMatch(/cell: dim/);
    expect(reasons['extra-field']).toMatch(/Unrecognized key.*command/);
    expect(reasons['extra-envelope']).toMatch(/Unrecognized key.*env/);
    expect(reasons.shell).toMatch(/cell: dataset: expected a name/);
    expect(reasons.option).toMatch(/cell: strategy: expected a name/);
    expect(reasons['no-budget']).toMatch(/budgetSeconds/);
    expect(events.filter((e) => e.kind === 'reject')).toHaveLength(7);
    await queue.close();
  });

  it('runs at most `concurrency` cells at once across all the backends a worker offers', async () => {
    const matrix = matrixOf('slots', ['cpu', 'wasm', 'webgpu']);
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    let running = 0;
    let most = 0;
    await startWorker(['cpu', 'wasm', 'webgpu'], async (cell) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return outcomeOf(cell);
    });
    const { records } = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'slots.jsonl'),
      pollMs: 50,
    });
    expect(records.filter((r) => r.status === 'ok')).toHaveLength(12);
    expect(most).toBe(1);
  });

  it('puts a released cell back on the queue for another worker', async () => {
    const matrix = matrixOf('release', ['cpu'], { axes: { strategy: ['dense'], backend: ['cpu'] } });
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    const events: MatrixWorkerEvent[] = [];
    const first = await startWorker(
      ['cpu'],
      (_cell, _budget, signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ status: 'failed', reason: 'stopped', wallSeconds: 0 }),
          ),
        ),
      events,
    );
    await expect.poll(() => events.some((e) => e.kind === 'start'), { timeout: 10_000 }).toBe(true);
    await first.release();
    expect(events.map((e) => e.kind)).toEqual(['start', 'release']);
    await startWorker(['cpu'], async (cell) => outcomeOf(cell));
    const { records } = await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'release.jsonl'),
      pollMs: 50,
    });
    expect(records).toMatchObject([{ status: 'ok', host: 'test-1' }]);
  });

  it('keeps a collector and its workers going through a Redis restart', async () => {
    const matrix = matrixOf('restart', ['cpu']);
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    let done = 0;
    await startWorker(['cpu'], async (cell) => {
      await new Promise((r) => setTimeout(r, 150));
      done++;
      return outcomeOf(cell);
    });
    const collecting = collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'restart.jsonl'),
      pollMs: 50,
    });
    await expect.poll(() => done >= 1, { timeout: 10_000 }).toBe(true);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const { records } = await collecting;
    expect(records.map((r) => r.status)).toEqual(Array(4).fill('ok'));
  });

  it('resumes a results file cut mid-line without writing any cell twice', async () => {
    const matrix = matrixOf('torn', ['cpu']);
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    await startWorker(['cpu'], async (cell) => outcomeOf(cell));
    const resultsFile = join(dir, 'torn.jsonl');
    await collectCells({ connection, matrix: matrix.name, cells, resultsFile, pollMs: 50 });
    const lines = readFileSync(resultsFile, 'utf8').trim().split('\n');
    // A collector killed while writing its third line:
    writeFileSync(resultsFile, `${lines.slice(0, 2).join('\n')}\n${lines[2]!.slice(0, 40)}`);
    await collectCells({ connection, matrix: matrix.name, cells, resultsFile, pollMs: 50 });
    const again = readFileSync(resultsFile, 'utf8').trim().split('\n');
    expect(again.map((l) => JSON.parse(l).key).sort()).toEqual(cells.map(cellKey).sort());
  });

  it('runs every cell again with fresh, but never removes a cell a worker is running', async () => {
    const matrix = matrixOf('fresh', ['cpu'], { axes: { strategy: ['dense'], backend: ['cpu'] } });
    const cells = expandMatrix(matrix);
    const resultsFile = join(dir, 'fresh.jsonl');
    let runs = 0;
    let release = () => {};
    await startWorker(['cpu'], async (cell) => {
      runs++;
      if (runs === 2) await new Promise<void>((r) => (release = r));
      return outcomeOf(cell);
    });
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    await collectCells({ connection, matrix: matrix.name, cells, resultsFile, pollMs: 50 });
    expect(
      await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60, fresh: true }),
    ).toEqual({
      added: 1,
      existing: 0,
    });
    await expect.poll(() => runs, { timeout: 10_000 }).toBe(2);
    await expect(
      enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60, fresh: true }),
    ).rejects.toThrow(/1 cell\(s\) of this matrix are running on a worker/);
    release();
    await collectCells({ connection, matrix: matrix.name, cells, resultsFile, pollMs: 50 });
    expect(runs).toBe(2);
  });

  it('forgets the finished jobs of a matrix once collected, and leaves the others', async () => {
    const matrix = matrixOf('forget', ['cpu', 'tpu']);
    const cells = expandMatrix(matrix);
    await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 });
    await startWorker(['cpu'], async (cell) => outcomeOf(cell));
    await collectCells({
      connection,
      matrix: matrix.name,
      cells,
      resultsFile: join(dir, 'forget.jsonl'),
      pollMs: 50,
      skipUnservedAfterSeconds: 0.2,
    });
    expect(await forgetCells(connection, matrix.name, cells)).toBe(4);
    const queue = new Queue(queueName('cpu'), { connection, prefix: QUEUE_PREFIX });
    expect(await queue.getJobState(cellJobId(matrix.name, cells.find((c) => c.backend === 'cpu')!))).toBe(
      'unknown',
    );
    await queue.close();
    // The tpu cells still wait for a worker; enqueuing again puts back only the forgotten ones.
    expect(await enqueueCells(connection, { matrix: matrix.name, cells, budgetSeconds: 60 })).toEqual({
      added: 4,
      existing: 4,
    });
  });

  it('refuses to collect a matrix that was never enqueued', async () => {
    const cells = expandMatrix(matrixOf('never', ['cpu']));
    await expect(
      collectCells({ connection, matrix: 'never', cells, resultsFile: join(dir, 'never.jsonl') }),
    ).rejects.toThrow(/Invalid --collect: .*got "4 of its 4 cells missing"/);
    expect(cellJobId('never', cells[0]!)).toMatch(/^never-[0-9a-f]{32}$/);
  });
});

it('checks queue addresses, and never shows a password', () => {
  expect(parseQueueUrl('redis://user:secret@host:6380/2').port).toBe('6380');
  expect(parseQueueUrl('rediss://:secret@host').protocol).toBe('rediss:');
  expect(() => parseQueueUrl('http://host:6379')).toThrow(/Invalid --queue: expected redis:\/\//);
  expect(() => parseQueueUrl('redis://:hunter2@host/x')).toThrow(/database/);
  try {
    parseQueueUrl('postgres://admin:hunter2@db');
  } catch (error) {
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).toContain('postgres://***@db');
  }
  expect(redactQueueUrl('redis://user:p@ss@host:1')).toBe('redis://***@host:1');
  expect(redactQueueUrl('redis://host:1')).toBe('redis://host:1');
});
