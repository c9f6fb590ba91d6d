import type { EmbeddingStrategy, RowMap } from '@bloom/core';

/** Ints per side in the native trainer's description (native/trainer_addon.cc). */
export const SIDE_INTS = 48;
const SEEDS_AT = 16;
const MAX_HASHES = 32;
const KINDS = { identity: 0, hash: 1, 'quotient-remainder': 2, 'row-table': 3 } as const;
/** Hashers the kernels run (row_math.cuh's `bucket`), by @bloom/hashers' registered names. */
export const DEVICE_HASHERS: Readonly<Record<string, number>> = {
  murmur3: 0,
  xxhash32: 1,
  multiplicative: 2,
};

/**
 * A strategy's row rule as the kernels' RowMapSpec (48 ints: kind, hasher, k, buckets, first row, has padding,
 * padding id, then room for the trainer's per-table fields, then the seeds), or null when the device does not
 * know the rule (no `rowMap`, a hasher without a kernel, more than 32 hashes): callers then upload every id's
 * rows instead (a `row-table` side).
 */
export function encodeRowMap(strategy: EmbeddingStrategy): Int32Array | null {
  const map: RowMap | undefined = strategy.rowMap;
  const side = new Int32Array(SIDE_INTS);
  side[2] = strategy.rowsPerId;
  if (map === undefined) return null;
  if (map.kind === 'identity') {
    side[0] = KINDS.identity;
  } else if (map.kind === 'quotient-remainder') {
    side[0] = KINDS['quotient-remainder'];
    side[3] = map.m;
  } else {
    const hasher = DEVICE_HASHERS[map.hasher];
    if (hasher === undefined || map.seeds.length > MAX_HASHES) return null;
    side.set([
      KINDS.hash,
      hasher,
      map.seeds.length,
      map.buckets,
      map.firstRow,
      map.paddingIdx === null ? 0 : 1,
    ]);
    side[6] = map.paddingIdx ?? 0;
    side.set(
      Int32Array.from(map.seeds, (seed) => seed | 0),
      SEEDS_AT,
    );
  }
  return side;
}

/** The `row-table` side of a strategy without a device rule: its rows of every id, computed once on the host. */
export function rowTableSide(strategy: EmbeddingStrategy): { side: Int32Array; rows: Int32Array } {
  const side = new Int32Array(SIDE_INTS);
  side[0] = KINDS['row-table'];
  side[2] = strategy.rowsPerId;
  const ids = Int32Array.from({ length: strategy.numEmbeddings }, (_, i) => i);
  return { side, rows: strategy.rowsFor(ids) };
}
