import { join } from 'node:path';
import { DataError } from '@bloom/core';
import { Interactions } from '../interactions.js';
import { formatForFileName, RATINGS_FORMATS, type RatingsFormat } from '../parse/ratings-format.js';
import type { RawRatings } from '../parse/ratings-parser.js';
import { parseRatingsBytes, readRatingsFile } from '../parse/read-ratings-file.js';
import { remapIds } from '../remap-ids.js';
import { unreadableFileReason } from '../unreadable-file.js';
import type { DatasetDefinition, IdMapping } from './dataset-definition.js';
import { EMBEDDED_DATASET, embeddedRatingsPath, readEmbeddedRatings } from './embedded.js';
import { type FetchOptions, fetchDataset } from './fetch-dataset.js';
import { cachedDatasetDir, dataDirCandidates, firstExisting, resolveDataDir } from './locations.js';
import { datasets } from './registry.js';

/** Where a dataset was read from. */
export type DatasetSourceKind = 'data-dir' | 'cache' | 'embedded' | 'download' | 'file';

/** A dataset ready to train on, with the way back to the file's own ids. */
export interface LoadedDataset {
  readonly name: string;
  readonly interactions: Interactions;
  /** rawUserIds[id] is the user id in the source file (-1 for ids no row uses, such as padding 0). */
  readonly rawUserIds: Int32Array;
  /** rawItemIds[id] is the item id in the source file (-1 for ids no row uses). */
  readonly rawItemIds: Int32Array;
  readonly source: { readonly kind: DatasetSourceKind; readonly path: string };
}

/** Options of {@link loadDataset}. */
export interface LoadOptions extends FetchOptions {
  /** Allow downloading when the files are not found locally. Default true, false when `BLOOM_OFFLINE=1`. */
  readonly download?: boolean;
}

/** No local copy was found and none could be downloaded. */
export class DatasetNotFoundError extends DataError {
  constructor(
    readonly dataset: string,
    readonly looked: readonly string[],
    detail: string,
  ) {
    super(`dataset '${dataset}' was not found; looked in: ${looked.join(', ')}. ${detail}`);
  }
}

/** Where a dataset would be read from now, without reading it: the `bloom datasets` listing. */
export function locateDataset(
  definition: DatasetDefinition,
  options: LoadOptions = {},
): { kind: DatasetSourceKind; path: string } | undefined {
  const dataDir = resolveDataDir(options);
  const inDataDir = dataDir === undefined ? undefined : firstExisting(dataDirCandidates(definition, dataDir));
  if (inDataDir !== undefined) return { kind: 'data-dir', path: inDataDir };
  const inCache = firstExisting([join(cachedDatasetDir(definition, options), definition.ratingsFile)]);
  if (inCache !== undefined) return { kind: 'cache', path: inCache };
  if (definition.name === EMBEDDED_DATASET) return { kind: 'embedded', path: embeddedRatingsPath() };
  return undefined;
}

/**
 * Loads a dataset by name (or definition) from, in order: the data folder (`dataDir` or `BLOOM_DATA_DIR`),
 * the cache, the copy embedded in this package (ml-latest-small only), then a verified download into the
 * cache. Ids follow Spotlight: ML-100K keeps its 1-based ids, the larger sets are remapped to contiguous
 * 1-based ids in raw-id order.
 *
 * @example
 * const { interactions } = await loadDataset('ml-100k'); // 944 x 1683 (ids from 1), 100000 ratings
 * @throws DatasetNotFoundError saying where it looked and how to provide the files.
 */
export async function loadDataset(
  dataset: string | DatasetDefinition,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  const definition = typeof dataset === 'string' ? datasets.get(dataset) : dataset;
  const found = locateDataset(definition, options);
  if (found?.kind === 'embedded') {
    const raw = parseRatingsBytes(readEmbeddedRatings(), definition.format, found.path);
    return toLoaded(definition.name, raw, definition.ids, found);
  }
  if (found !== undefined) {
    return toLoaded(
      definition.name,
      await readRatingsFile(found.path, definition.format),
      definition.ids,
      found,
    );
  }
  const looked = lookedIn(definition, options);
  const offline = options.download === false || process.env.BLOOM_OFFLINE === '1';
  if (offline)
    throw new DatasetNotFoundError(definition.name, looked, howToProvide(definition, 'downloads are off'));
  let folder: string;
  try {
    folder = await fetchDataset(definition, options);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new DatasetNotFoundError(definition.name, looked, howToProvide(definition, why));
  }
  const path = join(folder, definition.ratingsFile);
  return toLoaded(definition.name, await readRatingsFile(path, definition.format), definition.ids, {
    kind: 'download',
    path,
  });
}

/**
 * Loads any ratings file in a MovieLens layout (picked from the name: `u.data`, `*.dat`, `*.csv`) or the
 * given format. Ids are kept unless `ids: 'remap'`.
 */
export async function loadRatingsFile(
  path: string,
  options: { format?: RatingsFormat; ids?: IdMapping } = {},
): Promise<LoadedDataset> {
  const format = options.format ?? formatForFileName(path);
  if (format === undefined) {
    throw new DataError(
      `unknown ratings layout: name the file u.data, *.dat or *.csv, or pass a format (${Object.keys(RATINGS_FORMATS).join(', ')}; bloom train --format)`,
      path,
    );
  }
  let raw: RawRatings;
  try {
    raw = await readRatingsFile(path, format);
  } catch (error) {
    // The file system's error in one line, naming what was expected: a path a user mistyped is no stack trace.
    const why = unreadableFileReason(error);
    if (why !== undefined) {
      throw new DataError(`cannot read the ratings file (${why}): expected a ${format.name} file`, path);
    }
    throw error;
  }
  return toLoaded(path, raw, options.ids ?? 'raw', { kind: 'file', path });
}

function toLoaded(
  name: string,
  raw: RawRatings,
  ids: IdMapping,
  source: LoadedDataset['source'],
): LoadedDataset {
  const users = ids === 'remap' ? remapIds(raw.userIds) : identity(raw.userIds);
  const items = ids === 'remap' ? remapIds(raw.itemIds) : identity(raw.itemIds);
  const interactions = new Interactions({
    userIds: users.ids,
    itemIds: items.ids,
    ratings: raw.ratings,
    timestamps: raw.timestamps,
  });
  return { name, interactions, rawUserIds: users.raw, rawItemIds: items.raw, source };
}

function identity(ids: Int32Array): { ids: Int32Array; raw: Int32Array } {
  let max = -1;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
  const raw = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < ids.length; i++) raw[ids[i]!] = ids[i]!;
  return { ids, raw };
}

function lookedIn(definition: DatasetDefinition, options: LoadOptions): string[] {
  const dataDir = resolveDataDir(options);
  const places =
    dataDir === undefined ? ['BLOOM_DATA_DIR (not set)'] : dataDirCandidates(definition, dataDir);
  return [...places, join(cachedDatasetDir(definition, options), definition.ratingsFile)];
}

function howToProvide(definition: DatasetDefinition, why: string): string {
  return (
    `Download failed (${why}). To provide it, download ${definition.url}, unzip it and set BLOOM_DATA_DIR ` +
    `(or the dataDir option) to the folder that contains ${definition.archiveRoot}/, or run ` +
    `'bloom datasets fetch ${definition.name}' where the network is reachable`
  );
}
