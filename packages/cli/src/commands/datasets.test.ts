import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasets } from '@bloom/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { EXIT_USAGE } from '../program.js';
import { bloom } from '../test-support.js';

const SHARED_DATA = fileURLToPath(new URL('../../../../../shared/data', import.meta.url));
const empty = () => mkdtempSync(join(tmpdir(), 'bloom-cli-data-'));

let server: Server;
let archive: Buffer;
beforeAll(async () => {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('1\t5\t4\t10\n2\t6\t3\t20\n'), 'tiny/u.data');
  zip.addBuffer(Buffer.from('readme'), 'tiny/README');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  archive = Buffer.concat(chunks);
  server = createServer((req, res) =>
    req.url === '/tiny.zip' ? res.end(archive) : res.writeHead(404).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  server.close();
  if (datasets.has('tiny')) datasets.unregister('tiny');
});

describe('bloom datasets', () => {
  it('lists where each dataset is found', async () => {
    const { code, json, err } = await bloom(
      'datasets',
      'list',
      '--data-dir',
      SHARED_DATA,
      '--cache-dir',
      empty(),
      '--json',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const rows = (json as { datasets: { name: string; source: string | null }[] }).datasets;
    const where = Object.fromEntries(rows.map((r) => [r.name, r.source]));
    expect(where).toMatchObject({ 'ml-100k': 'data-dir', 'ml-latest-small': 'data-dir', 'ml-1m': null });
    const withoutDir = await bloom('datasets', 'list', '--data-dir', empty(), '--cache-dir', empty());
    expect(withoutDir.out).toMatch(/ml-latest-small .* embedded: /);
    expect(withoutDir.out).toMatch(/ml-1m .* not found locally \(download: https:\/\/files\.grouplens\.org/);
  });

  it('describes a dataset', async () => {
    const { code, json } = await bloom(
      'datasets',
      'info',
      'ml-100k',
      '--data-dir',
      SHARED_DATA,
      '--offline',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({
      interactions: 100000,
      users: 943,
      items: 1682,
      num_users: 944,
      num_items: 1683,
    });
  });

  it('fetches a dataset registered by a plugin into the cache, verified', async () => {
    const port = (server.address() as AddressInfo).port;
    const md5 = createHash('md5').update(archive).digest('hex');
    process.env.BLOOM_TEST_TINY_URL = `http://127.0.0.1:${port}/tiny.zip`;
    process.env.BLOOM_TEST_TINY_MD5 = md5;
    const cacheDir = empty();
    const plug = fileURLToPath(new URL('../fixtures/tiny-dataset-plugin.mjs', import.meta.url));
    const fetched = await bloom(
      '--plugin',
      plug,
      'datasets',
      'fetch',
      'tiny',
      '--cache-dir',
      cacheDir,
      '--no-progress',
      '--json',
    );
    expect(fetched.code).toBe(0);
    expect(readdirSync((fetched.json as { path: string }).path).sort()).toEqual([
      'README',
      'manifest.json',
      'u.data',
    ]);
    const described = await bloom(
      '--plugin',
      plug,
      'datasets',
      'info',
      'tiny',
      '--cache-dir',
      cacheDir,
      '--offline',
      '--json',
    );
    expect(described.json).toMatchObject({ source: 'cache', interactions: 2 });
  });

  it('names the registered datasets for an unknown name, and explains a missing one', async () => {
    const unknown = await bloom('datasets', 'fetch', 'ml-2m');
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/Invalid dataset: expected one of ml-100k, .*got "ml-2m"/);
    const missing = await bloom(
      'datasets',
      'info',
      'ml-1m',
      '--data-dir',
      empty(),
      '--cache-dir',
      empty(),
      '--offline',
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/dataset 'ml-1m' was not found; looked in: .*set BLOOM_DATA_DIR/);
  });
});
