import { Rng } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BloomOutputLayer } from './bloom-output.js';

const [numItems, d] = [30, 4];

// log softmax of one row of logits, in doubles.
function logSoftmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const logTotal = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) + max;
  return logits.map((l) => l - logTotal);
}

describe('BloomOutputLayer', () => {
  let layer: BloomOutputLayer;
  let logits: (row: ArrayLike<number>) => number[];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    layer = new BloomOutputLayer(
      { kind: 'bloom', compressionRatio: 0.3, numHashes: 3 },
      numItems,
      d,
      5,
      'test',
    );
    const [w, b] = [layer.variables[0].dataSync(), layer.variables[1].dataSync()];
    const m = layer.units;
    logits = (row) =>
      Array.from(
        { length: m },
        (_, o) => b[o]! + [0, 1, 2, 3].reduce((s, j) => s + row[j]! * w[j * m + o]!, 0),
      );
  });

  it('has floor(ratio * N) units and k positions per item, padding id included', () => {
    expect(layer.units).toBe(9);
    expect(layer.strategy.rowsFor(Int32Array.of(0, 29))).toHaveLength(6);
  });

  it('loss is the masked mean of -(1/k) * sum of log-probabilities at the target positions', async () => {
    const users = new Rng(2).fillNormal(new Float32Array(3 * d));
    const targets = Int32Array.of(7, 0, 29); // the 0 (padding) is masked out
    const got = (await layer.loss(tf.tensor2d(users, [3, d]), targets).data())[0]!;
    const positions = layer.strategy.rowsFor(targets);
    let expected = 0;
    for (const r of [0, 2]) {
      const logp = logSoftmax(logits(users.subarray(r * d, r * d + d)));
      for (let j = 0; j < 3; j++) expected -= logp[positions[r * 3 + j]!]! / 3;
    }
    expect(got).toBeCloseTo(expected / 2, 5);
  });

  it('scores every item as the sum of the log-probabilities of its k positions', () => {
    const user = new Rng(3).fillNormal(new Float32Array(d));
    const scores = layer.scoreAll(tf.tensor2d(user, [1, d]));
    const logp = logSoftmax(logits(user));
    const positions = layer.strategy.rowsFor(Int32Array.from({ length: numItems }, (_, i) => i));
    expect(scores).toHaveLength(numItems);
    for (let i = 0; i < numItems; i++) {
      const expected = [0, 1, 2].reduce((s, j) => s + logp[positions[i * 3 + j]!]!, 0);
      expect(scores[i]).toBeCloseTo(expected, 5);
    }
  });

  it('softmax is the full output: N units, one position per item, the item itself', () => {
    const full = new BloomOutputLayer({ kind: 'softmax' }, numItems, d, 5, 'test-softmax');
    expect(full.units).toBe(numItems);
    expect(Array.from(full.strategy.rowsFor(Int32Array.of(0, 7, 29)))).toEqual([0, 7, 29]);
    tf.dispose([...full.variables]);
  });
});
