import { Rng } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cnnRepresentation, lstmRepresentation, mixtureRepresentation } from './representations.js';

const random = (shape: [number, number, number], seed: number) =>
  tf.tensor3d(new Rng(seed).fillNormal(new Float32Array(shape[0] * shape[1] * shape[2])), shape);

describe('sequence representations', () => {
  it('cnn equals tanh(conv1d over the left-padded items) plus the previous item, as Spotlight computes it', async () => {
    await tf.setBackend('cpu');
    const d = 4;
    const rep = cnnRepresentation(d, 3);
    const inputs = random([2, 5, d], 1);
    const [filter, bias] = rep.variables as [tf.Variable, tf.Variable];
    const expected = tf.add(
      tf.tanh(
        tf.add(
          tf.conv1d(
            tf.pad(inputs, [
              [0, 0],
              [3, 0],
              [0, 0],
            ]),
            filter as unknown as tf.Tensor3D,
            1,
            'valid',
          ),
          bias,
        ),
      ),
      tf.pad(inputs, [
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
    );
    const actual = rep.represent(inputs);
    expect(actual.shape).toEqual([2, 6, d]);
    const [a, e] = [await actual.data(), await expected.data()];
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(e[i]!, 5);
    tf.dispose([inputs, expected, actual, ...rep.variables]);
  });

  it('outputs at t never see item t or later (causality), for lstm and cnn', async () => {
    await tf.setBackend('cpu');
    for (const make of [lstmRepresentation, cnnRepresentation, mixtureRepresentation]) {
      const rep = make(3, 5);
      const w = rep.width;
      const a = random([1, 6, 3], 2);
      const changed = tf.concat([a.slice([0, 0, 0], [1, 4, 3]), random([1, 2, 3], 9)], 1); // items 4 and 5 differ
      const [x, y] = [await rep.represent(a).data(), await rep.represent(changed as tf.Tensor3D).data()];
      // Outputs 0..4 see only items 0..3: identical. Output 5 has seen item 4: different.
      for (let i = 0; i < 5 * w; i++) expect(y[i]).toBe(x[i]);
      expect(Array.from(y.slice(5 * w, 6 * w))).not.toEqual(Array.from(x.slice(5 * w, 6 * w)));
      tf.dispose([a, changed, ...rep.variables]);
    }
  });

  it('mixture scores each target with its own softmax-weighted taste vector (an independent loop)', async () => {
    await tf.setBackend('cpu');
    const [d, M, n] = [3, 4, 5];
    const rep = mixtureRepresentation(d, 11, M);
    expect(rep.width).toBe(2 * M * d);
    const states = random([1, n, rep.width], 4).reshape([n, rep.width]) as tf.Tensor2D;
    const targets = random([1, n, d], 6).reshape([n, d]) as tf.Tensor2D;
    const [u, t] = [await states.data(), await targets.data()];
    const expected = Array.from({ length: n }, (_, r) => {
      const at = (c: number, j: number) => u[r * 2 * M * d + c * d + j]!; // component c, tastes first
      const dot = (c: number, other: (j: number) => number) =>
        [...Array(d).keys()].reduce((sum, j) => sum + at(c, j) * other(j), 0);
      const target = (j: number) => t[r * d + j]!;
      const logits = [...Array(M).keys()].map((c) => dot(M + c, target));
      const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
      const total = z.reduce((a, b) => a + b, 0);
      return [...Array(M).keys()].reduce((sum, c) => sum + (z[c]! / total) * dot(c, target), 0);
    });
    const pairwise = await rep.score(states, targets).data();
    for (let r = 0; r < n; r++) expect(pairwise[r]).toBeCloseTo(expected[r]!, 5);
    // scoreAll: one user state against every item equals the pairwise score with that state repeated.
    const first = states.slice([0, 0], [1, rep.width]) as tf.Tensor2D;
    const all = await rep.scoreAll(first, targets).data();
    const repeated = await rep.score(tf.tile(first, [n, 1]) as tf.Tensor2D, targets).data();
    for (let r = 0; r < n; r++) expect(all[r]).toBeCloseTo(repeated[r]!, 5);
    tf.dispose([states, targets, first, ...rep.variables]);
  });
});
