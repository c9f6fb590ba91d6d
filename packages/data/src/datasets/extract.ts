import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataError } from '@bloom/core';
import yauzl from 'yauzl';

/** Refuses entries bigger than this when uncompressed (the largest MovieLens file is under 1 GiB). */
const MAX_ENTRY_BYTES = 4 * 1024 ** 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts the archive entries named in `wanted` (entry path to output file name) into `destDir`.
 * Safe by construction and by check: outputs get fixed flat names inside `destDir`; every entry name in
 * the archive is validated (yauzl rejects absolute paths and `..`, we also reject backslashes and drive
 * letters), symlinks and oversized entries are refused, and sizes are verified as entries inflate.
 * @throws DataError naming the archive and the offending entry, or listing the missing ones.
 */
export async function extractEntries(
  zipPath: string,
  destDir: string,
  wanted: ReadonlyMap<string, string>,
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, z) =>
      err ? reject(new DataError(`not a valid zip archive: ${err.message}`, zipPath)) : resolve(z!),
    ),
  );
  const missing = new Set(wanted.keys());
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) =>
        reject(
          err instanceof DataError ? err : new DataError(String((err as Error).message ?? err), zipPath),
        );
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const problem = unsafeEntry(entry);
        if (problem !== undefined)
          return fail(new DataError(`unsafe archive entry '${entry.fileName}': ${problem}`, zipPath));
        const output = wanted.get(entry.fileName);
        if (output === undefined) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return fail(err);
          pipeline(stream!, createWriteStream(join(destDir, output), { flags: 'wx' })).then(() => {
            missing.delete(entry.fileName);
            zip.readEntry();
          }, fail);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  if (missing.size > 0) {
    throw new DataError(`archive lacks ${[...missing].join(', ')}; is it the right dataset?`, zipPath);
  }
}

function unsafeEntry(entry: yauzl.Entry): string | undefined {
  const name = entry.fileName;
  if (name.includes('\\')) return 'backslash in path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter in path';
  if (name.split('/').some((part) => part === '..')) return 'path escapes the archive';
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'symbolic link';
  if (entry.uncompressedSize > MAX_ENTRY_BYTES) return `larger than ${MAX_ENTRY_BYTES} bytes`;
  return undefined;
}
