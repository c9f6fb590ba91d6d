/** Contiguous ids and the raw id each stands for. */
export interface RemappedIds {
  /** New id per row: 1..count in increasing raw-id order (0 stays free for padding). */
  readonly ids: Int32Array;
  /** raw[newId] is the original id; raw[0] is -1 (padding has no raw id). */
  readonly raw: Int32Array;
}

// Above this, a dense lookup table would cost more than sorting.
const DENSE_LIMIT = 1 << 24;

/**
 * Maps raw ids to contiguous 1-based ids ordered by raw id, Spotlight's convention for the larger MovieLens
 * sets. Independent of row order, so the same file always gets the same ids.
 */
export function remapIds(rawIds: Int32Array): RemappedIds {
  let max = -1;
  for (let i = 0; i < rawIds.length; i++) if (rawIds[i]! > max) max = rawIds[i]!;
  return max < DENSE_LIMIT ? remapDense(rawIds, max) : remapSorted(rawIds);
}

function remapDense(rawIds: Int32Array, max: number): RemappedIds {
  const lookup = new Int32Array(max + 1);
  for (let i = 0; i < rawIds.length; i++) lookup[rawIds[i]!] = 1;
  let count = 0;
  for (let v = 0; v <= max; v++) if (lookup[v] !== 0) lookup[v] = ++count;
  const raw = new Int32Array(count + 1);
  raw[0] = -1;
  for (let v = 0; v <= max; v++) if (lookup[v] !== 0) raw[lookup[v]!] = v;
  const ids = new Int32Array(rawIds.length);
  for (let i = 0; i < rawIds.length; i++) ids[i] = lookup[rawIds[i]!]!;
  return { ids, raw };
}

function remapSorted(rawIds: Int32Array): RemappedIds {
  const sorted = rawIds.slice().sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  const unique = sorted.subarray(0, count);
  const raw = new Int32Array(count + 1);
  raw[0] = -1;
  raw.set(unique, 1);
  const ids = new Int32Array(rawIds.length);
  for (let i = 0; i < rawIds.length; i++) {
    let lo = 0;
    let hi = count - 1;
    const v = rawIds[i]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unique[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    ids[i] = lo + 1;
  }
  return { ids, raw };
}
