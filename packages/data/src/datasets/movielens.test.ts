import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../test-support.js';
import { DatasetNotFoundError, loadDataset, loadRatingsFile, locateDataset } from './load-dataset.js';
import { datasets } from './registry.js';

// Empty folders, so neither a developer's BLOOM_DATA_DIR nor their cache changes what these tests read.
const empty = () => mkdtempSync(join(tmpdir(), 'bloom-empty-'));

describe('MovieLens loaders', () => {
  it('registers every standard release', () => {
    expect(datasets.list()).toEqual(['ml-100k', 'ml-10m', 'ml-1m', 'ml-20m', 'ml-latest', 'ml-latest-small']);
  });

  it('loads ML-100K from the data folder with its raw 1-based ids (943 users, 1682 items, 100000 ratings)', async () => {
    const ml = await loadDataset('ml-100k', { dataDir: SHARED_DATA, cacheDir: empty(), download: false });
    const { interactions } = ml;
    expect(ml.source).toEqual({ kind: 'data-dir', path: join(SHARED_DATA, 'ml-100k', 'u.data') });
    expect(interactions.length).toBe(100000);
    expect(interactions.countUsersWithInteractions()).toBe(943);
    expect(interactions.countItemsWithInteractions()).toBe(1682);
    expect([interactions.numUsers, interactions.numItems]).toEqual([944, 1683]);
    expect([interactions.userIds[0], interactions.itemIds[0], interactions.ratings![0]]).toEqual([
      196, 242, 3,
    ]);
    expect(interactions.timestamps![0]).toBe(881250949);
    expect(ml.rawItemIds[242]).toBe(242);
    expect(ml.rawItemIds[0]).toBe(-1);
    let sum = 0;
    for (const r of interactions.ratings!) sum += r;
    expect(sum / interactions.length).toBeCloseTo(3.52986, 5);
  });

  it('loads the embedded ml-latest-small with no network, remapped to contiguous ids from 1', async () => {
    const ml = await loadDataset('ml-latest-small', { dataDir: empty(), cacheDir: empty(), download: false });
    const { interactions } = ml;
    expect(ml.source.kind).toBe('embedded');
    expect(interactions.length).toBe(100836);
    expect([interactions.numUsers, interactions.numItems]).toEqual([611, 9725]);
    expect(interactions.countUsersWithInteractions()).toBe(610);
    expect(interactions.countItemsWithInteractions()).toBe(9724);
    // Row 0 is user 1 rating movie 1; the largest movieId, 193609, gets the last id.
    expect([ml.rawUserIds[interactions.userIds[0]!], ml.rawItemIds[interactions.itemIds[0]!]]).toEqual([
      1, 1,
    ]);
    expect(ml.rawItemIds[9724]).toBe(193609);
    for (let id = 2; id < ml.rawItemIds.length; id++)
      expect(ml.rawItemIds[id]!).toBeGreaterThan(ml.rawItemIds[id - 1]!);
  });

  it('the embedded copy equals the GroupLens file', async () => {
    const embedded = await loadDataset('ml-latest-small', {
      dataDir: empty(),
      cacheDir: empty(),
      download: false,
    });
    const shared = await loadDataset('ml-latest-small', { dataDir: SHARED_DATA, download: false });
    expect(shared.source.kind).toBe('data-dir');
    for (const column of ['userIds', 'itemIds', 'ratings', 'timestamps'] as const) {
      const a = embedded.interactions[column]!;
      const b = shared.interactions[column]!;
      expect(a.length).toBe(b.length);
      let same = true;
      for (let i = 0; i < a.length; i++) same &&= a[i] === b[i];
      expect(same).toBe(true);
    }
  });

  it('loads any file in a MovieLens layout by path', async () => {
    const ml = await loadRatingsFile(join(SHARED_DATA, 'ml-100k', 'u.data'));
    expect([ml.interactions.length, ml.source.kind]).toEqual([100000, 'file']);
    const remapped = await loadRatingsFile(join(SHARED_DATA, 'ml-latest-small', 'ratings.csv'), {
      ids: 'remap',
    });
    expect(remapped.interactions.numItems).toBe(9725);
    await expect(loadRatingsFile(join(SHARED_DATA, 'ml-100k', 'u.item'))).rejects.toThrow(
      /unknown ratings layout/,
    );
  });

  it('says where it looked and how to provide the files when offline', async () => {
    const dataDir = empty();
    const cacheDir = empty();
    expect(locateDataset(datasets.get('ml-1m'), { dataDir, cacheDir })).toBeUndefined();
    const error = await loadDataset('ml-1m', { dataDir, cacheDir, download: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain(join(dataDir, 'ml-1m', 'ratings.dat'));
    expect(message).toContain(join(cacheDir, 'datasets', 'ml-1m', 'ratings.dat'));
    expect(message).toContain('https://files.grouplens.org/datasets/movielens/ml-1m.zip');
    expect(message).toContain('BLOOM_DATA_DIR');
    expect(message).toContain('bloom datasets fetch ml-1m');
  });

  it('names the registered datasets when asked for an unknown one', async () => {
    await expect(loadDataset('ml-2m')).rejects.toThrow(/Dataset 'ml-2m' is not registered \(have: ml-100k, /);
  });
});
