/** Rows touched ahead per block: enough misses in flight to hide most of the latency, few enough to stay cached. */
export const TOUCH_BLOCK = 128;
const FLOATS_PER_LINE = 16;
// Where touched values go, so the loads are never optimised away.
const sink = new Float64Array(1);

/**
 * Loads one float per 64-byte line of each row `rows[from..to)` (rows `stride` floats apart, `width` floats used),
 * before the real work on those rows. The loads are independent, so their cache and TLB misses overlap instead of
 * being paid one row at a time: on tables far larger than the caches this halves the time of an update (measured
 * with benchmarks/embedding-step.mjs).
 */
export function touchRows(
  data: Float32Array,
  rows: Int32Array,
  from: number,
  to: number,
  stride: number,
  width: number,
): void {
  let acc = 0;
  for (let i = from; i < to; i++) {
    const base = rows[i]! * stride;
    for (let c = 0; c < width; c += FLOATS_PER_LINE) acc += data[base + c]!;
  }
  sink[0]! += acc;
}
