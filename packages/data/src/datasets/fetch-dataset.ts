import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataError } from '@bloom/core';
import type { DatasetDefinition } from './dataset-definition.js';
import { type DownloadOptions, downloadToFile, fetchPublishedMd5 } from './download.js';
import { extractEntries } from './extract.js';
import { cachedDatasetDir, type DataLocations } from './locations.js';
import { stderrProgressBar } from './progress-bar.js';

/** Options of {@link fetchDataset}. */
export interface FetchOptions extends DataLocations, Omit<DownloadOptions, 'onProgress'> {
  /** Progress reporting: a callback, `true` for a bar on stderr, `false` for none. Default: a bar when stderr is a TTY. */
  readonly progress?: boolean | DownloadOptions['onProgress'];
}

/** What the cache keeps beside the files, to say where they came from. */
export interface CacheManifest {
  readonly name: string;
  readonly url: string;
  readonly md5: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly fetchedAt: string;
}

/** The checksum of a download differs from the published one. */
export class ChecksumError extends DataError {
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `checksum mismatch for ${url}: expected md5 ${expected}, got ${actual}; the download was discarded`,
    );
  }
}

/**
 * Downloads a dataset's official archive into the cache: streamed to a temporary folder inside the cache,
 * MD5-verified against the published digest, the ratings and README extracted safely, then moved into
 * place with one rename. A failure at any step leaves no cache entry and no temporary files.
 *
 * @returns The cache folder holding the ratings file, the README and `manifest.json`.
 */
export async function fetchDataset(
  definition: DatasetDefinition,
  options: FetchOptions = {},
): Promise<string> {
  const target = cachedDatasetDir(definition, options);
  const parent = join(target, '..');
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, `.${definition.name}-partial-`));
  const progress = progressReporter(definition, options.progress);
  try {
    const archive = join(work, basename(new URL(definition.url).pathname) || 'archive.zip');
    const expectedMd5 = definition.md5 ?? (await fetchPublishedMd5(`${definition.url}.md5`, options));
    const result = await downloadToFile(definition.url, archive, { ...options, onProgress: progress.update });
    progress.stop();
    if (result.md5 !== expectedMd5.toLowerCase())
      throw new ChecksumError(definition.url, expectedMd5, result.md5);

    const files = join(work, 'files');
    await mkdir(files);
    const root = definition.archiveRoot;
    await extractEntries(
      archive,
      files,
      new Map([
        [`${root}/${definition.ratingsFile}`, definition.ratingsFile],
        [`${root}/${definition.readmeFile}`, definition.readmeFile],
      ]),
    );
    const manifest: CacheManifest = {
      name: definition.name,
      url: definition.url,
      md5: result.md5,
      sha256: result.sha256,
      bytes: result.bytes,
      fetchedAt: new Date().toISOString(),
    };
    await writeFile(join(files, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(files, target);
    return target;
  } finally {
    progress.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function progressReporter(definition: DatasetDefinition, progress: FetchOptions['progress']) {
  if (typeof progress === 'function') return { update: progress, stop: () => {} };
  const wanted = progress ?? process.stderr.isTTY === true;
  return wanted ? stderrProgressBar(`Downloading ${definition.name}`) : { update: undefined, stop: () => {} };
}
