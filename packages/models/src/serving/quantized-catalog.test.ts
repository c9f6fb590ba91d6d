import { Rng } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { MAX_SELECTION, QuantizedCatalog } from './quantized-catalog.js';

// The exact scores in f64, independently of the kernels; ties broken by position, as topK does.
function exactTop(
  vectors: Float32Array,
  biases: Float32Array,
  d: number,
  u: Float32Array,
  count: number,
): number[] {
  const scores = Array.from(biases, (b, i) => {
    let s = b;
    for (let c = 0; c < d; c++) s += u[c]! * vectors[i * d + c]!;
    return s;
  });
  return scores
    .map((s, i) => [s, i] as const)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .slice(0, count)
    .map(([, i]) => i);
}

describe('QuantizedCatalog', () => {
  it('picks a superset of the exact top count, for catalogues with wide scales, near-ties and zero rows', () => {
    const rng = new Rng(3);
    for (const d of [5, 16, 32, 40]) {
      const n = 3000;
      const vectors = new Float32Array(n * d);
      const biases = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        // Rows of very different norms; every tenth a near-copy of row 0 (near-ties); some all zero.
        const norm = i % 97 === 0 ? 0 : 10 ** (rng.next() * 4 - 2);
        for (let c = 0; c < d; c++) {
          vectors[i * d + c] = i % 10 === 0 ? vectors[c]! + 1e-6 * rng.next() : norm * (rng.next() * 2 - 1);
        }
        biases[i] = rng.next() - 0.5;
      }
      const catalog = new QuantizedCatalog(vectors, biases, d);
      for (let trial = 0; trial < 20; trial++) {
        const u = Float32Array.from({ length: d }, () => (trial === 0 ? 0 : rng.next() * 2 - 1));
        for (const count of [1, 10, 100]) {
          const candidates = new Set(catalog.candidates(u, count));
          const missing = exactTop(vectors, biases, d, u, count).filter((i) => !candidates.has(i));
          expect(missing, `d=${d} trial=${trial} count=${count}`).toEqual([]);
        }
      }
    }
  });

  it('stays exact where quantization scrambles the order: a cluster of items within one quantization step', () => {
    const rng = new Rng(5);
    const d = 16;
    const n = 2000;
    const base = Float32Array.from({ length: d }, (_, c) => (c === 0 ? 1 : rng.next() * 2 - 1));
    // Every item is the base plus noise of about half a quantization step (1/127) in each component: their exact
    // order and their quantized order differ.
    const vectors = Float32Array.from(
      { length: n * d },
      (_, j) => base[j % d]! + ((rng.next() - 0.5) * 1.2) / 127,
    );
    const biases = new Float32Array(n);
    const catalog = new QuantizedCatalog(vectors, biases, d);
    for (let trial = 0; trial < 30; trial++) {
      const u = Float32Array.from({ length: d }, () => rng.next() * 2 - 1);
      for (const count of [1, 10, 50]) {
        const candidates = new Set(catalog.candidates(u, count));
        expect(exactTop(vectors, biases, d, u, count).filter((i) => !candidates.has(i))).toEqual([]);
      }
    }
  });

  it('keeps few candidates on a typical catalogue, and refuses a count out of range', () => {
    const rng = new Rng(4);
    const d = 32;
    const n = 20_000;
    const vectors = Float32Array.from({ length: n * d }, () => rng.next() * 2 - 1);
    const catalog = new QuantizedCatalog(vectors, new Float32Array(n), d);
    const u = Float32Array.from({ length: d }, () => rng.next() * 2 - 1);
    const candidates = catalog.candidates(u, 10);
    expect(candidates.length).toBeGreaterThanOrEqual(10);
    expect(candidates.length).toBeLessThan(n / 20);
    // Ascending positions.
    for (let j = 1; j < candidates.length; j++) expect(candidates[j]!).toBeGreaterThan(candidates[j - 1]!);
    expect(() => catalog.candidates(u, 0)).toThrow(RangeError);
    expect(() => catalog.candidates(u, MAX_SELECTION + 1)).toThrow(RangeError);
  });
});
