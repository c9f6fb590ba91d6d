import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { DataError } from '@bloom/core';

/** The copy of ml-latest-small shipped in this package (its licence allows it; README.txt travels with it). */
export const EMBEDDED_DATASET = 'ml-latest-small';

const folder = new URL('../../data/ml-latest-small/', import.meta.url);
// SHA-256 of the uncompressed ratings.csv of the 2018 release, checked on every load.
const RATINGS_SHA256 = 'aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646';

/** Path of the embedded compressed ratings file. */
export function embeddedRatingsPath(): string {
  return fileURLToPath(new URL('ratings.csv.br', folder));
}

/** Path of the embedded dataset's licence README. */
export function embeddedReadmePath(): string {
  return fileURLToPath(new URL('README.txt', folder));
}

/**
 * The embedded ratings.csv, decompressed and verified.
 * @throws DataError when the shipped file is damaged.
 */
export function readEmbeddedRatings(): Uint8Array {
  const path = embeddedRatingsPath();
  const bytes = brotliDecompressSync(readFileSync(path));
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== RATINGS_SHA256) {
    throw new DataError(`embedded ratings are damaged (sha256 ${digest}); reinstall @bloom/data`, path);
  }
  return bytes;
}
