import { EventEmitter } from 'node:events';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSlot } from '../serve/model-slot.js';
import { createServer } from '../serve/routes.js';
import { bloom } from '../test-support.js';
import { openRecommender } from './recommend.js';
import { serve } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-serve-'));
const csv = join(dir, 'views.csv');
const rows: string[] = [];
for (let v = 0; v < 30; v++) for (let j = 0; j < 5; j++) rows.push(`v-${v},item-${(v + j) % 40}`);
writeFileSync(csv, `visitor,item\n${rows.join('\n')}\n`);
const model = join(dir, 'model.bloom');
const train = (save: string, seed: string) =>
  bloom(
    ...[
      'train',
      '--dataset',
      csv,
      '--user-col',
      'visitor',
      '--item-col',
      'item',
      '--epochs',
      '2',
      '--seed',
      seed,
    ],
    ...['--no-eval', '--no-progress', '--json', '--save', save],
  );

beforeAll(async () => {
  expect((await train(model, '1')).code).toBe(0);
});

describe('the HTTP API on vocabulary-free tables', () => {
  it('answers a visitor and pairs never seen in training from their hashed ids, flagged cold', async () => {
    const keyed = join(dir, 'keyed.bloom');
    const flags = ['--embedding', 'bloom', '--user-embedding', 'bloom', '--compression', '0.5'];
    const trained = await bloom(
      'train',
      '--dataset',
      csv,
      '--user-col',
      'visitor',
      '--item-col',
      'item',
      ...flags,
      '--epochs',
      '1',
      '--no-eval',
      '--no-progress',
      '--json',
      '--save',
      keyed,
    );
    expect(trained.code).toBe(0);
    const app = createServer(new ModelSlot(await openRecommender(keyed, 'wasm'), keyed));
    try {
      const stranger = await app.inject({ url: '/recommend?user=someone%20new&k=3' });
      expect(stranger.statusCode).toBe(200);
      expect(stranger.json()).toMatchObject({ user: 'someone new', cold: true });
      expect(stranger.json().items).toHaveLength(3);
      const score = await app.inject({
        method: 'POST',
        url: '/score',
        payload: { pairs: [{ user: 'someone new', item: 'an item from next year' }] },
      });
      expect(score.statusCode).toBe(200);
      expect(Number.isFinite(score.json().scores[0])).toBe(true);
      expect((await app.inject({ url: '/model' })).json()).toMatchObject({
        vocabulary_free: { users: true, items: true },
        new_items: 0,
      });
    } finally {
      await app.close();
    }
  });
});

describe('the HTTP API', () => {
  let app: ReturnType<typeof createServer>;
  beforeAll(async () => {
    app = createServer(new ModelSlot(await openRecommender(model, 'wasm'), model));
  });
  afterAll(() => app.close());

  it('answers GET and POST /recommend, POST /score, /health and /model as bloom recommend does', async () => {
    const cli = (
      await bloom('recommend', '--model', model, '--user', 'v-4', '--k', '5', '--exclude-seen', '--json')
    ).json;
    const one = await app.inject({ url: '/recommend?user=v-4&k=5&exclude_seen=true' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(cli);
    const batch = await app.inject({
      method: 'POST',
      url: '/recommend',
      payload: { users: ['v-4', 'v-9'], k: 5, exclude_seen: true },
    });
    expect(batch.json().recommendations[0]).toEqual(cli);
    expect(batch.json().recommendations[1].user).toBe('v-9');
    const top = (cli as { items: { item: string; score: number }[] }).items[0]!;
    const score = await app.inject({
      method: 'POST',
      url: '/score',
      payload: { pairs: [{ user: 'v-4', item: top.item }] },
    });
    expect(score.json().scores[0]).toBeCloseTo(top.score, 6);
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/model' })).json()).toMatchObject({
      kind: 'implicit-factorization',
      users: 30,
      items: 34, // items 0..33
      own_ids: true,
      vocabulary_free: { users: false, items: false },
      generation: 1,
    });
  });

  it('refuses malformed requests with a 400 naming the field, and unknown ids with a 404 naming them', async () => {
    const cases: [
      string,
      { method?: 'GET' | 'POST'; url: string; payload?: unknown; headers?: object },
      RegExp,
    ][] = [
      ['no user', { url: '/recommend?k=3' }, /must have required property 'user'/],
      ['k of 0', { url: '/recommend?user=v-1&k=0' }, /querystring\/k must be >= 1/],
      ['k not a number', { url: '/recommend?user=v-1&k=ten' }, /querystring\/k must be integer/],
      ['an extra field', { url: '/recommend?user=v-1&kk=3' }, /must NOT have additional properties/],
      [
        'an empty batch',
        { method: 'POST', url: '/recommend', payload: { users: [] } },
        /body\/users must NOT have fewer than 1 items/,
      ],
      [
        'users not a list',
        { method: 'POST', url: '/recommend', payload: { users: 'v-1' } },
        /body\/users must be array/,
      ],
      [
        'a pair without item',
        { method: 'POST', url: '/score', payload: { pairs: [{ user: 'v-1' }] } },
        /must have required property 'item'/,
      ],
      [
        'an object as id',
        { method: 'POST', url: '/score', payload: { pairs: [{ user: { $gt: '' }, item: 'item-1' }] } },
        /body\/pairs\/0\/user must be string,integer/,
      ],
      [
        'not JSON',
        {
          method: 'POST',
          url: '/recommend',
          payload: '{"users": [',
          headers: { 'content-type': 'application/json' },
        },
        /JSON/,
      ],
    ];
    for (const [what, request, message] of cases) {
      const response = await app.inject(request as InjectOptions);
      expect(response.statusCode, what).toBe(400);
      expect(response.json().message, what).toMatch(message);
    }
    const unknown = await app.inject({ url: '/recommend?user=nobody' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ field: 'user', message: expect.stringContaining('"nobody"') });
    const item = await app.inject({
      method: 'POST',
      url: '/score',
      payload: { pairs: [{ user: 'v-1', item: '../etc' }] },
    });
    expect(item.json()).toMatchObject({ field: 'item' });
    expect((await app.inject({ url: '/nothing' })).statusCode).toBe(404);
    // After all that, it still answers.
    expect((await app.inject({ url: '/recommend?user=v-1' })).statusCode).toBe(200);
  });
});

describe('bloom serve', () => {
  it('serves on a port, swaps in a replaced model file and on SIGHUP without failing a request, stops on SIGTERM', async () => {
    let err = '';
    const io = {
      out: () => {},
      err: (text: string) => {
        err += text;
      },
    };
    const signals = new EventEmitter();
    const running = serve({ model, port: 0, host: '127.0.0.1', backend: 'wasm' }, io, signals);
    const address = await waitFor(() => /on (http:\/\/\S+)/.exec(err)?.[1]);
    const get = async (path: string) => {
      const response = await fetch(`${address}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const before = await get('/recommend?user=v-2&k=3');
    expect(before.status).toBe(200);
    // Replace the file (another seed) while requests stream in: every request is answered, by one model or the other.
    const next = join(dir, 'next.bloom');
    expect((await train(next, '7')).code).toBe(0);
    const load = Array.from({ length: 200 }, (_, i) => get(`/recommend?user=v-${i % 30}&k=3`));
    renameSync(next, model);
    await waitFor(() => err.includes('reloaded') || undefined);
    const answers = await Promise.all(load);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await get('/model')).body.generation).toBe(2);
    expect((await get('/recommend?user=v-2&k=3')).body).not.toEqual(before.body);
    signals.emit('SIGHUP');
    await waitFor(() => err.includes('(SIGHUP)') || undefined);
    expect((await get('/model')).body.generation).toBe(3);
    // A corrupt replacement is refused and the running model stays.
    writeFileSync(join(dir, 'bad.bloom'), 'not a checkpoint');
    renameSync(join(dir, 'bad.bloom'), model);
    await waitFor(() => err.includes('kept the running model') || undefined);
    expect((await get('/recommend?user=v-2&k=3')).status).toBe(200);
    signals.emit('SIGTERM');
    await running;
    expect(err).toContain('bloom serve: stopped');
    await expect(fetch(`${address}/health`)).rejects.toThrow();
  }, 60_000);
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
