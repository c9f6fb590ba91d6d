import { Rng } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cnnRepresentation, lstmRepresentation } from './representations.js';

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
    for (const make of [lstmRepresentation, cnnRepresentation]) {
      const rep = make(3, 5);
      const a = random([1, 6, 3], 2);
      const changed = tf.concat([a.slice([0, 0, 0], [1, 4, 3]), random([1, 2, 3], 9)], 1); // items 4 and 5 differ
      const [x, y] = [await rep.represent(a).data(), await rep.represent(changed as tf.Tensor3D).data()];
      // Outputs 0..4 see only items 0..3: identical. Output 5 has seen item 4: different.
      for (let i = 0; i < 5 * 3; i++) expect(y[i]).toBe(x[i]);
      expect(Array.from(y.slice(15, 18))).not.toEqual(Array.from(x.slice(15, 18)));
      tf.dispose([a, changed, ...rep.variables]);
    }
  });
});
