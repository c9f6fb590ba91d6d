import { BloomError, createRegistry, type HasherDefinition, hashers } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { createHashFamily } from './hash-family.js';
import { murmur3 } from './murmur3.js';
import { setWasmKernelsEnabled } from './wasm/kernels.js';
import './index.js';

const ids = Int32Array.from({ length: 5000 }, (_, i) => i);

describe('createHashFamily', () => {
  it('writes [n x k] row-major: column j is hash function j', () => {
    const family = createHashFamily({ hasher: 'xxhash64', numHashes: 3, buckets: 1000 });
    const out = family.indices(ids);
    expect(out.length).toBe(ids.length * 3);
    for (let j = 0; j < 3; j++) {
      const single = hashers.get('xxhash64').create(family.seeds[j]!);
      for (let i = 0; i < 50; i++) expect(out[i * 3 + j]).toBe(single.bucketInt32(i, 1000));
    }
    expect(family).toMatchObject({ hasher: 'xxhash64', numHashes: 3, buckets: 1000, paddingIdx: null });
  });

  it("follows Spotlight's padding rule: the padding id maps to row 0, others may too", () => {
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 4, buckets: 50, paddingIdx: 0 });
    const out = family.indices(ids);
    expect([...out.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    let realOnRowZero = 0;
    for (let i = 1; i < ids.length; i++) if (out.subarray(i * 4, i * 4 + 4).includes(0)) realOnRowZero++;
    // About 1 - (1 - 1/m)^k of ids share the padding row.
    const expected = 1 - (1 - 1 / 50) ** 4;
    expect(realOnRowZero / (ids.length - 1)).toBeGreaterThan(expected - 0.02);
    expect(realOnRowZero / (ids.length - 1)).toBeLessThan(expected + 0.02);
  });

  it('keeps real ids off the padding row when asked', () => {
    const family = createHashFamily({
      hasher: 'murmur3',
      numHashes: 4,
      buckets: 50,
      paddingIdx: 7,
      reservePaddingRow: true,
    });
    const out = family.indices(ids);
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < 4; j++) {
        const b = out[i * 4 + j]!;
        if (i === 7) expect(b).toBe(0);
        else expect(b >= 1 && b < 50).toBe(true);
      }
    }
    const strings = family.indicesForStrings(['a', 'b', 'c']);
    expect(strings.every((b) => b >= 1 && b < 50)).toBe(true);
  });

  it('hashes string keys with every function', () => {
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 2, buckets: 100 });
    const out = family.indicesForStrings(['user:42', 'item:7']);
    const first = hashers.get('murmur3').create(family.seeds[0]!);
    expect(out[0]).toBe(first.bucketString('user:42', 100));
    expect(out[2]).toBe(first.bucketString('item:7', 100));
  });

  it('takes custom seeds, a definition, or an isolated registry', () => {
    const registry = createRegistry<HasherDefinition>('hasher');
    registry.register({ ...murmur3, name: 'private-murmur' });
    const a = createHashFamily({
      hasher: 'private-murmur',
      numHashes: 2,
      buckets: 10,
      seeds: [1, 2],
      registry,
    });
    const b = createHashFamily({ hasher: murmur3, numHashes: 2, buckets: 10, seeds: [1, 2, 3] });
    expect(a.indices(ids)).toEqual(b.indices(ids));
    expect(b.seeds).toEqual([1, 2]);
  });

  it('rejects bad configurations with errors that name the option and allowed values', () => {
    const bad: [object, RegExp][] = [
      [
        { numHashes: 25 },
        /Invalid numHashes: expected an integer in \[1, 24\].*Spotlight's default list has 24.*got 25/,
      ],
      [{ numHashes: 0 }, /Invalid numHashes/],
      [{ numHashes: 3, seeds: [1, 2] }, /Invalid numHashes: .*the seeds given has 2/],
      [{ buckets: 0 }, /Invalid buckets: expected an integer in \[1, 2147483647\], got 0/],
      [{ buckets: 2 ** 31 }, /Invalid buckets/],
      [{ buckets: 1.5 }, /Invalid buckets/],
      [{ paddingIdx: 2 ** 31 }, /Invalid paddingIdx/],
      [
        { reservePaddingRow: true },
        /Invalid reservePaddingRow: expected true only together with a paddingIdx/,
      ],
      [{ reservePaddingRow: true, paddingIdx: 0, buckets: 1 }, /Invalid buckets: expected an integer >= 2/],
      [{ seeds: [1, 0.5] }, /Invalid seeds\[1\]/],
    ];
    for (const [overrides, message] of bad) {
      const options = { hasher: 'murmur3', numHashes: 2, buckets: 10, ...overrides };
      expect(() => createHashFamily(options)).toThrow(message);
      expect(() => createHashFamily(options)).toThrow(BloomError);
    }
    expect(() => createHashFamily({ hasher: 'sha1', numHashes: 2, buckets: 10 })).toThrow(
      "Hasher 'sha1' is not registered (have: multiplicative, murmur3, xxhash32, xxhash64)",
    );
    const family = createHashFamily({ hasher: 'murmur3', numHashes: 2, buckets: 10 });
    expect(() => family.indices(ids, new Int32Array(3))).toThrow(/Invalid out/);
    expect(() => family.indicesForStrings(['a', 'b'], new Int32Array(3))).toThrow(
      'Invalid out: expected an Int32Array of length >= 4 (ids x k), got 3',
    );
  });
});

describe('the one-pass MurmurHash3 family kernel', () => {
  // Against the same family computed one hash at a time by the TypeScript loops (themselves pinned to
  // scikit-learn's vectors): sizes around the kernel's threshold, vector rounding and chunks, any k, signed and
  // unsigned seeds, a reserved padding row and a padding id.
  it('equals the per-hash TypeScript path, bucket for bucket', () => {
    const sizes = [31, 32, 33, 1003, 70_001];
    for (const numHashes of [1, 2, 4, 7])
      for (const options of [
        { buckets: 1000 },
        { buckets: 2 ** 31 - 1, seeds: [-5, 4_000_000_000, 7, 0, 1, 2, 3] },
        { buckets: 200, paddingIdx: 0, reservePaddingRow: true },
      ])
        for (const n of sizes) {
          const input = Int32Array.from({ length: n }, (_, i) => Math.imul(i - 500, 0x9e3779b1));
          input[3] = 0;
          const family = createHashFamily({ hasher: 'murmur3', numHashes, ...options });
          const fused = family.indices(input);
          setWasmKernelsEnabled(false);
          try {
            expect(fused, `k ${numHashes}, n ${n}, ${JSON.stringify(options)}`).toEqual(
              family.indices(input),
            );
          } finally {
            setWasmKernelsEnabled(true);
          }
        }
  });
});
