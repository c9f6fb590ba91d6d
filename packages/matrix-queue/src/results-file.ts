import { closeSync, existsSync, openSync, readSync, statSync, truncateSync } from 'node:fs';

/**
 * Cuts a torn last line (a collector killed while appending) off a JSON-lines file, so the next record starts on
 * a line of its own and the file never holds a half record beside the whole one written later.
 */
export function dropTornLine(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    // Walk back to the last newline; a record longer than the chunk is read in more chunks.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      readSync(fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, end - start).lastIndexOf(10);
      if (at >= 0) {
        if (start + at + 1 !== size) truncateSync(file, start + at + 1);
        return;
      }
      end = start;
    }
    truncateSync(file, 0);
  } finally {
    closeSync(fd);
  }
}
