// The wasm backend's fused sequence step against TensorFlow.js autograd of the same loss, written here from the
// tfjs representations and output layer: every parameter's gradient for every representation, loss and output.
// The step's optimizers are set so that one step moves each weight by minus its gradient: SGD with lr 1 on the
// tables, and on the dense weights Adam with beta1 = beta2 = 0 and lr = epsilon = 1e4, whose step is then
// -1e4 g / (|g| + 1e4), within 1e-4 relative of -g.
import { wasmBackend } from '@bloom/backend-wasm';
import type { BackendAdapter, SequenceLoss, SequenceTrainer } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import type { SparseEmbedding } from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { spotlightSyntheticSequences } from '../test-support.js';
import { BloomOutputLayer } from './bloom-output.js';
import { highestDraw } from './network-sequence.js';
import { networkRepresentations } from './representations.js';
import { createSequenceTables, resolveSequenceConfig } from './sequence-tables.js';

let adapter: BackendAdapter;
let train: SequenceInteractions;
beforeAll(async () => {
  adapter = await wasmBackend.create();
  ({ train } = spotlightSyntheticSequences());
});

const NUM_ITEMS = 100;
const B = 6;
const STEP = 1e4;

type Case = {
  representation: 'pooling' | 'lstm' | 'cnn' | 'mixture';
  loss: SequenceLoss;
  output: 'tied' | 'bloom' | 'softmax';
  items?: 'dense' | 'bloom';
  dim?: number;
  weightDecay?: number;
};

const cases: Case[] = [
  ...(['pooling', 'lstm', 'cnn', 'mixture'] as const).flatMap((representation) =>
    (['bpr', 'pointwise', 'hinge'] as const).map((loss) => ({
      representation,
      loss,
      output: 'tied' as const,
    })),
  ),
  { representation: 'lstm', loss: 'bpr', output: 'bloom' },
  { representation: 'lstm', loss: 'bpr', output: 'softmax' },
  { representation: 'cnn', loss: 'bpr', output: 'bloom' },
  { representation: 'cnn', loss: 'bpr', output: 'softmax' },
  { representation: 'lstm', loss: 'bpr', output: 'tied', items: 'bloom', dim: 13 },
  { representation: 'cnn', loss: 'hinge', output: 'tied', items: 'bloom', dim: 6 },
  { representation: 'pooling', loss: 'bpr', output: 'tied', items: 'bloom' },
  { representation: 'mixture', loss: 'pointwise', output: 'tied', weightDecay: 0.5 },
  { representation: 'lstm', loss: 'bpr', output: 'bloom', weightDecay: 0.5 },
  // The adaptive hinge: the hinge against the highest of 3 draws per position, whose gradients reach only it.
  ...(['pooling', 'lstm', 'cnn', 'mixture'] as const).map((representation) => ({
    representation,
    loss: 'adaptive-hinge' as const,
    output: 'tied' as const,
  })),
  { representation: 'lstm', loss: 'adaptive-hinge', output: 'tied', items: 'bloom', dim: 13 },
];

const DRAWS = 3;

/** Relative error of a against b, against b's largest magnitude. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

function allRows(e: SparseEmbedding): Float32Array {
  const rows = e.strategy.tableRows;
  return e.table.lookup(
    Int32Array.from({ length: rows }, (_, i) => i),
    1,
    'sum',
  );
}

/** Minus the expected change of every table row: each id's vector gradient spread over its rows. */
function rowGradients(e: SparseEmbedding, ids: Int32Array, grads: Float32Array): Float32Array {
  const { rowsPerId: k, dim, combine, tableRows } = e.strategy;
  const rows = e.strategy.rowsFor(ids);
  const out = new Float32Array(tableRows * dim);
  const share = combine === 'mean' ? 1 / k : 1;
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < k; j++) {
      const row = rows[i * k + j]!;
      if (row === e.strategy.paddingRow) continue;
      for (let c = 0; c < dim; c++) out[row * dim + c]! += share * grads[i * dim + c]!;
    }
  }
  return out;
}

describe('the wasm fused sequence step has the gradients of TensorFlow.js autograd', () => {
  for (const c of cases) {
    const d = c.dim ?? 8;
    const name = `${c.representation}, ${c.loss}, ${c.output} output, ${c.items ?? 'dense'} items, d ${d}${c.weightDecay ? `, l2 ${c.weightDecay}` : ''}`;
    it(name, async () => {
      const L = train.maxLength;
      const seed = 7;
      const config = resolveSequenceConfig({
        numItems: NUM_ITEMS,
        dim: d,
        optimizer: { kind: 'sgd', lr: 1 },
        seed,
        items:
          c.items === 'bloom'
            ? { strategy: 'bloom', options: { compressionRatio: 0.5, numHashes: 2 } }
            : undefined,
      });
      const { items, itemBias } = createSequenceTables(config, adapter);
      const representation =
        c.representation === 'pooling' ? null : networkRepresentations[c.representation](d, seed);
      const outputLayer =
        c.output === 'tied'
          ? null
          : new BloomOutputLayer(
              c.output === 'bloom'
                ? { kind: 'bloom', compressionRatio: 0.3, numHashes: 3 }
                : { kind: 'softmax' },
              NUM_ITEMS,
              d,
              seed,
              `gradient-test-${name}`,
            );
      const variables = [...(representation?.variables ?? []), ...(outputLayer?.variables ?? [])];
      const weightDecay = c.weightDecay ?? 0;
      const trainer = adapter.createTrainer!('sequence', {
        items: { table: items.table, strategy: items.strategy },
        itemBias: { table: itemBias.table, strategy: itemBias.strategy },
        representation: c.representation,
        kernelWidth: 3,
        components: 4,
        loss: c.loss,
        negatives: DRAWS,
        output:
          outputLayer === null ? { kind: 'tied' } : { kind: 'projection', strategy: outputLayer.strategy },
        dim: d,
        maxLength: L,
        weights: variables.map((v) => v.dataSync() as Float32Array),
        adam: { lr: STEP, beta1: 0, beta2: 0, epsilon: STEP, weightDecay },
      }) as SequenceTrainer;
      expect(typeof trainer).toBe('object');
      expect(trainer.name).toBe('wasm-fused');

      // A batch with padding (the early sequences are left-padded) and random negatives.
      const targets = new Int32Array(B * L);
      for (let s = 0; s < B; s++) targets.set(train.sequence(s * 7), s * L);
      expect(targets.some((t) => t === 0)).toBe(true);
      const n = B * L;
      const draws = c.loss === 'adaptive-hinge' ? DRAWS : 1;
      const negatives = Int32Array.from({ length: draws * n }, (_, i) => 1 + ((i * 37) % (NUM_ITEMS - 1)));

      // The reference: the model's arithmetic in tfjs, differentiated by tfjs.
      const lookup = (e: SparseEmbedding, ids: Int32Array) =>
        tf.tensor2d(e.table.lookup(e.rowsFor(ids), e.strategy.rowsPerId, e.strategy.combine), [
          ids.length,
          e.strategy.dim,
        ]);
      const inputs = lookup(items, targets);
      const negative = lookup(items, negatives);
      const positiveBias = lookup(itemBias, targets);
      const negativeBias = lookup(itemBias, negatives);
      const mask = tf.tensor1d(Float32Array.from(targets, (t) => (t === 0 ? 0 : 1)));
      const divisors = poolingDivisors(await inputs.data(), B, L, d);
      const statesOf = (x: tf.Tensor2D): tf.Tensor2D => {
        if (representation === null) return poolingStates(x, divisors, B, L, d);
        const w = representation.width;
        return representation
          .represent(x.reshape([B, L, d]))
          .slice([0, 0, 0], [B, L, w])
          .reshape([n, w]) as tf.Tensor2D;
      };
      const f = (x: tf.Tensor2D, neg: tf.Tensor2D, pb: tf.Tensor2D, nb: tf.Tensor2D): tf.Scalar => {
        const users = statesOf(x);
        if (outputLayer !== null) return outputLayer.loss(users, targets);
        const score = (v: tf.Tensor2D, bias: tf.Tensor2D) =>
          tf.add(
            representation === null ? tf.sum(tf.mul(users, v), 1) : representation.score(users, v),
            bias.reshape([n]),
          ) as tf.Tensor1D;
        const pos = score(x, pb);
        // Each draw's scores ([draws, n]); the adaptive hinge takes the highest of each position's.
        const drawn = Array.from({ length: draws }, (_, j) =>
          score(neg.slice([j * n, 0], [n, d]), nb.slice([j * n, 0], [n, 1])),
        );
        const ng = draws === 1 ? drawn[0]! : highestDraw(drawn);
        const per =
          c.loss === 'bpr'
            ? tf.sub(1, tf.sigmoid(tf.sub(pos, ng)))
            : c.loss === 'pointwise'
              ? tf.add(tf.sub(1, tf.sigmoid(pos)), tf.sigmoid(ng))
              : tf.relu(tf.add(tf.sub(ng, pos), 1));
        return tf.div(tf.sum(tf.mul(per, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
      };
      // A projection output reads no negatives or biases, so they are not arguments there.
      const tied = outputLayer === null;
      const lookedUp = tied ? [inputs, negative, positiveBias, negativeBias] : [inputs];
      const { value, grads } = tf.valueAndGrads((...xs) =>
        tied
          ? f(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor2D, xs[3] as tf.Tensor2D)
          : f(xs[0] as tf.Tensor2D, negative, positiveBias, negativeBias),
      )([...lookedUp, ...variables]);
      const expectedLoss = (await value.data())[0]!;
      const all = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      const [gInputs, gNegative, gPositiveBias, gNegativeBias] = tied ? all : [all[0]];
      const gVariables = all.slice(lookedUp.length);

      const itemsBefore = allRows(items);
      const biasBefore = allRows(itemBias);
      const weightsBefore = variables.map((v) => v.dataSync() as Float32Array);
      const loss = trainer.step(targets, outputLayer === null ? negatives : null, B);
      expect(Math.abs(loss - expectedLoss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expectedLoss)));

      // Dense weights: minus the change is the gradient (plus l2 times the weight).
      const after = trainer.weights();
      weightsBefore.forEach((before, i) => {
        const moved = Float32Array.from(before, (w, j) => w - after[i]![j]!);
        const expected = Float32Array.from(gVariables[i]!, (g, j) => g + weightDecay * before[j]!);
        expect(relativeError(moved, expected), `weight ${i} (${variables[i]!.shape})`).toBeLessThan(2e-3);
      });

      // Item rows: minus the change is each row's summed gradient (positives and negatives together).
      const ids = outputLayer === null ? concat(targets, negatives) : targets;
      const vectorGrads = outputLayer === null ? concatF(gInputs!, gNegative!) : gInputs!;
      const itemsMoved = Float32Array.from(allRows(items), (w, j) => itemsBefore[j]! - w);
      expect(relativeError(itemsMoved, rowGradients(items, ids, vectorGrads))).toBeLessThan(1e-4);
      const biasMoved = Float32Array.from(allRows(itemBias), (w, j) => biasBefore[j]! - w);
      const biasExpected =
        outputLayer === null
          ? rowGradients(itemBias, ids, concatF(gPositiveBias!, gNegativeBias!))
          : new Float32Array(NUM_ITEMS);
      expect(relativeError(biasMoved, biasExpected)).toBeLessThan(1e-4);
      if (outputLayer === null) expect(biasExpected.some((g) => g !== 0)).toBe(true);

      tf.dispose([inputs, negative, positiveBias, negativeBias, mask, value, ...grads, ...variables]);
      trainer.dispose();
    });
  }
});

/**
 * Spotlight's pooling in tfjs: the sum over earlier positions (a product with a strictly lower triangular [L, L]
 * matrix; tfjs's cumsum has no working gradient over a middle axis) divided by the divisors, which are constants.
 */
function poolingStates(x: tf.Tensor2D, divisors: tf.Tensor2D, b: number, L: number, d: number): tf.Tensor2D {
  const earlier = tf.tensor2d(
    Float32Array.from({ length: L * L }, (_, i) => (i % L < Math.floor(i / L) ? 1 : 0)),
    [L, L],
  );
  const timeMajor = x
    .reshape([b, L, d])
    .transpose([1, 0, 2])
    .reshape([L, b * d]);
  const sums = tf
    .matMul(earlier, timeMajor)
    .reshape([L, b, d])
    .transpose([1, 0, 2])
    .reshape([b * L, d]);
  return tf.div(sums, divisors);
}

/** One plus the count of non-zero entries before each position, per coordinate ([b L, d]). */
function poolingDivisors(
  x: Float32Array | Int32Array | Uint8Array,
  b: number,
  L: number,
  d: number,
): tf.Tensor2D {
  const out = new Float32Array(b * L * d);
  for (let s = 0; s < b; s++) {
    for (let c = 0; c < d; c++) {
      let count = 0;
      for (let t = 0; t < L; t++) {
        out[(s * L + t) * d + c] = count + 1;
        if (x[(s * L + t) * d + c] !== 0) count++;
      }
    }
  }
  return tf.tensor2d(out, [b * L, d]);
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatF(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
