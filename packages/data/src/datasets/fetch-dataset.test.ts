import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { DatasetDefinition } from './dataset-definition.js';
import { ChecksumError, fetchDataset } from './fetch-dataset.js';
import { DatasetNotFoundError, loadDataset } from './load-dataset.js';
import { datasets } from './registry.js';

const RATINGS = '1\t10\t5\t100\n2\t20\t3\t200\n1\t30\t4\t300\n';

/** Builds a zip in memory from [entry name, content] pairs. */
function zip(entries: [string, string][]): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const [name, content] of entries) archive.addBuffer(Buffer.from(content), name);
  archive.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.outputStream.on('data', (c: Buffer) => chunks.push(c));
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    archive.outputStream.on('error', reject);
  });
}
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

// A loopback HTTP server: path -> body (or a function to misbehave); counts requests.
const routes = new Map<string, Buffer | ((res: import('node:http').ServerResponse) => void)>();
let requests: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const route = routes.get(req.url!);
    if (route === undefined) {
      res.writeHead(404).end('not found');
    } else if (typeof route === 'function') {
      route(res);
    } else {
      res.writeHead(200, { 'content-length': route.length }).end(route);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const scratch = () => mkdtempSync(join(tmpdir(), 'bloom-fetch-'));
const definition = (name: string, extra: Partial<DatasetDefinition> = {}): DatasetDefinition => ({
  ...datasets.get('ml-100k'),
  name,
  url: `${base}/${name}.zip`,
  ...extra,
});
/** The cache folder holds only finished datasets: no partial downloads left behind. */
const cacheEntries = (cacheDir: string) =>
  existsSync(join(cacheDir, 'datasets')) ? readdirSync(join(cacheDir, 'datasets')) : [];

describe('download into the cache', () => {
  it('downloads, verifies, extracts and then serves from the cache without the network', async () => {
    const archive = await zip([
      ['ml-100k/u.data', RATINGS],
      ['ml-100k/README', 'licence text'],
      ['ml-100k/u.item', 'not extracted'],
    ]);
    routes.set('/good.zip', archive);
    const cacheDir = scratch();
    const progress: number[] = [];
    const good = definition('good', { md5: md5(archive) });
    requests = [];
    const first = await loadDataset(good, {
      cacheDir,
      dataDir: scratch(),
      progress: (received) => progress.push(received),
    });
    expect(first.source.kind).toBe('download');
    expect(first.interactions.length).toBe(3);
    expect(progress.at(-1)).toBe(archive.length);
    expect(readdirSync(join(cacheDir, 'datasets', 'good')).sort()).toEqual([
      'README',
      'manifest.json',
      'u.data',
    ]);
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'datasets', 'good', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'good', md5: md5(archive), bytes: archive.length });
    expect(manifest.sha256).toBe(createHash('sha256').update(archive).digest('hex'));
    expect(cacheEntries(cacheDir)).toEqual(['good']);

    requests = [];
    const second = await loadDataset(good, { cacheDir, dataDir: scratch() });
    expect(second.source.kind).toBe('cache');
    expect(requests).toEqual([]);
  });

  it('a corrupted download fails the checksum and leaves no cache entry', async () => {
    const archive = await zip([
      ['ml-100k/u.data', RATINGS],
      ['ml-100k/README', 'x'],
    ]);
    const corrupted = Buffer.from(archive);
    corrupted[40] = corrupted[40]! ^ 0xff;
    routes.set('/corrupt.zip', corrupted);
    const cacheDir = scratch();
    const error = await fetchDataset(definition('corrupt', { md5: md5(archive) }), { cacheDir }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ChecksumError);
    expect(error.message).toMatch(
      /checksum mismatch for .*corrupt\.zip: expected md5 [0-9a-f]{32}, got [0-9a-f]{32}/,
    );
    expect(cacheEntries(cacheDir)).toEqual([]);
  });

  it("enforces the real ML-100K checksum (GroupLens's published MD5)", async () => {
    const impostor = await zip([
      ['ml-100k/u.data', RATINGS],
      ['ml-100k/README', 'x'],
    ]);
    routes.set('/ml-100k.zip', impostor);
    const cacheDir = scratch();
    const real = { ...datasets.get('ml-100k'), url: `${base}/ml-100k.zip` };
    await expect(fetchDataset(real, { cacheDir })).rejects.toThrow(
      /expected md5 0e33842e24a9c977be4e0107933c0723/,
    );
    expect(cacheEntries(cacheDir)).toEqual([]);
  });

  it('checks re-released archives against the .md5 file published beside them', async () => {
    const archive = await zip([
      ['ml-latest-small/ratings.csv', 'userId,movieId,rating,timestamp\n1,2,3.5,4\n'],
      ['ml-latest-small/README.txt', 'x'],
    ]);
    routes.set('/latest.zip', archive);
    routes.set('/latest.zip.md5', Buffer.from(`MD5 (latest.zip) = ${md5(archive)}\n`));
    const latest = { ...datasets.get('ml-latest-small'), name: 'latest', url: `${base}/latest.zip` };
    const cacheDir = scratch();
    const loaded = await loadDataset(latest, { cacheDir, dataDir: scratch() });
    expect(loaded.interactions.ratings![0]).toBe(3.5);
    routes.set('/latest.zip.md5', Buffer.from(`${'0'.repeat(32)}  latest.zip\n`));
    await expect(fetchDataset(latest, { cacheDir: scratch() })).rejects.toThrow(ChecksumError);
  });

  it('refuses archives whose entries escape the folder, writing nothing', async () => {
    const evil = await zip([
      ['ml-100k/u.data', RATINGS],
      ['ml-100k/README', 'x'],
    ]);
    // yazl refuses to write '..' names, so patch one in: same length as 'ml-100k/README'.
    const patched = Buffer.from(
      evil.toString('latin1').replaceAll('ml-100k/README', '../../../EVIL_'),
      'latin1',
    );
    routes.set('/evil.zip', patched);
    const cacheDir = scratch();
    const error = await fetchDataset(definition('evil', { md5: md5(patched) }), { cacheDir }).catch((e) => e);
    expect(String(error.message)).toMatch(/invalid relative path|unsafe archive entry/);
    expect(cacheEntries(cacheDir)).toEqual([]);
    expect(existsSync(join(cacheDir, '..', 'EVIL'))).toBe(false);
  });

  it('refuses an archive that lacks the ratings file', async () => {
    const archive = await zip([['other/u.data', RATINGS]]);
    routes.set('/wrong.zip', archive);
    const cacheDir = scratch();
    await expect(fetchDataset(definition('wrong', { md5: md5(archive) }), { cacheDir })).rejects.toThrow(
      /archive lacks ml-100k\/u.data, ml-100k\/README/,
    );
    expect(cacheEntries(cacheDir)).toEqual([]);
  });

  it('reports HTTP errors and truncated bodies, and loadDataset explains how to provide the files', async () => {
    routes.set('/short.zip', (res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10));
      res.destroy();
    });
    const cacheDir = scratch();
    await expect(fetchDataset(definition('short', { md5: '0'.repeat(32) }), { cacheDir })).rejects.toThrow(
      /short\.zip (failed|was interrupted|is truncated)/,
    );
    expect(cacheEntries(cacheDir)).toEqual([]);
    const error = await loadDataset(definition('missing', { md5: '0'.repeat(32) }), {
      cacheDir,
      dataDir: scratch(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error.message).toMatch(/Download failed \(download of .*missing\.zip failed: HTTP 404/);
    expect(error.message).toMatch(/set BLOOM_DATA_DIR/);
  });
});
