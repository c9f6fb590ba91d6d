import { open } from 'node:fs/promises';
import type { RatingsFormat } from './ratings-format.js';
import { RatingsParser, type RawRatings } from './ratings-parser.js';

const CHUNK_BYTES = 4 << 20;

/**
 * Reads a ratings file in 4 MiB chunks through {@link RatingsParser}: memory stays near the size of the
 * columns, whatever the size of the file.
 * @throws DataError with file and line for malformed content; the fs error when the file cannot be read.
 */
export async function readRatingsFile(path: string, format: RatingsFormat): Promise<RawRatings> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const parser = new RatingsParser(format, path, size);
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      parser.push(buffer.subarray(0, bytesRead));
    }
    return parser.end();
  } finally {
    await handle.close();
  }
}

/** Parses ratings already in memory (e.g. the decompressed embedded dataset). */
export function parseRatingsBytes(bytes: Uint8Array, format: RatingsFormat, name: string): RawRatings {
  const parser = new RatingsParser(format, name, bytes.length);
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) parser.push(bytes.subarray(i, i + CHUNK_BYTES));
  return parser.end();
}
