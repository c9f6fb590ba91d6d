import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../program.js';
import { bloom } from '../test-support.js';

const SHARED_DATA = fileURLToPath(new URL('../../../../../shared/data', import.meta.url));

describe('bloom train', () => {
  const dataDir = process.env.BLOOM_DATA_DIR;
  afterAll(() => {
    if (dataDir === undefined) delete process.env.BLOOM_DATA_DIR;
    else process.env.BLOOM_DATA_DIR = dataDir;
  });
  it('trains a hybrid item table fitted on the training split, within the parameter budget', async () => {
    process.env.BLOOM_DATA_DIR = SHARED_DATA;
    const run = (...extra: string[]) =>
      bloom(
        'train',
        '--dataset',
        'ml-100k',
        '--compression',
        '0.2',
        '--epochs',
        '2',
        '--batch-size',
        '1024',
        '--backend',
        'wasm',
        '--no-progress',
        '--json',
        ...extra,
      );
    const hybrid = await run('--embedding', 'hybrid');
    expect(hybrid.code, hybrid.err).toBe(0);
    const result = hybrid.json as { table_rows: number; parameters: number; mrr: number };
    // ML-100K has 1683 item ids: floor(0.2 x 1683) rows, and parameters = users' and items' tables and biases.
    expect(result.table_rows).toBe(336);
    expect(result.parameters).toBe(944 * 32 + 336 * 32 + 944 + 1683);
    expect(result.mrr).toBeGreaterThan(0.03);
    // A validation split carved from the training split: its MRR beside the test MRR.
    const validated = await run('--embedding', 'hybrid', '--validation', '0.1');
    const v = validated.json as { validation_mrr: number; validation_rmse: number | null; mrr: number };
    expect(v.validation_mrr).toBeGreaterThan(0.01);
    expect(v.validation_mrr).toBeLessThan(1);
    expect(v.validation_rmse).toBeNull();
    expect((result as unknown as { validation_mrr: number | null }).validation_mrr).toBeNull();
    expect((await run('--validation', '0.95')).err).toMatch(
      /--validation: expected a fraction in \(0, 0.9\)/,
    );
    const bad = await run('--embedding', 'hybrid', '--head-share', '1.5');
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toMatch(/--head-share: expected a number in \[0, 1\]/);
    // Hash embeddings: the budget 0.2 x 1683 x 32 pays a weight per id (2 x 1683) and 231 pool rows of 32,
    // trained in place on the wasm backend's fused trainer; their parameters count both.
    const hash = await run('--embedding', 'hash');
    expect(hash.code, hash.err).toBe(0);
    const hashed = hash.json as {
      table_rows: number;
      parameters: number;
      mrr: number;
      training_path: string;
    };
    expect([hashed.table_rows, hashed.training_path]).toEqual([231, 'wasm-fused']);
    expect(hashed.parameters).toBe(944 * 32 + 231 * 32 + 1683 * 2 + 944 + 1683);
    expect(hashed.mrr).toBeGreaterThan(0.02);
    const rows = await run('--embedding', 'hash', '--importance-rows', '100');
    expect((rows.json as { table_rows: number }).table_rows).toBe(330); // (10771 - 200) / 32
    const none = await run('--embedding', 'hash', '--importance-rows', 'none');
    expect(none.code).toBe(EXIT_USAGE);
    expect(none.err).toMatch(/--importance-rows: expected 'auto', 'per-id' or an integer/);
  });

  it('trains BPR factorization with bloom items and ends with the contract JSON line', async () => {
    process.env.BLOOM_DATA_DIR = SHARED_DATA;
    const { code, json, err } = await bloom(
      'train',
      '--dataset',
      'ml-100k',
      '--embedding',
      'bloom',
      '--compression',
      '0.5',
      '--hashes',
      '2',
      '--loss',
      'bpr',
      '--epochs',
      '3',
      '--batch-size',
      '1024',
      '--backend',
      'cpu',
      '--no-progress',
      '--json',
    );
    expect(err).toMatch(/epoch 3: loss/);
    expect(code).toBe(0);
    const result = json as Record<string, unknown>;
    expect(Object.keys(result)).toEqual([
      'seconds_per_epoch',
      'epochs',
      'mrr',
      'precision_at_10',
      'recall_at_10',
      'rmse',
      'baseline_mrr',
      'baseline_rmse',
      'validation_mrr',
      'validation_rmse',
      'table_rows',
      'parameters',
      'peak_rss_bytes',
      'backend',
      'device',
      'model',
      'training_path',
      'training_path_reason',
      'threads',
    ]);
    expect(result).toMatchObject({
      epochs: 3,
      rmse: null,
      table_rows: 841,
      backend: 'cpu',
      model: 'implicit-factorization',
      training_path: 'host',
      training_path_reason: 'the cpu backend has no fused trainer',
    });
    expect(result.mrr as number).toBeGreaterThan(0.02);
    // Popularity on the same split, which the model must beat.
    expect(result.baseline_mrr as number).toBeGreaterThan(0.01);
    expect(result.mrr as number).toBeGreaterThan(result.baseline_mrr as number);
    expect(result.baseline_rmse).toBeNull();
    // users 944 x 32 + items 841 x 32 + both bias tables
    expect(result.parameters).toBe(944 * 32 + 841 * 32 + 944 + 1683);
  });

  it('reports RMSE for explicit losses, with inflated item tables', async () => {
    const { code, json } = await bloom(
      'train',
      '--dataset',
      'ml-latest-small',
      '--loss',
      'regression',
      '--epochs',
      '2',
      '--batch-size',
      '4096',
      '--num-embeddings',
      '100000',
      '--backend',
      'wasm',
      '--no-progress',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({
      epochs: 2,
      mrr: null,
      table_rows: 100000,
      backend: 'wasm',
      training_path: 'wasm-fused',
      threads: 1, // factorization's default, whatever the cores
    });
    const { rmse, baseline_rmse } = json as { rmse: number; baseline_rmse: number };
    expect(rmse).toBeLessThan(2);
    expect(baseline_rmse).toBeGreaterThan(0.5); // the mean rating's RMSE on the same split
    const threaded = await bloom(
      ...['train', '--dataset', 'ml-latest-small', '--loss', 'regression', '--epochs', '2'],
      ...['--batch-size', '4096', '--num-embeddings', '100000', '--backend', 'wasm', '--threads', '2'],
      ...['--no-progress', '--json'],
    );
    expect(threaded.json).toMatchObject({ training_path: 'wasm-fused', threads: 2 });
    // The same step on two threads (the scores' and sums' floats are the one-thread ones).
    expect((threaded.json as { rmse: number }).rmse).toBe(rmse);
  });

  it('trains a pooling sequence model on synthetic data and reports sequence MRR', async () => {
    const { code, json } = await bloom(
      'train',
      '--model',
      'sequence',
      '--representation',
      'pooling',
      '--dataset',
      'synthetic',
      '--embedding',
      'bloom',
      '--compression',
      '0.5',
      '--hashes',
      '2',
      '--epochs',
      '5',
      '--batch-size',
      '128',
      '--backend',
      'cpu',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ epochs: 5, precision_at_10: null, rmse: null, table_rows: 50 });
    expect((json as { mrr: number }).mrr).toBeGreaterThan(0.06);
  });

  it('trains an lstm with the Bloom output layer and counts its units among the parameters', async () => {
    const { code, json } = await bloom(
      'train',
      '--model',
      'sequence',
      '--representation',
      'lstm',
      '--output',
      'bloom',
      '--output-compression',
      '0.5',
      '--output-hashes',
      '2',
      '--dataset',
      'synthetic',
      '--dim',
      '16',
      '--epochs',
      '3',
      '--batch-size',
      '128',
      '--threads',
      '2',
      '--json',
    );
    expect(code).toBe(0);
    // Items 100 x 16 and biases 100 x 1; the LSTM's 2 x 16 x 64 + 64; the output's 16 x 50 + 50.
    expect(json).toMatchObject({ epochs: 3, table_rows: 100, parameters: 100 * 17 + 2112 + 850 });
    // The wasm backend's fused sequence trainer, each minibatch split over two threads.
    expect(json).toMatchObject({ training_path: 'wasm-fused', training_path_reason: null, threads: 2 });
    expect((json as { mrr: number }).mrr).toBeGreaterThan(0.08); // chance: about 0.05
  });

  it('trains a cnn with the adaptive hinge over the negatives --model-options names', async () => {
    const { code, json } = await bloom(
      'train',
      '--model',
      'sequence',
      '--representation',
      'cnn',
      '--loss',
      'adaptive-hinge',
      '--model-options',
      '{"numNegativeSamples": 3}',
      '--dataset',
      'synthetic',
      '--dim',
      '16',
      '--epochs',
      '3',
      '--batch-size',
      '128',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ epochs: 3, model: 'network-sequence', training_path: 'wasm-fused' });
    expect((json as { mrr: number }).mrr).toBeGreaterThan(0.08); // chance: about 0.05
  });

  it('names bad options and their allowed values', async () => {
    const loss = await bloom('train', '--loss', 'warp');
    expect(loss.code).toBe(EXIT_USAGE);
    expect(loss.err).toMatch(
      /--loss.*Allowed choices are pointwise, bpr, hinge, adaptive-hinge, regression, poisson, logistic/,
    );
    const threads = await bloom('train', '--threads', '0');
    expect(threads.code).toBe(EXIT_USAGE);
    expect(threads.err).toMatch(/--threads/);
    const lr = await bloom('train', '--lr', '0');
    expect(lr.code).toBe(EXIT_USAGE);
    expect(lr.err).toMatch(/Invalid --lr: expected a finite number > 0/);
    const backend = await bloom('train', '--backend', 'tpu', '--epochs', '1');
    expect(backend.code).toBe(EXIT_USAGE);
    expect(backend.err).toMatch(/Invalid --backend: expected one of cpu, cuda, tensorflow, wasm, webgpu/);
    // The workspace installs @bloom/backend-cuda: without a GPU (or before its tables exist) it says why.
    const cuda = await bloom('train', '--backend', 'cuda', '--epochs', '1');
    expect(cuda.code).toBe(1);
    expect(cuda.err).toMatch(
      /Backend 'cuda' is unavailable: (no CUDA device|the CUDA addon|found .*not implemented)/,
    );
    const output = await bloom(
      'train',
      '--model',
      'sequence',
      '--representation',
      'mixture',
      '--output',
      'bloom',
    );
    expect(output.code).toBe(EXIT_USAGE);
    expect(output.err).toMatch(/Invalid --output: expected tied for the mixture representation/);
  });

  it('names a missing ratings file in one line, and reads a file of any name with --format', async () => {
    const missing = await bloom('train', '--dataset', './missing.csv', '--epochs', '1', '--backend', 'cpu');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'bloom: ./missing.csv: cannot read the ratings file (no such file): expected a MovieLens ratings.csv file\n',
    );
    const folder = mkdtempSync(join(tmpdir(), 'bloom-train-'));
    const file = join(folder, 'ratings.txt');
    const lines = Array.from({ length: 400 }, (_, i) => `${i % 20}\t${(i * 7) % 30}\t${1 + (i % 5)}\t${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const unnamed = await bloom('train', '--dataset', file, '--epochs', '1', '--backend', 'cpu');
    expect(unnamed.code).toBe(1);
    expect(unnamed.err).toMatch(/unknown ratings layout: .*csv, tsv; bloom train --format/);
    const tsv = await bloom(
      'train',
      '--dataset',
      file,
      '--format',
      'tsv',
      '--epochs',
      '1',
      '--backend',
      'cpu',
      '--no-eval',
      '--no-progress',
      '--json',
    );
    expect(tsv.err).not.toMatch(/bloom: /);
    expect(tsv.json).toMatchObject({ epochs: 1, table_rows: 30 });
    const named = await bloom('train', '--dataset', 'ml-100k', '--format', 'csv');
    expect(named.code).toBe(EXIT_USAGE);
    expect(named.err).toMatch(/Invalid --format: expected a ratings file path as --dataset/);
  });

  it('trains on your own CSV of string ids by column name, and names what is missing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bloom-own-'));
    const file = join(folder, 'events.csv');
    // 30 visitors, 40 products, quoted names with commas; every visitor has at least a few events.
    const rows = Array.from(
      { length: 600 },
      (_, i) =>
        `"visitor ${i % 30}","sku-${(i * 7) % 40}, size M",${1 + (i % 5)},2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`,
    );
    writeFileSync(file, `"Visitor Id",Product,Stars,When\n${rows.join('\n')}\n`);
    const common = ['--dataset', file, '--epochs', '1', '--backend', 'cpu', '--no-progress', '--json'];
    const trained = await bloom('train', ...common, '--user-col', 'Visitor Id', '--item-col', 'Product');
    expect(trained.err).not.toMatch(/bloom: /);
    // 40 items and the padding row; evaluated, so the ids round-trip through the split.
    expect(trained.json).toMatchObject({ epochs: 1, table_rows: 41 });
    expect((trained.json as { mrr: number }).mrr).toBeGreaterThan(0);
    const explicit = await bloom(
      'train',
      ...common,
      ...['--user-col', 'Visitor Id', '--item-col', 'Product', '--rating-col', 'Stars', '--time-col', 'When'],
      ...['--loss', 'regression', '--separator', ','],
    );
    expect((explicit.json as { rmse: number }).rmse).toBeGreaterThan(0);
    const missing = await bloom('train', ...common, '--user-col', 'Visitor Id', '--item-col', 'product');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `bloom: ${file}:1: no column "product" (--item-col); the file's columns are "Visitor Id", "Product", "Stars", "When"\n`,
    );
    const half = await bloom('train', ...common, '--user-col', 'Visitor Id');
    expect(half.code).toBe(EXIT_USAGE);
    expect(half.err).toMatch(/Invalid --item-col: expected a column name with --user-col/);
    const separator = await bloom('train', ...common, '--separator', '::');
    expect(separator.err).toMatch(/--separator.*expected one character \(or tab\), got "::"/);
  });

  it('reads the columns from a JSON file (--columns) as from the flags, and names a bad field', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bloom-columns-'));
    const file = join(folder, 'events.tsv');
    const rows = Array.from({ length: 300 }, (_, i) => `c-${i % 20}\ti-${(i * 7) % 25}`);
    writeFileSync(file, `who\twhat\n${rows.join('\n')}\n`);
    const spec = join(folder, 'columns.json');
    writeFileSync(spec, JSON.stringify({ user: 'who', item: 'what', separator: '\t' }));
    const common = [
      '--dataset',
      file,
      '--epochs',
      '1',
      '--backend',
      'cpu',
      '--no-progress',
      '--json',
      '--seed',
      '3',
    ];
    const bySpec = await bloom('train', ...common, '--columns', spec);
    const byFlags = await bloom('train', ...common, '--user-col', 'who', '--item-col', 'what');
    expect(bySpec.code).toBe(0);
    expect((bySpec.json as { mrr: number }).mrr).toBe((byFlags.json as { mrr: number }).mrr);
    writeFileSync(spec, JSON.stringify({ user: 'who', item: 'what', weight: 'w' }));
    const extra = await bloom('train', ...common, '--columns', spec);
    expect(extra.code).toBe(EXIT_USAGE);
    expect(extra.err).toMatch(/Invalid --columns weight: expected user and item column names/);
    writeFileSync(spec, JSON.stringify({ user: 'who' }));
    expect((await bloom('train', ...common, '--columns', spec)).err).toMatch(/Invalid --columns item/);
    const both = await bloom('train', ...common, '--columns', spec, '--user-col', 'who');
    expect(both.err).toMatch(/Invalid --columns: expected no --user-col beside it/);
  });
});
