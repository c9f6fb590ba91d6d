import { type HasherDefinition, Rng } from '@bloom/core';
import MurmurHash3 from 'murmurhash3js-revisited';
import { afterEach, describe, expect, it } from 'vitest';
import { createHashFamily } from '../hash-family.js';
import { murmur3 } from '../murmur3.js';
import { builtinHashers } from '../register.js';
import { SPOTLIGHT_SEEDS } from '../seeds.js';
import { runMurmur3StringsKernel, setWasmKernelsEnabled, wasmKernelsAvailable } from './kernels.js';

// The WebAssembly SIMD kernels must give exactly what the TypeScript loops give (which the oracle tests pin to
// the reference implementations), at every length (vector tails, several chunks), modulus and stride.
describe.each(builtinHashers.map((d) => [d.name, d] as [string, HasherDefinition]))(
  '%s wasm kernel',
  (_, def) => {
    afterEach(() => setWasmKernelsEnabled(true));

    it('is available in Node', () => {
      expect(wasmKernelsAvailable()).toBe(true);
    });

    it('equals the TypeScript loop', () => {
      const rng = new Rng(5);
      const hasher = def.create(179425457);
      for (const n of [32, 33, 35, 1000, 65536 + 5]) {
        const ids = Int32Array.from({ length: n }, () => rng.nextUint32() | 0);
        ids.set([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]);
        for (const m of [1, 3, 200, 2 ** 21, 2 ** 21 + 1, 2 ** 31 - 1]) {
          for (const [offset, stride] of [
            [0, 1],
            [2, 3],
          ] as const) {
            const length = offset + n * stride;
            setWasmKernelsEnabled(true);
            const wasm = hasher.bucketInt32Array(ids, m, new Int32Array(length).fill(-5), offset, stride);
            setWasmKernelsEnabled(false);
            const plain = hasher.bucketInt32Array(ids, m, new Int32Array(length).fill(-5), offset, stride);
            // A plain loop: toEqual on typed arrays this long takes seconds.
            let mismatch = -1;
            for (let i = 0; i < length && mismatch < 0; i++) if (wasm[i] !== plain[i]) mismatch = i;
            expect(mismatch, `first mismatch at m=${m}, n=${n}, stride=${stride}`).toBe(-1);
          }
        }
      }
    });
  },
);

// The strings kernel against an independent MurmurHash3 (murmurhash3js-revisited) on the keys' UTF-8 bytes: every
// tail length, multi-byte characters, k not a multiple of the 4 lanes, batches that fill the kernel's memory, and a
// key too long for it (hashed by the TypeScript loop instead).
describe('murmur3 strings family kernel', () => {
  afterEach(() => setWasmKernelsEnabled(true));
  const reference = (key: string, seed: number, m: number, shift: number) => {
    const h = MurmurHash3.x86.hash32(new TextEncoder().encode(key), seed >>> 0) | 0;
    return (((h % m) + m) % m) + shift;
  };

  it('equals the reference hash of every key under every seed', () => {
    const rng = new Rng(11);
    const alphabet = ['a', 'Z', '7', ' ', ',', '"', 'é', 'ü', '中', '😀'];
    const keys = Array.from({ length: 3000 }, (_, i) =>
      Array.from({ length: i % 23 }, () => alphabet[rng.nextInt(alphabet.length)]).join(''),
    );
    keys.push('x'.repeat(40_000)); // several long keys fill a batch's bytes before its key count
    for (const k of [1, 2, 4, 5, 9]) {
      for (const [m, shift] of [
        [1, 0],
        [997, 0],
        [2 ** 31 - 2, 1],
      ] as const) {
        const seeds = SPOTLIGHT_SEEDS.slice(0, k);
        const out = new Int32Array(keys.length * k).fill(-1);
        expect(runMurmur3StringsKernel(keys, seeds, m, shift, out)).toBe(keys.length);
        let mismatch = '';
        for (let i = 0; i < keys.length && mismatch === ''; i++)
          for (let j = 0; j < k; j++)
            if (out[i * k + j] !== reference(keys[i]!, seeds[j]!, m, shift)) mismatch = `key ${i} seed ${j}`;
        expect(mismatch, `k=${k} m=${m}`).toBe('');
      }
    }
  });

  it('leaves a key longer than its memory to the caller, and the family hashes it the same way', () => {
    const keys = [...Array.from({ length: 40 }, (_, i) => `key-${i}`), 'y'.repeat(2_000_000), 'after'];
    const seeds = SPOTLIGHT_SEEDS.slice(0, 3);
    expect(runMurmur3StringsKernel(keys, seeds, 1000, 0, new Int32Array(keys.length * 3))).toBe(40);
    const family = createHashFamily({ hasher: murmur3, numHashes: 3, buckets: 1000 });
    const fused = family.indicesForStrings(keys);
    setWasmKernelsEnabled(false);
    expect(Array.from(fused)).toEqual(Array.from(family.indicesForStrings(keys)));
    expect(fused[40 * 3]).toBe(reference(keys[40]!, seeds[0]!, 1000, 0));
  });
});
