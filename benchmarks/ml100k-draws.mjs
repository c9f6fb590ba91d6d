// Shared by the step benchmarks: ML-100K's (user, item, rating, time) rows from ../shared/data, and the small
// seeded generator they draw batches with (an LCG: cheap, and the same draws in every run).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ML-100K's u.data rows as number arrays, from BLOOM_DATA_DIR or else ../shared/data. */
export function ml100kRows() {
  const dir = process.env.BLOOM_DATA_DIR ?? fileURLToPath(new URL('../../shared/data', import.meta.url));
  return readFileSync(join(dir, 'ml-100k/u.data'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split('\t').map(Number));
}

/** A seeded draw of integers in [0, max). */
export function lcg(seed = 12345) {
  let state = seed;
  return (max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % max;
  };
}
