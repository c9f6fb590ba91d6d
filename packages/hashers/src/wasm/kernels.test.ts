import { type HasherDefinition, Rng } from '@bloom/core';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinHashers } from '../register.js';
import { setWasmKernelsEnabled, wasmKernelsAvailable } from './kernels.js';

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
