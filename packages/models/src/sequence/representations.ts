import { Rng } from '@bloom/core';
import * as tf from '@tensorflow/tfjs';

/**
 * A sequence representation in TensorFlow.js: from the item embeddings of a batch of sequences ([B, L, d]) to
 * one user vector per position ([B, L + 1, d]). Output t may only see items before t; output L has seen them all.
 */
export interface SequenceRepresentation {
  readonly variables: readonly tf.Variable[];
  /** Values per user state: d, or more where the score depends on the target (mixture). */
  readonly width: number;
  /** [B, L, d] item embeddings to [B, L + 1, width] user states. */
  represent(inputs: tf.Tensor3D): tf.Tensor3D;
  /** Scores of n (user state, target embedding) pairs: [n, width] and [n, d] to [n]. */
  score(users: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D;
  /** Scores of every item for one user state: [1, width] and [n, d] to [n]. */
  scoreAll(user: tf.Tensor2D, items: tf.Tensor2D): tf.Tensor1D;
}

/** The representations that run in TensorFlow.js. */
export type NetworkRepresentationName = 'lstm' | 'cnn' | 'mixture';

// lstm and cnn: the user state is a d-vector scored by its dot product with the target.
const dotScoring = {
  score: (users: tf.Tensor2D, targets: tf.Tensor2D) => tf.sum(tf.mul(users, targets), 1) as tf.Tensor1D,
  scoreAll: (user: tf.Tensor2D, items: tf.Tensor2D) =>
    tf.matMul(user, items, false, true).reshape([items.shape[0]]) as tf.Tensor1D,
};

// tfjs variables need process-wide unique names: two models with the same seed may coexist.
let created = 0;
export const uniqueTag = (kind: string): string => `bloom-${kind}-${++created}`;

// torch's default initialisation for LSTM and convolution weights: uniform in +-1/sqrt(fan in).
function uniformVariable(rng: Rng, shape: number[], bound: number, name: string): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.variable(tf.tensor(rng.fillUniform(new Float32Array(n), -bound, bound), shape), true, name);
}

/** Spotlight's `lstm`: one LSTM(d, d) reading a zero vector, then the items (torch's gate order i, f, g, o). */
export function lstmRepresentation(d: number, seed: number): SequenceRepresentation {
  const rng = new Rng(seed);
  const bound = 1 / Math.sqrt(d);
  const tag = uniqueTag('lstm');
  const kernel = uniformVariable(rng, [d, 4 * d], bound, `${tag}-kernel`);
  const recurrent = uniformVariable(rng, [d, 4 * d], bound, `${tag}-recurrent`);
  const bias = uniformVariable(rng, [4 * d], bound, `${tag}-bias`);
  return {
    variables: [kernel, recurrent, bias],
    width: d,
    ...dotScoring,
    represent(inputs) {
      const [b, L] = inputs.shape;
      let h: tf.Tensor2D = tf.zeros([b, d]);
      let c: tf.Tensor2D = tf.zeros([b, d]);
      const outputs: tf.Tensor2D[] = [];
      for (let t = 0; t <= L; t++) {
        const x =
          t === 0
            ? tf.zeros([b, d])
            : (inputs.slice([0, t - 1, 0], [b, 1, d]).reshape([b, d]) as tf.Tensor2D);
        const z = tf.add(tf.add(tf.matMul(x, kernel), tf.matMul(h, recurrent)), bias);
        const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c));
        outputs.push(h);
      }
      return tf.stack(outputs, 1) as tf.Tensor3D;
    },
  };
}

/**
 * Spotlight's `cnn` (its defaults: one layer, kernel width 3, tanh, residual connection): a causal convolution over
 * the items, left-padded so output t sees only items before t, plus the previous item as the residual.
 */
export function cnnRepresentation(d: number, seed: number, kernelWidth = 3): SequenceRepresentation {
  const rng = new Rng(seed);
  const bound = 1 / Math.sqrt(d * kernelWidth);
  const tag = uniqueTag('cnn');
  const filter = uniformVariable(rng, [kernelWidth, d, d], bound, `${tag}-filter`);
  const bias = uniformVariable(rng, [d], bound, `${tag}-bias`);
  return {
    variables: [filter, bias],
    width: d,
    ...dotScoring,
    represent(inputs) {
      const padded = tf.pad(inputs, [
        [0, 0],
        [kernelWidth, 0],
        [0, 0],
      ]);
      // The convolution as one matrix product over the kw shifted copies (im2col): the same arithmetic as
      // conv1d, but only slice, concat and matMul, whose gradients every tfjs backend has (wasm lacks conv's).
      const [b, L] = inputs.shape;
      const windows = tf.concat(
        Array.from({ length: kernelWidth }, (_, j) => padded.slice([0, j, 0], [b, L + 1, d])),
        2,
      );
      const product = tf.matMul(
        windows.reshape([b * (L + 1), kernelWidth * d]),
        filter.reshape([kernelWidth * d, d]),
      );
      const convolved = tf.tanh(tf.add(product.reshape([b, L + 1, d]), bias));
      const residual = tf.pad(inputs, [
        [0, 0],
        [1, 0],
        [0, 0],
      ]);
      return tf.add(convolved, residual) as tf.Tensor3D;
    },
  };
}

/**
 * Spotlight's `mixture` (MixtureLSTMNet, 4 components): the LSTM's state projected (a width-1 convolution, so a
 * linear layer with bias) to M taste vectors and M attention vectors. For a target item, softmax over the
 * components of (attention . target) weighs the tastes into the user vector, which is dotted with the target:
 * the user's representation depends on the item scored.
 */
export function mixtureRepresentation(d: number, seed: number, components = 4): SequenceRepresentation {
  const lstm = lstmRepresentation(d, seed);
  const rng = Rng.stream(seed, 'mixture');
  const bound = 1 / Math.sqrt(d);
  const tag = uniqueTag('mixture');
  const width = 2 * components * d;
  // Output channel c = component * d + j, with the M tastes first, then the M attentions (Spotlight's view).
  const projection = uniformVariable(rng, [d, width], bound, `${tag}-projection`);
  const projectionBias = uniformVariable(rng, [width], bound, `${tag}-projection-bias`);
  const M = components;
  const split = (users: tf.Tensor2D) => {
    const n = users.shape[0];
    const parts = users.reshape([n, 2 * M, d]);
    return [parts.slice([0, 0, 0], [n, M, d]), parts.slice([0, M, 0], [n, M, d])] as const;
  };
  return {
    variables: [...lstm.variables, projection, projectionBias],
    width,
    represent(inputs) {
      const [b, L] = inputs.shape;
      const states = lstm.represent(inputs).reshape([b * (L + 1), d]);
      return tf.add(tf.matMul(states, projection), projectionBias).reshape([b, L + 1, width]) as tf.Tensor3D;
    },
    score(users, targets) {
      const [tastes, attentions] = split(users);
      const target = targets.expandDims(1); // [n, 1, d]
      const weights = tf.softmax(tf.sum(tf.mul(attentions, target), 2), 1); // [n, M]
      const user = tf.sum(tf.mul(weights.expandDims(2), tastes), 1); // [n, d]
      return tf.sum(tf.mul(user, targets), 1) as tf.Tensor1D;
    },
    scoreAll(user, items) {
      const [tastes, attentions] = split(user).map((t) => t.reshape([M, d]) as tf.Tensor2D) as [
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      const weights = tf.softmax(tf.matMul(items, attentions, false, true), 1); // [n, M]
      const users = tf.matMul(weights, tastes); // [n, d]
      return tf.sum(tf.mul(users, items), 1) as tf.Tensor1D;
    },
  };
}

/** The representations by name. */
export const networkRepresentations: Record<
  NetworkRepresentationName,
  (d: number, seed: number) => SequenceRepresentation
> = {
  lstm: lstmRepresentation,
  cnn: cnnRepresentation,
  mixture: mixtureRepresentation,
};
