import {
  type EmbeddingStrategy,
  negativesPerPositive,
  type SequenceLoss,
  type SequenceTrainerSpec,
} from '@bloom/core';
import type { KernelMemory } from '../kernels/kernel-memory.js';
import type { SequenceKernels } from '../kernels/sequence-kernels.js';
import type { Take } from './arena-lookup.js';
import { type Gemm, TRANSPOSE_A, TRANSPOSE_B, type WeightSlots } from './networks.js';

/**
 * Where a replica's output reads and writes what the trainer keeps for the whole minibatch (byte offsets): the
 * item biases its ids looked up and their gradients (the tied output's), and the minibatch's count of positions
 * that are not padding, by which every replica divides its share of the loss.
 */
export interface OutputSlots {
  biases: number;
  dScores: number;
  countAt: number;
}

/** How the sequence trainer scores the next item and takes the loss: the tied output or a projection. */
export interface SequenceOutputStep {
  /** Sizes of the output's dense weights (after the network's, in the spec's order). */
  readonly weightSizes: readonly number[];
  /** Whether the output scores sampled negatives and item biases (the tied output). */
  readonly tied: boolean;
  readonly slots: OutputSlots;
  bind(slots: WeightSlots): void;
  /** Places the buffers for n positions. */
  place(take: Take, n: number): void;
  /** Host work before the kernels, per minibatch: the units of the n targets at `idsAt` (a projection's). */
  lookup(idsAt: number, n: number): void;
  /** The loss of the states against the targets (ids at `idsAt`, 0 masked), keeping its score gradients. */
  loss(states: number, vectors: number, idsAt: number, n: number): number;
  /** Writes the states' gradients to `dStates` and the item vectors' to `dVectors`, and the weights'. */
  backward(states: number, vectors: number, dStates: number, dVectors: number, n: number): void;
}

// The adaptive hinge is the hinge (kind 2) against the highest-scoring negative.
const LOSS_KINDS: Record<SequenceLoss, number> = { pointwise: 0, bpr: 1, hinge: 2, 'adaptive-hinge': 2 };
const F = 4;

/**
 * Spotlight's tied output: the state against the target's item vector plus its bias, for the positive and the
 * sampled negatives of each position (the ids after the n targets: `negatives` blocks of n), with the spec's
 * implicit loss. With several negatives (the adaptive hinge) the highest-scoring one per position is copied to a
 * block of its own, the loss and backward pass run against it, and its gradients are routed back to its draw
 * (every other draw's are zero). The mixture representation scores through mixture_scores, whose user vector
 * depends on the target. The bias lookup and update are the trainer's (one for the whole minibatch); this reads
 * and writes its replica's part.
 */
export class TiedOutput implements SequenceOutputStep {
  readonly weightSizes = [];
  readonly tied = true;
  readonly slots: OutputSlots = { biases: 0, dScores: 0, countAt: 0 };
  readonly #kind: number;
  readonly #components: number;
  readonly #d: number;
  /** Sampled negatives per position. */
  readonly negatives: number;
  #scores = 0;
  #mixture = 0;
  // The adaptive hinge's: every draw's scores [negatives, n], the chosen draw of each position, its vector and
  // bias, and their gradients.
  #drawScores = 0;
  #chosen = 0;
  #chosenX = 0;
  #chosenBias = 0;
  #dChosenX = 0;
  #dChosenBias = 0;

  constructor(
    readonly kernels: SequenceKernels,
    spec: SequenceTrainerSpec,
  ) {
    this.#kind = LOSS_KINDS[spec.loss];
    this.#components = spec.representation === 'mixture' ? spec.components : 0;
    this.#d = spec.dim;
    this.negatives = sequenceNegatives(spec);
  }

  bind(): void {}

  place(take: Take, n: number): void {
    this.#scores = take(2 * n);
    if (this.#components > 0) this.#mixture = take(2 * n * this.#components);
    if (this.negatives > 1) {
      this.#drawScores = take(this.negatives * n);
      this.#chosen = take(n);
      this.#chosenX = take(n * this.#d);
      this.#chosenBias = take(n);
      this.#dChosenX = take(n * this.#d);
      this.#dChosenBias = take(n);
    }
  }

  lookup(): void {}

  loss(states: number, vectors: number, idsAt: number, n: number): number {
    const k = this.kernels;
    const d = this.#d;
    const { biases, dScores, countAt } = this.slots;
    const pos = this.#scores;
    const neg = pos + n * F;
    const draws = this.negatives;
    if (draws > 1) {
      // Each draw scored against the states (the positive's score is rewritten each time, the same each time).
      for (let j = 0; j < draws; j++) {
        const at = (1 + j) * n;
        this.#score(
          states,
          vectors,
          vectors + at * d * F,
          biases,
          biases + at * F,
          n,
          pos,
          this.#drawScores + j * n * F,
        );
      }
      k.hardest_negatives(
        this.#drawScores,
        vectors + n * d * F,
        biases + n * F,
        n,
        d,
        draws,
        this.#chosen,
        this.#chosenX,
        this.#chosenBias,
      );
    }
    const [xn, bn] = draws > 1 ? [this.#chosenX, this.#chosenBias] : [vectors + n * d * F, biases + n * F];
    this.#score(states, vectors, xn, biases, bn, n, pos, neg);
    const dneg = draws > 1 ? this.#dChosenBias : dScores + n * F;
    return k.tied_loss(this.#kind, pos, neg, idsAt, n, dScores, dneg, countAt);
  }

  backward(states: number, vectors: number, dStates: number, dVectors: number, n: number): void {
    const k = this.kernels;
    const d = this.#d;
    const draws = this.negatives;
    const dpos = this.slots.dScores;
    const [xn, dneg, dxn] =
      draws > 1
        ? [this.#chosenX, this.#dChosenBias, this.#dChosenX]
        : [vectors + n * d * F, dpos + n * F, dVectors + n * d * F];
    if (this.#components > 0) {
      k.mixture_backward(
        states,
        vectors,
        xn,
        this.#mixture,
        dpos,
        dneg,
        n,
        d,
        this.#components,
        dStates,
        dVectors,
        dxn,
      );
    } else {
      k.tied_backward(states, vectors, xn, dpos, dneg, n, d, dStates, dVectors, dxn);
    }
    if (draws > 1) {
      k.route_hardest(this.#chosen, dxn, dneg, n, d, draws, dVectors + n * d * F, dpos + n * F);
    }
  }

  // The positive's and one negative's scores (the mixture's through its component weights).
  #score(
    states: number,
    xp: number,
    xn: number,
    bp: number,
    bn: number,
    n: number,
    pos: number,
    neg: number,
  ): void {
    if (this.#components > 0) {
      this.kernels.mixture_scores(
        states,
        xp,
        xn,
        bp,
        bn,
        n,
        this.#d,
        this.#components,
        pos,
        neg,
        this.#mixture,
      );
    } else {
      this.kernels.tied_scores(states, xp, xn, bp, bn, n, this.#d, pos, neg);
    }
  }
}

/** Negatives the spec samples per position: its `negatives` (default 5) for the adaptive hinge, else one. */
export function sequenceNegatives(spec: SequenceTrainerSpec): number {
  return negativesPerPositive({ loss: spec.loss, negatives: spec.negatives ?? 5 });
}

/**
 * A dense layer from the state onto the units of `strategy` (the Bloom output layer; with one unit per item,
 * the full softmax), trained with the cross-entropy against each target's k units (softmax_xent). It reads no
 * item vector, so the vectors' gradients come only through the network's inputs.
 */
export class ProjectionOutput implements SequenceOutputStep {
  readonly weightSizes: readonly number[];
  readonly tied = false;
  readonly slots: OutputSlots = { biases: 0, dScores: 0, countAt: 0 };
  readonly #units: number;
  #weights = 0;
  #bias = 0;
  #gWeights = 0;
  #gBias = 0;
  #logits = 0;
  #positions = 0;

  constructor(
    readonly kernels: SequenceKernels,
    readonly memory: KernelMemory,
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
    const memory = this.memory;
    this.strategy.rowsFor(memory.i32(idsAt, n), memory.i32(this.#positions, n * this.strategy.rowsPerId));
  }

  loss(states: number, _vectors: number, idsAt: number, n: number): number {
    const m = this.#units;
    const d = this.dim;
    this.gemm(states, this.#weights, this.#logits, n, m, d, d, m, m, 0);
    this.kernels.add_rows(this.#logits, n, m, this.#bias);
    return this.kernels.softmax_xent(
      this.#logits,
      n,
      m,
      this.#positions,
      this.strategy.rowsPerId,
      idsAt,
      this.slots.countAt,
    );
  }

  backward(states: number, _vectors: number, dStates: number, dVectors: number, n: number): void {
    const m = this.#units;
    const d = this.dim;
    const dLogits = this.#logits;
    this.gemm(dLogits, this.#weights, dStates, n, d, m, m, m, d, TRANSPOSE_B);
    this.gemm(states, dLogits, this.#gWeights, d, m, n, d, m, m, TRANSPOSE_A);
    this.kernels.column_sums(dLogits, n, m, this.#gBias, 0);
    this.kernels.fill_zero(dVectors, n * d);
  }
}
