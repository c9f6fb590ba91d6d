import { Rng } from '@bloom/core';
import MurmurHash3 from 'murmurhash3js-revisited';
import { beforeAll, describe, expect, it } from 'vitest';
import xxhashWasm from 'xxhash-wasm';
import { murmur3Bytes, murmur3Int32 } from './murmur3.js';
import { xxhash32Bytes, xxhash32Int32 } from './xxhash32.js';
import { XxHash64Hasher } from './xxhash64.js';

// Independent implementations as oracles: murmurhash3js-revisited (JS) and xxhash-wasm (the C reference compiled
// to WebAssembly), on random ids, seeds and byte strings of every length class (tails, stripes).

function leBytes(id: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, id, true);
  return bytes;
}

function randomCases(seed: number, count: number): { id: number; seed: number; bytes: Uint8Array }[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const bytes = new Uint8Array(i % 101);
    for (let b = 0; b < bytes.length; b++) bytes[b] = rng.nextInt(256);
    return { id: rng.nextUint32() | 0, seed: rng.nextUint32(), bytes };
  });
}

const edgeIds = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 1682, 999999];

describe('murmur3 against murmurhash3js-revisited', () => {
  it('agrees on int32 ids and byte strings, signed', () => {
    for (const c of randomCases(1, 2000)) {
      expect(murmur3Int32(c.id, c.seed)).toBe(MurmurHash3.x86.hash32(leBytes(c.id), c.seed) | 0);
      expect(murmur3Bytes(c.bytes, c.seed)).toBe(MurmurHash3.x86.hash32(c.bytes, c.seed) | 0);
    }
    for (const id of edgeIds) expect(murmur3Int32(id, 7)).toBe(MurmurHash3.x86.hash32(leBytes(id), 7) | 0);
  });
});

describe('xxhash against xxhash-wasm', () => {
  let xx: Awaited<ReturnType<typeof xxhashWasm>>;
  beforeAll(async () => {
    xx = await xxhashWasm();
  });

  it('XXH32 agrees on int32 ids and byte strings', () => {
    for (const c of randomCases(2, 2000)) {
      expect(xxhash32Int32(c.id, c.seed)).toBe(xx.h32Raw(leBytes(c.id), c.seed) | 0);
      expect(xxhash32Bytes(c.bytes, c.seed)).toBe(xx.h32Raw(c.bytes, c.seed) | 0);
    }
  });

  it('XXH64 agrees on int32 ids and byte strings, and buckets reduce the full 64 bits', () => {
    for (const c of randomCases(3, 2000)) {
      const hasher = new XxHash64Hasher(c.seed);
      const idRef = xx.h64Raw(leBytes(c.id), BigInt(c.seed));
      const [hi, lo] = hasher.hash64Int32(c.id);
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(idRef);
      expect(hasher.hashInt32(c.id)).toBe(Number(BigInt.asIntN(32, idRef)));
      const m = 1 + (c.seed % 2_000_000_000);
      expect(hasher.bucketInt32(c.id, m)).toBe(Number(idRef % BigInt(m)));

      const bytesRef = xx.h64Raw(c.bytes, BigInt(c.seed));
      const [bh, bl] = hasher.hash64Bytes(c.bytes);
      expect((BigInt(bh) << 32n) | BigInt(bl)).toBe(bytesRef);
      expect(hasher.bucketBytes(c.bytes, m)).toBe(Number(bytesRef % BigInt(m)));
    }
  });
});
