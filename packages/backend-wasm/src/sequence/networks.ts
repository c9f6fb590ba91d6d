import type { SequenceKernels } from '../kernels/sequence-kernels.js';
import type { Take } from './arena-lookup.js';

/** Where a network's weights and their gradients are in the arena (byte offsets, in the spec's order). */
export interface WeightSlots {
  readonly weights: readonly number[];
  readonly grads: readonly number[];
}

/**
 * A sequence representation run as kernels over a time-major batch: row t b + s of every [L b, .] buffer is
 * position t of sequence s. Output t of the states sees only the items before t.
 */
export interface SequenceNetwork {
  /** Floats per state: d, or 2 M d for the mixture. */
  readonly width: number;
  /** Sizes of the dense weights, in the spec's order. */
  readonly weightSizes: readonly number[];
  /** Binds the network to its weights' places once the dense block is laid out. */
  bind(slots: WeightSlots): void;
  /** Places the buffers for b sequences. */
  place(take: Take, b: number): void;
  /** The states [L b, width] from the item vectors x [L b, d] (position t's target vector at row t b + s). */
  forward(x: number, b: number): number;
  /** Where the states' gradients [L b, width] go before {@link backward}. */
  readonly dStates: number;
  /** From dStates: adds the item vectors' gradients into dx [L b, d] and writes the weights' gradients. */
  backward(x: number, dx: number, b: number): void;
}

/** C (+)= A B (see assembly/gemm.ts), with the trainer's packing scratch. */
export { ACCUMULATE, TRANSPOSE_A, TRANSPOSE_B };

export type Gemm = (
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  lda: number,
  ldb: number,
  ldc: number,
  flags: number,
) => void;

// gemm's flags (assembly/gemm.ts): add to C; read A as [k, m]; read B as [n, k].
const ACCUMULATE = 1;
const TRANSPOSE_A = 2;
const TRANSPOSE_B = 4;

/**
 * What a network runs with: its kernels (the memory's own, or a recorder whose calls a worker thread replays),
 * the width d, the number of timesteps, and the GEMM with its packing scratch.
 */
export type Context = { kernels: SequenceKernels; d: number; steps: number; gemm: Gemm };
const F = 4;

/** Spotlight's pooling: no weights; the running mean of the items before each position. */
export function poolingNetwork({ kernels, d, steps }: Context): SequenceNetwork {
  let states = 0;
  let divisors = 0;
  let carry = 0;
  return {
    width: d,
    weightSizes: [],
    dStates: 0,
    bind() {},
    place(take, b) {
      const n = steps * b * d;
      states = take(n);
      divisors = take(n);
      this.dStates = take(n);
      carry = take(b * d);
    },
    forward(x, b) {
      kernels.pooling_forward(x, states, divisors, carry, steps, b, d);
      return states;
    },
    backward(_x, dx, b) {
      kernels.pooling_backward(this.dStates, divisors, dx, carry, steps, b, d);
    },
  } as SequenceNetwork & { dStates: number };
}

/** Spotlight's cnn: a causal convolution of width kw (im2col and one GEMM), tanh, plus the previous item. */
export function cnnNetwork({ kernels: k, d, steps, gemm }: Context, kw: number): SequenceNetwork {
  let filter = 0;
  let bias = 0;
  let gFilter = 0;
  let gBias = 0;
  let windows = 0;
  let activated = 0;
  let states = 0;
  let dPre = 0;
  let dWindows = 0;
  return {
    width: d,
    weightSizes: [kw * d * d, d],
    dStates: 0,
    bind({ weights, grads }) {
      [filter, bias] = weights as [number, number];
      [gFilter, gBias] = grads as [number, number];
    },
    place(take, b) {
      const n = steps * b;
      windows = take(n * kw * d);
      activated = take(n * d);
      states = take(n * d);
      this.dStates = take(n * d);
      dPre = take(n * d);
      dWindows = take(n * kw * d);
    },
    forward(x, b) {
      const n = steps * b;
      k.im2col(x, windows, steps, b, d, kw);
      gemm(windows, filter, activated, n, d, kw * d, kw * d, d, d, 0);
      k.add_rows(activated, n, d, bias);
      k.cnn_output(activated, x, states, steps, b, d);
      return states;
    },
    backward(_x, dx, b) {
      const n = steps * b;
      k.cnn_output_backward(activated, this.dStates, dPre, dx, steps, b, d);
      gemm(windows, dPre, gFilter, kw * d, d, n, kw * d, d, d, TRANSPOSE_A);
      k.column_sums(dPre, n, d, gBias, 0);
      gemm(dPre, filter, dWindows, n, kw * d, d, d, d, kw * d, TRANSPOSE_B);
      k.col2im_add(dWindows, dx, steps, b, d, kw);
    },
  } as SequenceNetwork & { dStates: number };
}

/**
 * Spotlight's lstm: torch's LSTM(d, d) reading a zero vector, then the items. The input products of all steps
 * are one GEMM, the recurrent ones a GEMM per step; backward through time runs the same way in reverse, and the
 * weights' gradients are again GEMMs over all steps at once.
 */
export function lstmNetwork({
  kernels: k,
  d,
  steps,
  gemm,
}: Context): SequenceNetwork & { readonly hiddenStates: number } {
  const g = 4 * d;
  let kernel = 0;
  let recurrent = 0;
  let bias = 0;
  let gKernel = 0;
  let gRecurrent = 0;
  let gBias = 0;
  let gates = 0;
  let cells = 0;
  let tanhCells = 0;
  let hidden = 0;
  let dCell = 0;
  let dGates = 0;
  return {
    width: d,
    weightSizes: [d * g, d * g, g],
    dStates: 0,
    get hiddenStates() {
      return hidden;
    },
    bind({ weights, grads }) {
      [kernel, recurrent, bias] = weights as [number, number, number];
      [gKernel, gRecurrent, gBias] = grads as [number, number, number];
    },
    place(take, b) {
      const n = steps * b;
      gates = take(n * g);
      cells = take(n * d);
      tanhCells = take(n * d);
      hidden = take(n * d);
      this.dStates = take(n * d);
      dCell = take(b * d);
      dGates = take(n * g);
    },
    forward(x, b) {
      const n = steps * b;
      const rest = n - b;
      // Step 0 reads the zero vector; step t > 0 reads item t - 1.
      k.fill_zero(gates, b * g);
      gemm(x, kernel, gates + b * g * F, rest, g, d, d, g, g, 0);
      k.add_rows(gates, n, g, bias);
      for (let t = 0; t < steps; t++) {
        const z = gates + t * b * g * F;
        if (t > 0) gemm(hidden + (t - 1) * b * d * F, recurrent, z, b, g, d, d, g, g, 1);
        const previous = t > 0 ? cells + (t - 1) * b * d * F : 0;
        const at = t * b * d * F;
        k.lstm_forward(z, previous, cells + at, tanhCells + at, hidden + at, b, d);
      }
      return hidden;
    },
    backward(x, dx, b) {
      const n = steps * b;
      const rest = n - b;
      const dHidden = this.dStates;
      k.fill_zero(dCell, b * d);
      for (let t = steps - 1; t >= 0; t--) {
        const dh = dHidden + t * b * d * F;
        if (t < steps - 1) {
          gemm(dGates + (t + 1) * b * g * F, recurrent, dh, b, d, g, g, g, d, ACCUMULATE | TRANSPOSE_B);
        }
        const previous = t > 0 ? cells + (t - 1) * b * d * F : 0;
        k.lstm_backward(
          gates + t * b * g * F,
          previous,
          tanhCells + t * b * d * F,
          dh,
          dCell,
          dGates + t * b * g * F,
          b,
          d,
        );
      }
      const later = dGates + b * g * F;
      gemm(x, later, gKernel, d, g, rest, d, g, g, TRANSPOSE_A);
      gemm(hidden, later, gRecurrent, d, g, rest, d, g, g, TRANSPOSE_A);
      k.column_sums(dGates, n, g, gBias, 0);
      gemm(later, kernel, dx, rest, d, g, g, g, d, ACCUMULATE | TRANSPOSE_B);
    },
  } as SequenceNetwork & { dStates: number; readonly hiddenStates: number };
}

/**
 * Spotlight's mixture: the lstm's states projected (with a bias) to M tastes and M attentions; the scoring that
 * mixes them per target is the tied output's (mixture_scores).
 */
export function mixtureNetwork(context: Context, components: number): SequenceNetwork {
  const { kernels: k, d, steps, gemm } = context;
  const lstm = lstmNetwork(context);
  const width = 2 * components * d;
  let projection = 0;
  let projectionBias = 0;
  let gProjection = 0;
  let gProjectionBias = 0;
  let states = 0;
  return {
    width,
    weightSizes: [...lstm.weightSizes, d * width, width],
    dStates: 0,
    bind({ weights, grads }) {
      lstm.bind({ weights: weights.slice(0, 3), grads: grads.slice(0, 3) });
      [projection, projectionBias] = weights.slice(3) as [number, number];
      [gProjection, gProjectionBias] = grads.slice(3) as [number, number];
    },
    place(take, b) {
      lstm.place(take, b);
      const n = steps * b;
      states = take(n * width);
      this.dStates = take(n * width);
    },
    forward(x, b) {
      const n = steps * b;
      const hidden = lstm.forward(x, b);
      gemm(hidden, projection, states, n, width, d, d, width, width, 0);
      k.add_rows(states, n, width, projectionBias);
      return states;
    },
    backward(x, dx, b) {
      const n = steps * b;
      gemm(this.dStates, projection, lstm.dStates, n, d, width, width, width, d, TRANSPOSE_B);
      gemm(lstm.hiddenStates, this.dStates, gProjection, d, width, n, d, width, width, TRANSPOSE_A);
      k.column_sums(this.dStates, n, width, gProjectionBias, 0);
      lstm.backward(x, dx, b);
    },
  } as SequenceNetwork & { dStates: number };
}
