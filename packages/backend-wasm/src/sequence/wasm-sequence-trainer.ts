import {
  ConfigError,
  type DenseAdamState,
  requireInteger,
  type SequenceTrainer,
  type SequenceTrainerSpec,
} from '@bloom/core';
import { WeightedHostTable } from '@bloom/embeddings';
import { ArenaWeightedLookup } from '../arena-weighted-lookup.js';
import type { KernelArena } from '../kernels/kernel-arena.js';
import { sequenceKernelsModule } from '../kernels/kernel-memory.js';
import { KernelRecorder, KernelWorkers } from '../kernels/kernel-workers.js';
import type { SequenceKernels } from '../kernels/sequence-kernels.js';
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
import { ProjectionOutput, type SequenceOutputStep, sequenceNegatives, TiedOutput } from './outputs.js';

const F = 4;

/** One share of a minibatch: its network and output, their buffers, and its packing scratch. */
interface Replica {
  readonly network: SequenceNetwork;
  readonly output: SequenceOutputStep;
  pack: number;
  /** Sequences in this replica's share of the current minibatch. */
  b: number;
  /** Where its ids, vectors and gradients start within the minibatch's buffers (in ids). */
  first: number;
}

/**
 * The wasm backend's fused sequence trainer: a whole minibatch of Spotlight's ImplicitSequenceModel as kernels
 * (AssemblyScript, assembly/) over the item tables' own WebAssembly memory: the lookups, the network over all
 * timesteps, the scores and the loss, the backward pass through time, the sparse update of the item rows and Adam
 * on the dense weights. Its buffers are laid out once per batch size in the tables' arena; a step allocates none.
 * Each share of the batch runs time-major (row t b + s is position t of sequence s), so that each timestep is a
 * contiguous block.
 *
 * With `spec.threads` above 1 the minibatch is split by sequences into that many replicas: the first runs on this
 * thread, the others on worker threads replaying the replica's recorded kernel calls on the same shared memory.
 * Lookups, the sum of the replicas' weight gradients, Adam and the sparse updates run here, once per minibatch, so
 * the step is the one-thread step up to the order of float additions.
 */
export class WasmSequenceTrainer implements SequenceTrainer {
  readonly name = 'wasm-fused';
  readonly threads: number;
  readonly #spec: SequenceTrainerSpec;
  readonly #arena: KernelArena;
  /** The items' lookup: a hash-embeddings table's (weighted) or a plain table's. */
  readonly #items: ArenaLookup | ArenaWeightedLookup;
  readonly #bias: ArenaLookup | null;
  readonly #replicas: Replica[];
  readonly #recorders: (KernelRecorder | null)[];
  readonly #workers: KernelWorkers | null;
  readonly #sizes: readonly number[];
  readonly #total: number;
  /** Ids per position: the target, then (tied output) its sampled negatives. */
  readonly #perId: number;
  // The dense block: weights, their summed gradients and Adam's two moments (`#total` floats each), and one
  // gradient block per replica.
  readonly #dense: { weights: number; grads: number; first: number; second: number; replicaGrads: number };
  #steps = 0;
  #accBeta1: number;
  #accBeta2: number;
  #capacity = 0;
  #recordedFor = -1;
  #ids = 0;
  #vectors = 0;
  #dVectors = 0;
  #biases = 0;
  #dScores = 0;
  #countAt = 0;

  private constructor(
    spec: SequenceTrainerSpec,
    arena: KernelArena,
    items: WasmGatherTable | ArenaWeightedLookup,
    bias: WasmGatherTable | null,
    threads: number,
  ) {
    this.#spec = spec;
    this.#arena = arena;
    this.#items = items instanceof WasmGatherTable ? new ArenaLookup(spec.items, items, arena) : items;
    this.#bias = bias === null ? null : new ArenaLookup(spec.itemBias!, bias, arena);
    this.#perId = bias === null ? 1 : 1 + sequenceNegatives(spec);
    this.#workers =
      threads > 1
        ? KernelWorkers.create(arena.memory.wasmMemory, sequenceKernelsModule(), threads - 1)
        : null;
    this.threads = this.#workers === null ? 1 : threads;
    this.#recorders = Array.from({ length: this.threads }, (_, r) => (r === 0 ? null : new KernelRecorder()));
    this.#replicas = this.#recorders.map((recorder) =>
      this.#replica(recorder?.kernels ?? arena.memory.sequenceKernels),
    );
    const [first] = this.#replicas;
    this.#sizes = [...first!.network.weightSizes, ...first!.output.weightSizes];
    checkWeights('weights', spec.weights, this.#sizes);
    this.#total = this.#sizes.reduce((a, b) => a + b, 0);
    const take = this.#take;
    this.#dense = {
      weights: take(this.#total),
      grads: take(this.#total),
      first: take(this.#total),
      second: take(this.#total),
      replicaGrads: this.threads > 1 ? take(this.threads * this.#total) : 0,
    };
    const own = first!.network.weightSizes.length;
    this.#replicas.forEach((replica, r) => {
      const weights = this.#offsets(this.#dense.weights);
      const grads = this.#offsets(this.threads > 1 ? this.#replicaGrads(r) : this.#dense.grads);
      replica.network.bind({ weights: weights.slice(0, own), grads: grads.slice(0, own) });
      replica.output.bind({ weights: weights.slice(own), grads: grads.slice(own) });
    });
    this.setWeights(spec.weights);
    this.#accBeta1 = Math.fround(spec.adam.beta1);
    this.#accBeta2 = Math.fround(spec.adam.beta2);
  }

  /**
   * The trainer, or why the spec cannot train in place: its tables (a hash-embeddings table's pool and weights)
   * must be wasm tables of one arena.
   */
  static create(spec: SequenceTrainerSpec): WasmSequenceTrainer | string {
    const weighted = spec.items.strategy.combine === 'weighted';
    const items =
      spec.items.table instanceof WeightedHostTable ? spec.items.table.components : spec.items.table;
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
    if (spec.negatives !== undefined) requireInteger('negatives', spec.negatives, 1, 1024);
    const threads = spec.threads ?? 1;
    requireInteger('threads', threads, 1, 256);
    const lookup = weighted ? ArenaWeightedLookup.create(spec.items, 'items', items.arena) : items;
    if (typeof lookup === 'string') return lookup;
    return new WasmSequenceTrainer(spec, items.arena, lookup, bias, threads);
  }

  step(targets: Int32Array, negatives: Int32Array | null, b: number): number {
    const L = this.#spec.maxLength;
    requireInteger('b', b, 1, 1 << 20);
    if (targets.length !== b * L) {
      throw new ConfigError('targets', `${b} sequences of ${L} items (${b * L} ids)`, targets.length);
    }
    const perId = this.#perId;
    const n = b * L;
    const draws = perId - 1;
    if (draws > 0 && (negatives === null || negatives.length !== draws * n)) {
      throw new ConfigError(
        'negatives',
        `${draws === 1 ? 'one negative' : `${draws} negatives`} per position (${draws * n} ids)`,
        negatives?.length ?? null,
      );
    }
    this.#reserve(b);
    this.#split(b);
    const memory = this.#arena.memory;
    // Each replica's ids, time-major: its targets, then (tied output) each draw of its negatives.
    const ids = memory.i32(this.#ids, perId * n);
    let count = 0;
    for (const replica of this.#replicas) {
      const at = replica.first;
      const m = replica.b * L;
      for (let s = 0; s < replica.b; s++) {
        const sequence = (replica.first / perId / L + s) * L;
        for (let t = 0; t < L; t++) {
          const id = targets[sequence + t]!;
          const slot = at + t * replica.b + s;
          ids[slot] = id;
          if (id !== 0) count++;
          for (let j = 0; j < draws; j++) ids[slot + (1 + j) * m] = negatives![j * n + sequence + t]!;
        }
      }
    }
    memory.i32(this.#countAt, 1)[0] = count;
    const all = perId * n;
    // Every lookup (which validates its ids) runs before anything is written.
    this.#items.lookup(this.#ids, all, this.#vectors);
    this.#bias?.lookup(this.#ids, all, this.#biases);
    for (const replica of this.#replicas) {
      if (replica.b > 0) replica.output.lookup(this.#ids + replica.first * F, replica.b * L);
    }
    this.#workers?.start();
    let loss = this.#run(this.#replicas[0]!);
    if (this.#workers !== null) {
      this.#workers.finish();
      for (let w = 0; w < this.#workers.size; w++) {
        if (this.#replicas[w + 1]!.b === 0) continue;
        for (const call of this.#recorders[w + 1]!.returning) loss += this.#workers.result(w, call);
      }
      this.#arena.memory.sequenceKernels.column_sums(
        this.#dense.replicaGrads,
        this.threads,
        this.#total,
        this.#dense.grads,
        0,
      );
    }
    this.#adam();
    this.#items.update(this.#dVectors, all);
    this.#bias?.update(this.#dScores, all);
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

  /** Stops the worker threads; the buffers live in the tables' arena and are released with it. */
  dispose(): void {
    this.#workers?.dispose();
  }

  // A replica's network and output, running on `kernels` (this thread's, or a recorder's).
  #replica(kernels: SequenceKernels): Replica {
    const spec = this.#spec;
    const d = spec.dim;
    const replica: Replica = {
      network: undefined as unknown as SequenceNetwork,
      output: undefined as unknown as SequenceOutputStep,
      pack: 0,
      b: 0,
      first: 0,
    };
    const gemm: Gemm = (a, b, c, m, n, k, lda, ldb, ldc, flags) =>
      kernels.gemm(a, b, c, m, n, k, lda, ldb, ldc, flags, replica.pack);
    const context = { kernels, d, steps: spec.maxLength, gemm };
    (replica as { network: SequenceNetwork }).network =
      spec.representation === 'lstm'
        ? lstmNetwork(context)
        : spec.representation === 'cnn'
          ? cnnNetwork(context, spec.kernelWidth)
          : spec.representation === 'mixture'
            ? mixtureNetwork(context, spec.components)
            : poolingNetwork(context);
    (replica as { output: SequenceOutputStep }).output =
      spec.output.kind === 'tied'
        ? new TiedOutput(kernels, spec)
        : new ProjectionOutput(kernels, this.#arena.memory, spec.output.strategy, d, gemm);
    return replica;
  }

  // One replica's forward, loss and backward on its share (its kernels run them, or record them).
  #run(replica: Replica): number {
    if (replica.b === 0) return 0;
    const n = replica.b * this.#spec.maxLength;
    const ids = this.#ids + replica.first * F;
    const vectors = this.#vectors + replica.first * this.#spec.dim * F;
    const dVectors = this.#dVectors + replica.first * this.#spec.dim * F;
    const { network, output } = replica;
    output.slots.biases = this.#biases + replica.first * F;
    output.slots.dScores = this.#dScores + replica.first * F;
    output.slots.countAt = this.#countAt;
    const states = network.forward(vectors, replica.b);
    const loss = output.loss(states, vectors, ids, n);
    output.backward(states, vectors, network.dStates, dVectors, n);
    network.backward(vectors, dVectors, replica.b);
    return loss;
  }

  // Splits b sequences among the replicas (by whole sequences) and, when the split changed, records the workers'
  // replicas' calls for it.
  #split(b: number): void {
    const perId = this.#perId;
    const L = this.#spec.maxLength;
    const share = Math.ceil(b / this.threads);
    let first = 0;
    for (const [r, replica] of this.#replicas.entries()) {
      replica.b = Math.max(0, Math.min(share, b - r * share));
      replica.first = first;
      first += perId * replica.b * L;
    }
    if (this.#workers === null || this.#recordedFor === b) return;
    for (let w = 0; w < this.#workers.size; w++) {
      const recorder = this.#recorders[w + 1]!;
      const replica = this.#replicas[w + 1]!;
      recorder.reset();
      this.#run(replica);
      this.#workers.load(w, recorder.take(), recorder.calls);
      // An idle replica writes no gradients, so its block must add nothing to the sum.
      if (replica.b === 0) this.#arena.memory.f32(this.#replicaGrads(w + 1), this.#total).fill(0);
    }
    this.#recordedFor = b;
  }

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
    const L = this.#spec.maxLength;
    const d = this.#spec.dim;
    const ids = this.#perId * b * L;
    this.#ids = take(ids);
    this.#vectors = take(ids * d);
    this.#dVectors = take(ids * d);
    this.#countAt = take(4);
    this.#items.place(take, ids);
    if (this.#bias !== null) {
      this.#bias.place(take, ids);
      this.#biases = take(ids);
      this.#dScores = take(ids);
    }
    const share = Math.ceil(b / this.threads);
    const n = share * L;
    for (const replica of this.#replicas) {
      replica.network.place(take, share);
      replica.output.place(take, n);
      // Packing scratch for the largest product: every GEMM here has k at most `deepest` and n at most `widest`.
      const units = replica.output instanceof ProjectionOutput ? replica.output.weightSizes[1]! : 0;
      const widest = Math.max(4 * d, this.#spec.kernelWidth * d, replica.network.width, units);
      const deepest = Math.max(n, widest);
      replica.pack = take(deepest * (widest + 8) + 4 * deepest + 32);
    }
    this.#capacity = b;
    this.#recordedFor = -1;
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

  #replicaGrads(r: number): number {
    return this.#dense.replicaGrads + r * this.#total * F;
  }

  #offsets(base: number): number[] {
    let at = base;
    return this.#sizes.map((size) => {
      const here = at;
      at += size * F;
      return here;
    });
  }

  #blocks(base: number): Float32Array[] {
    return this.#offsets(base).map((at, i) => this.#arena.memory.f32(at, this.#sizes[i]!));
  }
}

function checkWeights(name: string, weights: readonly Float32Array[], sizes: readonly number[]): void {
  const given = weights.map((w) => w.length);
  if (given.length !== sizes.length || given.some((n, i) => n !== sizes[i])) {
    throw new ConfigError(name, `arrays of ${sizes.join(', ')} floats`, `arrays of ${given.join(', ')}`);
  }
}
