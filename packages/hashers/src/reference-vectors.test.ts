import { readFileSync } from 'node:fs';
import { hashers } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { createHashFamily } from './hash-family.js';
import { murmur3Bytes, murmur3Int32 } from './murmur3.js';
import { SPOTLIGHT_SEEDS } from './seeds.js';
import './index.js';

// Vectors produced by scikit-learn's murmurhash3_32 (the function Spotlight calls), kept in ../shared/reference.
const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/reference/hash-vectors.json', import.meta.url), 'utf8'),
) as {
  spotlight_seeds: number[];
  ids: number[];
  signed_hash_seed0: number[];
  buckets_m200_first4_seeds_no_padding: number[][];
  string_examples: Record<string, number>;
};

describe('scikit-learn / Spotlight known answers', () => {
  it('uses Spotlight seed list', () => {
    expect([...SPOTLIGHT_SEEDS]).toEqual(vectors.spotlight_seeds);
  });

  it("murmur3 with Spotlight's first seed gives scikit-learn signed hashes", () => {
    const seed = vectors.spotlight_seeds[0]!;
    expect(vectors.ids.map((id) => murmur3Int32(id, seed))).toEqual(vectors.signed_hash_seed0);
    expect(hashers.get('murmur3').create(seed).hashInt32Array(Int32Array.from(vectors.ids))).toEqual(
      Int32Array.from(vectors.signed_hash_seed0),
    );
  });

  it("a murmur3 family with Spotlight's seeds gives Spotlight's buckets (m = 200, k = 4)", () => {
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 4, buckets: 200 });
    const out = family.indices(Int32Array.from(vectors.ids));
    const byFunction = [0, 1, 2, 3].map((j) => vectors.ids.map((_, i) => out[i * 4 + j]));
    expect(byFunction).toEqual(vectors.buckets_m200_first4_seeds_no_padding);
  });

  it('hashes strings and bytes as scikit-learn does', () => {
    const hello = new TextEncoder().encode('Hello World!');
    expect(murmur3Bytes(hello, 42)).toBe(vectors.string_examples["bytes 'Hello World!' seed 42"]);
    expect(hashers.get('murmur3').create(0).hashString('user:42')).toBe(
      vectors.string_examples["utf8 'user:42' seed 0"],
    );
  });
});
