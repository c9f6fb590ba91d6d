import {
  ConfigError,
  type DenseAdamState,
  requireInteger,
  type SequenceTrainer,
  type SequenceTrainerSpec,
} from '@bloom/core';
import type { KernelArena } from '../kernels/kernel-arena.js';
import { WasmGatherTable } from '../tables/wasm-gather-table.js';
import { ArenaLookup, type Take } from './arena-lookup.js';
import {
  cnnNetwork,
  type Gemm,
  lstmNetwork,
  mixtureNetwork,
  poolingNetwork,
  type SequenceNetwork,
} from './networks.js';
import { ProjectionOutput, type SequenceOutputStep, TiedOutput } from './outputs.js';

const F = 4;

/**
 * The wasm backend's fused sequence trainer: a whole minibatch of Spotlight's ImplicitSequenceModel as kernels
 * (AssemblyScript, assembly/) over the item tables' own WebAssembly memory: the lookups, the network over all
 * timesteps, the scores and the loss, the backward pass through time, the sparse update of the item rows and Adam
 * on the dense weights. Its buffers are laid out once per batch size in the tables' arena; a step allocates none.
 * The batch runs time-major (row t b + s is position t of sequence s), so that each timestep is a contiguous block.
 */
export class WasmSequenceTrainer implements SequenceTrainer {
  readonly name = 'wasm-fused';
  readonly #spec: SequenceTrainerSpec;
  readonly #arena: KernelArena;
  readonly #items: ArenaLookup;
  readonly #network: SequenceNetwork;
  readonly #output: SequenceOutputStep;
  readonly #sizes: readonly number[];
  readonly #total: number;
  // The dense block: weights, gradients and Adam's two moments, each `#total` floats.
  readonly #dense: { weights: number; grads: number; first: number; second: number };
  #steps = 0;
  #accBeta1: number;
  #accBeta2: number;
  #capacity = 0;
  #ids = 0;
  #pack = 0;
  #vectors = 0;
  #dVectors = 0;

  private constructor(
    spec: SequenceTrainerSpec,
    arena: KernelArena,
    items: WasmGatherTable,
    bias: WasmGatherTable | null,
  ) {
    this.#spec = spec;
    this.#arena = arena;
    const d = spec.dim;
    const gemm: Gemm = (a, b, c, m, n, k, lda, ldb, ldc, flags) =>
      arena.memory.sequenceKernels.gemm(a, b, c, m, n, k, lda, ldb, ldc, flags, this.#pack);
    const context = { arena, d, steps: spec.maxLength, gemm };
    this.#network =
      spec.representation === 'lstm'
        ? lstmNetwork(context)
        : spec.representation === 'cnn'
          ? cnnNetwork(context, spec.kernelWidth)
          : spec.representation === 'mixture'
            ? mixtureNetwork(context, spec.components)
            : poolingNetwork(context);
    this.#items = new ArenaLookup(spec.items, items, arena);
    this.#output =
      spec.output.kind === 'tied'
        ? new TiedOutput(arena, new ArenaLookup(spec.itemBias!, bias!, arena), spec, this.#network.width)
        : new ProjectionOutput(arena, spec.output.strategy, d, gemm);
    this.#sizes = [...this.#network.weightSizes, ...this.#output.weightSizes];
    checkWeights('weights', spec.weights, this.#sizes);
    this.#total = this.#sizes.reduce((a, b) => a + b, 0);
    const take = this.#take;
    this.#dense = {
      weights: take(this.#total),
      grads: take(this.#total),
      first: take(this.#total),
      second: take(this.#total),
    };
    const slots = (base: number) => {
      let at = base;
      return this.#sizes.map((size) => {
        const here = at;
        at += size * F;
        return here;
      });
    };
    const weights = slots(this.#dense.weights);
    const grads = slots(this.#dense.grads);
    const own = this.#network.weightSizes.length;
    this.#network.bind({ weights: weights.slice(0, own), grads: grads.slice(0, own) });
    this.#output.bind({ weights: weights.slice(own), grads: grads.slice(own) });
    this.setWeights(spec.weights);
    this.#accBeta1 = Math.fround(spec.adam.beta1);
    this.#accBeta2 = Math.fround(spec.adam.beta2);
  }

  /** The trainer, or why the spec cannot train in place: its tables must be wasm tables of one arena. */
  static create(spec: SequenceTrainerSpec): WasmSequenceTrainer | string {
    const items = spec.items.table;
    if (!(items instanceof WasmGatherTable)) {
      return `the items table is not a WebAssembly table (${items.options.formulation ?? 'gather'} formulation, or the runtime lacks WebAssembly SIMD)`;
    }
    let bias: WasmGatherTable | null = null;
    if (spec.output.kind === 'tied') {
      const table = spec.itemBias?.table;
      if (!(table instanceof WasmGatherTable)) return 'the item bias table is not a WebAssembly table';
      if (table.arena !== items.arena) {
        return 'the item bias table does not share the items table’s WebAssembly memory';
      }
      bias = table;
    } else if (spec.representation === 'mixture') {
      return 'the mixture representation scores through the tied output only';
    }
    requireInteger('maxLength', spec.maxLength, 1, 1 << 16);
    return new WasmSequenceTrainer(spec, items.arena, items, bias);
  }

  step(targets: Int32Array, negatives: Int32Array | null, b: number): number {
    const L = this.#spec.maxLength;
    requireInteger('b', b, 1, 1 << 20);
    if (targets.length !== b * L) {
      throw new ConfigError('targets', `${b} sequences of ${L} items (${b * L} ids)`, targets.length);
    }
    const tied = this.#output instanceof TiedOutput;
    if (tied && (negatives === null || negatives.length !== b * L)) {
      throw new ConfigError(
        'negatives',
        `one negative per position (${b * L} ids)`,
        negatives?.length ?? null,
      );
    }
    this.#reserve(b);
    const n = b * L;
    const memory = this.#arena.memory;
    // Time-major ids: the targets, then (tied output) the negatives.
    const ids = memory.i32(this.#ids, tied ? 2 * n : n);
    for (let s = 0; s < b; s++) {
      for (let t = 0; t < L; t++) {
        ids[t * b + s] = targets[s * L + t]!;
        if (tied) ids[n + t * b + s] = negatives![s * L + t]!;
      }
    }
    const count = tied ? 2 * n : n;
    // Every lookup (which validates its ids) runs before anything is written.
    this.#items.lookup(this.#ids, count, this.#vectors);
    this.#output.lookup(this.#ids, n);
    const states = this.#network.forward(this.#vectors, b);
    const loss = this.#output.loss(states, this.#vectors, this.#ids, n);
    this.#output.backward(states, this.#vectors, this.#network.dStates, this.#dVectors, n);
    this.#network.backward(this.#vectors, this.#dVectors, b);
    this.#adam();
    this.#items.update(this.#dVectors, count);
    this.#output.update(n);
    return loss;
  }

  weights(): Float32Array[] {
    return this.#blocks(this.#dense.weights).map((view) => view.slice());
  }

  setWeights(weights: readonly Float32Array[]): void {
    checkWeights('weights', weights, this.#sizes);
    for (const [i, view] of this.#blocks(this.#dense.weights).entries()) view.set(weights[i]!);
  }

  adamState(): DenseAdamState {
    return {
      steps: this.#steps,
      first: this.#blocks(this.#dense.first).map((view) => view.slice()),
      second: this.#blocks(this.#dense.second).map((view) => view.slice()),
    };
  }

  setAdamState(state: DenseAdamState): void {
    requireInteger('steps', state.steps, 0, Number.MAX_SAFE_INTEGER);
    for (const [name, moments, at] of [
      ['first', state.first, this.#dense.first],
      ['second', state.second, this.#dense.second],
    ] as const) {
      if (moments.length === 0) {
        this.#arena.memory.f32(at, this.#total).fill(0);
        continue;
      }
      checkWeights(name, moments, this.#sizes);
      for (const [i, view] of this.#blocks(at).entries()) view.set(moments[i]!);
    }
    const { beta1, beta2 } = this.#spec.adam;
    this.#steps = state.steps;
    // As tf.train.adam's setWeights: the accumulated powers for the next step.
    this.#accBeta1 = Math.fround(beta1 ** (state.steps + 1));
    this.#accBeta2 = Math.fround(beta2 ** (state.steps + 1));
  }

  /** The buffers live in the tables' arena and are released with it. */
  dispose(): void {}

  // One Adam step on the whole dense block (elementwise, so one call serves every weight), as tf.train.adam runs
  // it: the bias corrections from its float32 running powers of beta.
  #adam(): void {
    if (this.#total === 0) return;
    const { lr, beta1, beta2, epsilon, weightDecay } = this.#spec.adam;
    const { weights, grads, first, second } = this.#dense;
    this.#arena.memory.sequenceKernels.adam_dense(
      weights,
      grads,
      first,
      second,
      this.#total,
      lr,
      beta1,
      beta2,
      epsilon,
      weightDecay,
      Math.fround(1 - this.#accBeta1),
      Math.fround(1 - this.#accBeta2),
    );
    this.#steps++;
    this.#accBeta1 = Math.fround(this.#accBeta1 * beta1);
    this.#accBeta2 = Math.fround(this.#accBeta2 * beta2);
  }

  // Lays out the step's buffers for b sequences, unless a larger batch's already fit.
  #reserve(b: number): void {
    if (b <= this.#capacity) return;
    const take = this.#take;
    const n = b * this.#spec.maxLength;
    const ids = this.#output instanceof TiedOutput ? 2 * n : n;
    this.#ids = take(ids);
    // Packing scratch for the largest product: every GEMM here has k at most `deepest` and n at most `widest`.
    const d = this.#spec.dim;
    const units = this.#output instanceof ProjectionOutput ? this.#output.weightSizes[1]! : 0;
    const widest = Math.max(4 * d, this.#spec.kernelWidth * d, this.#network.width, units);
    const deepest = Math.max(n, widest);
    this.#pack = take(deepest * (widest + 8) + 4 * deepest + 32);
    this.#vectors = take(ids * this.#spec.dim);
    this.#dVectors = take(ids * this.#spec.dim);
    this.#items.place(take, ids);
    this.#network.place(take, b);
    this.#output.place(take, n);
    this.#capacity = b;
  }

  readonly #take: Take = (floats) => {
    const at = this.#arena.allocate(floats * F);
    if (at === null) {
      throw new ConfigError(
        'batchSize',
        'a batch size whose step buffers fit beside the tables in WebAssembly’s 4 GiB',
        floats,
      );
    }
    return at;
  };

  #blocks(base: number): Float32Array[] {
    let at = base;
    return this.#sizes.map((size) => {
      const view = this.#arena.memory.f32(at, size);
      at += size * F;
      return view;
    });
  }
}

function checkWeights(name: string, weights: readonly Float32Array[], sizes: readonly number[]): void {
  const given = weights.map((w) => w.length);
  if (given.length !== sizes.length || given.some((n, i) => n !== sizes[i])) {
    throw new ConfigError(name, `arrays of ${sizes.join(', ')} floats`, `arrays of ${given.join(', ')}`);
  }
}
