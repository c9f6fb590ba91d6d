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

// One LSTM step's element work against float64 sigmoid and tanh, over pre-activations from -40 to 40 (the clamps'
// range and beyond), both the four-lane body and the tail (d 6), then its backward pass against the same.
describe('sequence kernels: lstm_forward and lstm_backward', () => {
  const memory = KernelMemory.create(0)!;
  const kernels = memory.sequenceKernels;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  it('activate, combine and differentiate within 2e-6 of float64', () => {
    const [b, d] = [3, 6];
    const g = 4 * d;
    const z = 64;
    const cPrev = z + b * g * 4;
    const c = cPrev + b * d * 4;
    const tc = c + b * d * 4;
    const h = tc + b * d * 4;
    const dh = h + b * d * 4;
    const dc = dh + b * d * 4;
    const dz = dc + b * d * 4;
    memory.reserve(dz + b * g * 4);
    const pre = memory.f32(z, b * g);
    for (let i = 0; i < pre.length; i++) pre[i] = -40 + (80 * i) / (pre.length - 1) + (i % 3) * 0.37;
    const x = Float64Array.from(pre);
    const previous = memory.f32(cPrev, b * d);
    for (let i = 0; i < previous.length; i++) previous[i] = Math.sin(i) * 2;
    const gh = memory.f32(dh, b * d);
    const gc = memory.f32(dc, b * d);
    for (let i = 0; i < gh.length; i++) [gh[i], gc[i]] = [Math.cos(i), Math.sin(3 * i) / 2];
    const [ghBefore, gcBefore] = [Float64Array.from(gh), Float64Array.from(gc)];
    kernels.lstm_forward(z, cPrev, c, tc, h, b, d);
    kernels.lstm_backward(z, cPrev, tc, dh, dc, dz, b, d);
    const [gates, cell, squashed, hidden, dGates, dCell] = [
      memory.f32(z, b * g),
      memory.f32(c, b * d),
      memory.f32(tc, b * d),
      memory.f32(h, b * d),
      memory.f32(dz, b * g),
      memory.f32(dc, b * d),
    ];
    for (let r = 0; r < b; r++) {
      for (let j = 0; j < d; j++) {
        const at = r * d + j;
        const [i, f, gg, o] = [0, 1, 2, 3].map((q) => {
          const v = x[r * g + q * d + j]!;
          return q === 2 ? Math.tanh(v) : sigmoid(v);
        }) as [number, number, number, number];
        const cc = f * previous[at]! + i * gg;
        const t = Math.tanh(cc);
        expect(Math.abs(gates[r * g + j]! - i)).toBeLessThan(2e-6);
        expect(Math.abs(gates[r * g + 2 * d + j]! - gg)).toBeLessThan(2e-6);
        expect(Math.abs(cell[at]! - cc)).toBeLessThan(1e-5);
        expect(Math.abs(squashed[at]! - t)).toBeLessThan(2e-6);
        expect(Math.abs(hidden[at]! - o * t)).toBeLessThan(2e-6);
        const dcell = gcBefore[at]! + ghBefore[at]! * o * (1 - t * t);
        const expected = [
          dcell * gg * i * (1 - i),
          dcell * previous[at]! * f * (1 - f),
          dcell * i * (1 - gg * gg),
        ];
        expected.push(ghBefore[at]! * t * o * (1 - o));
        for (let q = 0; q < 4; q++)
          expect(Math.abs(dGates[r * g + q * d + j]! - expected[q]!)).toBeLessThan(1e-5);
        expect(Math.abs(dCell[at]! - dcell * f)).toBeLessThan(1e-5);
      }
    }
  });
});
