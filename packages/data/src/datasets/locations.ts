import { existsSync } from 'node:fs';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { DatasetDefinition } from './dataset-definition.js';

/** Where to look for data; each falls back to an environment variable, then a default. */
export interface DataLocations {
  /** Folder holding extracted datasets (`<dir>/ml-100k/u.data`). Default: `BLOOM_DATA_DIR`. */
  readonly dataDir?: string;
  /** Bloom's download cache. Default: `BLOOM_CACHE_DIR`, else the user cache folder (`~/.cache/bloom` on Linux). */
  readonly cacheDir?: string;
}

/** The data folder in effect, or undefined when none is set. */
export function resolveDataDir(locations: DataLocations = {}): string | undefined {
  const dir = locations.dataDir ?? process.env.BLOOM_DATA_DIR;
  return dir === undefined || dir === '' ? undefined : dir;
}

/** The cache folder in effect. */
export function resolveCacheDir(locations: DataLocations = {}): string {
  const fromEnv = process.env.BLOOM_CACHE_DIR;
  return (
    locations.cacheDir ??
    (fromEnv !== undefined && fromEnv !== '' ? fromEnv : envPaths('bloom', { suffix: '' }).cache)
  );
}

/** Folder of one dataset inside the cache. */
export function cachedDatasetDir(definition: DatasetDefinition, locations: DataLocations = {}): string {
  return join(resolveCacheDir(locations), 'datasets', definition.name);
}

/** Candidate paths of the ratings file in the data folder: `<dir>/<name>/` and `<dir>/<archiveRoot>/`. */
export function dataDirCandidates(definition: DatasetDefinition, dataDir: string): string[] {
  const names = [...new Set([definition.name, definition.archiveRoot])];
  return names.map((folder) => join(dataDir, folder, definition.ratingsFile));
}

/** The first existing path among `paths`. */
export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}
