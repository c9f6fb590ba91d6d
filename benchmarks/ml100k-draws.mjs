// Shared by the step benchmarks: ML-100K's (user, item, rating, time) rows from ../shared/data, and the small
// seeded generator they draw batches with (an LCG: cheap, and the same draws in every run).
import { readFileSync } from 'node:fs';

/** ML-100K's u.data rows as number arrays. */
export function ml100kRows() {
  return readFileSync(new URL('../../shared/data/ml-100k/u.data', import.meta.url), 'utf8')
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
