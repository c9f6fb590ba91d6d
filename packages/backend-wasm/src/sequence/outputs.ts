import type { EmbeddingStrategy, SequenceLoss, SequenceTrainerSpec } from '@bloom/core';
import type { KernelArena } from '../kernels/kernel-arena.js';
import type { ArenaLookup, Take } from './arena-lookup.js';
import { type Gemm, TRANSPOSE_A, TRANSPOSE_B, type WeightSlots } from './networks.js';

/** How the sequence trainer scores the next item and takes the loss: the tied output or a projection. */
export interface SequenceOutputStep {
  /** Sizes of the output's dense weights (after the network's, in the spec's order). */
  readonly weightSizes: readonly number[];
  bind(slots: WeightSlots): void;
  /** Places the buffers for n positions. */
  place(take: Take, n: number): void;
  /** Looks up what the output reads per id (validating the ids) before anything changes. */
  lookup(idsAt: number, n: number): void;
  /** The loss of the states against the targets (ids at `idsAt`, 0 masked), keeping its score gradients. */
  loss(states: number, vectors: number, idsAt: number, n: number): number;
  /** Writes the states' gradients to `dStates` and the item vectors' to `dVectors`, and the weights'. */
  backward(states: number, vectors: number, dStates: number, dVectors: number, n: number): void;
  /** Applies the output's own sparse updates (the item biases). */
  update(n: number): void;
}

const LOSS_KINDS: Record<SequenceLoss, number> = { pointwise: 0, bpr: 1, hinge: 2 };
const F = 4;

/**
 * Spotlight's tied output: the state against the target's item vector plus its bias, for the positive and one
 * sampled negative per position (the ids after the n targets), with the spec's implicit loss. The mixture
 * representation scores through mixture_scores, whose user vector depends on the target.
 */
export class TiedOutput implements SequenceOutputStep {
  readonly weightSizes = [];
  readonly #kind: number;
  readonly #components: number;
  readonly #d: number;
  #biases = 0;
  #scores = 0;
  #dScores = 0;
  #mixture = 0;

  constructor(
    readonly arena: KernelArena,
    readonly bias: ArenaLookup,
    spec: SequenceTrainerSpec,
    readonly width: number,
  ) {
    this.#kind = LOSS_KINDS[spec.loss];
    this.#components = spec.representation === 'mixture' ? spec.components : 0;
    this.#d = spec.dim;
  }

  bind(): void {}

  place(take: Take, n: number): void {
    this.bias.place(take, 2 * n);
    this.#biases = take(2 * n);
    this.#scores = take(2 * n);
    this.#dScores = take(2 * n);
    if (this.#components > 0) this.#mixture = take(2 * n * this.#components);
  }

  lookup(idsAt: number, n: number): void {
    this.bias.lookup(idsAt, 2 * n, this.#biases);
  }

  loss(states: number, vectors: number, idsAt: number, n: number): number {
    const k = this.arena.memory.sequenceKernels;
    const pos = this.#scores;
    const neg = pos + n * F;
    if (this.#components > 0) {
      k.mixture_scores(states, vectors, this.#biases, n, this.#d, this.#components, pos, neg, this.#mixture);
    } else {
      k.tied_scores(states, vectors, this.#biases, n, this.#d, pos, neg);
    }
    return k.tied_loss(this.#kind, pos, neg, idsAt, n, this.#dScores, this.#dScores + n * F);
  }

  backward(states: number, vectors: number, dStates: number, dVectors: number, n: number): void {
    const k = this.arena.memory.sequenceKernels;
    const dpos = this.#dScores;
    const dneg = dpos + n * F;
    if (this.#components > 0) {
      k.mixture_backward(
        states,
        vectors,
        this.#mixture,
        dpos,
        dneg,
        n,
        this.#d,
        this.#components,
        dStates,
        dVectors,
      );
    } else {
      k.tied_backward(states, vectors, dpos, dneg, n, this.#d, dStates, dVectors);
    }
  }

  update(n: number): void {
    // The bias gradients are the score gradients: positives' then negatives', as the ids are laid out.
    this.bias.update(this.#dScores, 2 * n);
  }
}

/**
 * A dense layer from the state onto the units of `strategy` (the Bloom output layer; with one unit per item,
 * the full softmax), trained with the cross-entropy against each target's k units (softmax_xent). It reads no
 * item vector, so the vectors' gradients come only through the network's inputs.
 */
export class ProjectionOutput implements SequenceOutputStep {
  readonly weightSizes: readonly number[];
  readonly #units: number;
  #weights = 0;
  #bias = 0;
  #gWeights = 0;
  #gBias = 0;
  #logits = 0;
  #positions = 0;

  constructor(
    readonly arena: KernelArena,
    readonly strategy: EmbeddingStrategy,
    readonly dim: number,
    readonly gemm: Gemm,
  ) {
    this.#units = strategy.tableRows;
    this.weightSizes = [dim * this.#units, this.#units];
  }

  bind({ weights, grads }: WeightSlots): void {
    [this.#weights, this.#bias] = weights as [number, number];
    [this.#gWeights, this.#gBias] = grads as [number, number];
  }

  place(take: Take, n: number): void {
    this.#logits = take(n * this.#units);
    this.#positions = take(n * this.strategy.rowsPerId);
  }

  lookup(idsAt: number, n: number): void {
    const memory = this.arena.memory;
    this.strategy.rowsFor(memory.i32(idsAt, n), memory.i32(this.#positions, n * this.strategy.rowsPerId));
  }

  loss(states: number, _vectors: number, idsAt: number, n: number): number {
    const k = this.arena.memory.sequenceKernels;
    const m = this.#units;
    const d = this.dim;
    this.gemm(states, this.#weights, this.#logits, n, m, d, d, m, m, 0);
    k.add_rows(this.#logits, n, m, this.#bias);
    return k.softmax_xent(this.#logits, n, m, this.#positions, this.strategy.rowsPerId, idsAt);
  }

  backward(states: number, _vectors: number, dStates: number, dVectors: number, n: number): void {
    const k = this.arena.memory.sequenceKernels;
    const m = this.#units;
    const d = this.dim;
    const dLogits = this.#logits;
    this.gemm(dLogits, this.#weights, dStates, n, d, m, m, m, d, TRANSPOSE_B);
    this.gemm(states, dLogits, this.#gWeights, d, m, n, d, m, m, TRANSPOSE_A);
    k.column_sums(dLogits, n, m, this.#gBias, 0);
    this.arena.memory.f32(dVectors, n * d).fill(0);
  }

  update(): void {}
}
