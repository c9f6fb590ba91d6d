import { describe, expect, it } from 'vitest';
import { KernelMemory } from './kernel-memory.js';

// The GEMM against a float64 triple loop, over shapes that exercise every edge (rows not a multiple of 4,
// columns not a multiple of 8, k of 1) and every flag: accumulate, A stored transposed, B stored transposed.
describe('sequence kernels: gemm', () => {
  const memory = KernelMemory.create(0)!;
  const kernels = memory.sequenceKernels;
  const shapes = [
    [1, 1, 1],
    [4, 8, 3],
    [5, 9, 7],
    [7, 13, 1],
    [12, 24, 33],
    [3, 40, 16],
    [33, 5, 64],
    [6, 10, 600],
  ] as const;
  for (const [m, n, k] of shapes)
    for (const flags of [0, 1, 2, 4, 6, 7])
      it(`${m} x ${n} x ${k}, flags ${flags}`, () => {
        const transA = (flags & 2) !== 0;
        const transB = (flags & 4) !== 0;
        // Leading dimensions wider than the matrices, so that sub-block addressing is exercised too.
        const lda = (transA ? m : k) + 2;
        const ldb = (transB ? k : n) + 3;
        const ldc = n + 1;
        const aRows = transA ? k : m;
        const bRows = transB ? n : k;
        const at = 64;
        const bt = at + aRows * lda * 4 + 64;
        const ct = bt + bRows * ldb * 4 + 64;
        const pack = ct + m * ldc * 4 + 64;
        memory.reserve(pack + (k * (n + 8) + 4 * k + 32) * 4);
        const fill = (offset: number, count: number, seed: number) => {
          const view = memory.f32(offset, count);
          for (let i = 0; i < count; i++) view[i] = (((i + seed) * 7919) % 23) / 23 - 0.5;
          return view;
        };
        const a = fill(at, aRows * lda, 1);
        const b = fill(bt, bRows * ldb, 2);
        const c = fill(ct, m * ldc, 3);
        const before = Float64Array.from(c);
        kernels.gemm(at, bt, ct, m, n, k, lda, ldb, ldc, flags, pack);
        const out = memory.f32(ct, m * ldc);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < ldc; j++) {
            if (j >= n) {
              expect(out[i * ldc + j]).toBe(Math.fround(before[i * ldc + j]!)); // outside C: untouched
              continue;
            }
            let sum = flags & 1 ? before[i * ldc + j]! : 0;
            let magnitude = Math.abs(sum);
            for (let p = 0; p < k; p++) {
              const term = a[transA ? p * lda + i : i * lda + p]! * b[transB ? j * ldb + p : p * ldb + j]!;
              sum += term;
              magnitude += Math.abs(term);
            }
            // float32 accumulation: within the bound k u of the sum of the terms' magnitudes (u = 2^-24).
            expect(Math.abs(out[i * ldc + j]! - sum)).toBeLessThanOrEqual((k + 1) * 6e-8 * magnitude + 1e-7);
          }
        }
      });
});
