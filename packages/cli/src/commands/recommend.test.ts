import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../program.js';
import { bloom } from '../test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'bloom-recommend-'));
// 40 visitors with string ids; visitor v viewed products v..v+5 (of 60), so every visitor has history and the
// neighbours share items.
const csv = join(dir, 'views.csv');
const rows: string[] = [];
for (let v = 0; v < 40; v++)
  for (let j = 0; j < 6; j++)
    rows.push(`v-${v},"p ${(v + j) % 60}, red",2024-01-01T00:00:${String(10 + j).padStart(2, '0')}Z`);
writeFileSync(csv, `visitor,product,at\n${rows.join('\n')}\n`);
const columns = ['--user-col', 'visitor', '--item-col', 'product', '--time-col', 'at'];
const quiet = ['--backend', 'wasm', '--no-progress', '--json'];

type Answer = {
  user: string | number | null;
  cold: boolean;
  items: { item: string | number; score: number }[];
};

describe('bloom train --save, bloom recommend', () => {
  it('saves a model trained on string ids and recommends in those ids, leaving seen items out on request', async () => {
    const model = join(dir, 'views.bloom');
    const trained = await bloom(
      'train',
      '--dataset',
      csv,
      ...columns,
      '--epochs',
      '3',
      '--save',
      model,
      ...quiet,
    );
    expect(trained.code).toBe(0);
    expect(trained.err).toContain(`saved the model to ${model}`);
    const top = await bloom('recommend', '--model', model, '--user', 'v-3', '--k', '5', '--json');
    expect(top.code).toBe(0);
    const answer = top.json as Answer;
    expect(answer).toMatchObject({ user: 'v-3', cold: false });
    expect(answer.items).toHaveLength(5);
    expect(answer.items.every((r) => typeof r.item === 'string' && /^p \d+, red$/.test(r.item))).toBe(true);
    for (let i = 1; i < 5; i++)
      expect(answer.items[i - 1]!.score).toBeGreaterThanOrEqual(answer.items[i]!.score);
    // Excluding seen: none of the visitor's training items (a subset of p 3..p 8) come back.
    const fresh = (
      await bloom('recommend', '--model', model, '--user', 'v-3', '--k', '60', '--exclude-seen', '--json')
    ).json as Answer;
    const all = (await bloom('recommend', '--model', model, '--user', 'v-3', '--k', '60', '--json'))
      .json as Answer;
    const excluded = all.items.filter((r) => !fresh.items.some((f) => f.item === r.item)).map((r) => r.item);
    expect(excluded.length).toBeGreaterThan(0);
    for (const item of excluded)
      expect(Number(String(item).split(' ')[1]!.split(',')[0]) - 3).toBeLessThan(6);
    // Several users from a file: one object with each user's answer, the same as asked one by one.
    const users = join(dir, 'users.txt');
    writeFileSync(users, 'v-3\nv-10\n');
    const batch = await bloom('recommend', '--model', model, '--users-file', users, '--k', '5', '--json');
    const list = (batch.json as { recommendations: Answer[] }).recommendations;
    expect(list.map((r) => r.user)).toEqual(['v-3', 'v-10']);
    expect(list[0]).toEqual(answer);
  });

  it('on bloom tables hashes the raw ids: recommends to a visitor never seen and ranks products never trained', async () => {
    const model = join(dir, 'keyed.bloom');
    const catalog = join(dir, 'catalog.txt');
    writeFileSync(catalog, 'p 3, red\np 4, red\nbrand new product\n');
    const trained = await bloom(
      'train',
      '--dataset',
      csv,
      ...columns,
      '--embedding',
      'bloom',
      '--user-embedding',
      'bloom',
      '--compression',
      '0.5',
      '--hashes',
      '2',
      '--epochs',
      '2',
      '--no-eval',
      '--save',
      model,
      '--catalog',
      catalog,
      ...quiet,
    );
    expect(trained.code).toBe(0);
    const stranger = (await bloom('recommend', '--model', model, '--user', 'visitor from tomorrow', '--json'))
      .json as Answer;
    expect(stranger.cold).toBe(true);
    expect(stranger.items.map((r) => r.item).sort()).toEqual(['brand new product', 'p 3, red', 'p 4, red']);
    const regular = (await bloom('recommend', '--model', model, '--user', 'v-3', '--json')).json as Answer;
    expect(regular.cold).toBe(false);
    expect(regular.items).toHaveLength(3);
    // Hybrid tables on raw ids: the head keeps its own rows, anything else (a stranger too) hashes into the tail.
    const hybrid = join(dir, 'hybrid.bloom');
    const hybridFlags = ['--embedding', 'hybrid', '--user-embedding', 'hybrid', '--compression', '0.5'];
    const hybridTrained = await bloom(
      'train',
      '--dataset',
      csv,
      ...columns,
      ...hybridFlags,
      '--epochs',
      '1',
      '--no-eval',
      '--save',
      hybrid,
      '--catalog',
      catalog,
      ...quiet,
    );
    expect(hybridTrained.code, hybridTrained.err).toBe(0);
    const hybridStranger = (
      await bloom('recommend', '--model', hybrid, '--user', 'visitor from tomorrow', '--json')
    ).json as Answer;
    expect(hybridStranger.cold).toBe(true);
    expect(hybridStranger.items.map((r) => r.item).sort()).toEqual([
      'brand new product',
      'p 3, red',
      'p 4, red',
    ]);
    // A dense item table cannot take a product it never trained into its catalog: the file and line are named.
    const dense = await bloom(
      'train',
      '--dataset',
      csv,
      ...columns,
      '--epochs',
      '1',
      '--no-eval',
      '--save',
      join(dir, 'dense.bloom'),
      '--catalog',
      catalog,
      ...quiet,
    );
    expect(dense.code).not.toBe(0);
    expect(dense.err).toContain(`${catalog}:3`);
  });

  it('names an unknown user, a missing model, a checkpoint question and a history for a non-sequence model', async () => {
    const model = join(dir, 'errors.bloom');
    await bloom(
      'train',
      '--dataset',
      csv,
      ...columns,
      '--epochs',
      '1',
      '--no-eval',
      '--save',
      model,
      ...quiet,
    );
    const unknown = await bloom('recommend', '--model', model, '--user', 'v-999');
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/Invalid user: expected a user id the model was trained with, got "v-999"/);
    const missing = await bloom('recommend', '--model', join(dir, 'nope.bloom'), '--user', 'v-1');
    expect(missing.err).toMatch(/nope\.bloom: cannot read the model \(no such file\)/);
    const both = await bloom('recommend', '--model', model, '--user', 'v-1', '--history', 'p 1');
    expect(both.err).toMatch(/exactly one of --user, --users-file or --history/);
    const history = await bloom('recommend', '--model', model, '--history', '"p 1, red"');
    expect(history.err).toMatch(/Invalid history: expected a sequence model/);
  });

  it('continues a history with a saved sequence model', async () => {
    const model = join(dir, 'sequence.bloom');
    const trained = await bloom(
      'train',
      ...[
        '--dataset',
        csv,
        ...columns,
        '--model',
        'sequence',
        '--representation',
        'pooling',
        '--loss',
        'bpr',
      ],
      ...['--epochs', '1', '--no-eval', '--save', model, ...quiet],
    );
    expect(trained.code).toBe(0);
    const next = await bloom(
      'recommend',
      '--model',
      model,
      '--history',
      '["p 1, red", "p 2, red"]',
      '--k',
      '3',
      '--json',
    );
    expect(next.code).toBe(0);
    expect(next.json).toMatchObject({ user: null, cold: false });
    expect((next.json as Answer).items).toHaveLength(3);
    const unknown = await bloom('recommend', '--model', model, '--history', 'p 1', '--json');
    expect(unknown.err).toMatch(/Invalid item: expected an item id the model was trained with, got "p 1"/);
    const user = (await bloom('recommend', '--model', model, '--user', 'v-7', '--k', '3', '--json'))
      .json as Answer;
    expect(user.items).toHaveLength(3);
  });

  it('trains on a Parquet file of string ids and recommends in those ids', async () => {
    const parquet = join(dir, 'views.parquet');
    parquetWriteFile({
      filename: parquet,
      rowGroupSize: 100,
      columnData: [
        { name: 'visitor', data: rows.map((r) => r.split(',')[0]!), type: 'STRING' },
        { name: 'product', data: rows.map((r) => `p${r.split('"p ')[1]!.split(',')[0]}`), type: 'STRING' },
      ],
    });
    const model = join(dir, 'parquet.bloom');
    const trained = await bloom(
      ...['train', '--dataset', parquet, '--user-col', 'visitor', '--item-col', 'product'],
      ...['--epochs', '2', '--save', model, ...quiet],
    );
    expect(trained.code).toBe(0);
    expect(trained.json).toMatchObject({ table_rows: 46 }); // 45 products (v + j for v < 40, j < 6) and padding
    const answer = (await bloom('recommend', '--model', model, '--user', 'v-3', '--k', '4', '--json'))
      .json as Answer;
    expect(answer.items.every((r) => /^p\d+$/.test(String(r.item)))).toBe(true);
  });

  it('ranks only the catalog given at save time, and names an item the model has no row for', async () => {
    const catalog = join(dir, 'catalog.txt');
    writeFileSync(catalog, 'p 1, red\np 2, red\n\np 3, red\n');
    const model = join(dir, 'catalog.bloom');
    const saved = await bloom(
      ...['train', '--dataset', csv, ...columns, '--epochs', '1', '--no-eval'],
      ...['--save', model, '--catalog', catalog, ...quiet],
    );
    expect(saved.code).toBe(0);
    const answer = (await bloom('recommend', '--model', model, '--user', 'v-30', '--k', '10', '--json'))
      .json as Answer;
    expect(answer.items.map((r) => r.item).sort()).toEqual(['p 1, red', 'p 2, red', 'p 3, red']);
    writeFileSync(catalog, 'p 1, red\np 99, red\n');
    const unknown = await bloom(
      ...['train', '--dataset', csv, ...columns, '--epochs', '1', '--no-eval'],
      ...['--save', model, '--catalog', catalog, ...quiet],
    );
    expect(unknown.err).toMatch(/catalog\.txt:2: item "p 99, red" is not one the model has a row for/);
  });
});
