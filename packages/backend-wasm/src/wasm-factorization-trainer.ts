import {
  ConfigError,
  type FactorizationTrainer,
  type FactorizationTrainerSpec,
  isExplicitLoss,
  negativesPerPositive,
  Rng,
  requireInteger,
  type ScoreLoss,
} from '@bloom/core';
import { ArenaBilinearStep } from './arena-bilinear-step.js';

// Minibatches between reports: each report yields to the event loop (progress, abort) and costs a promise.
const REPORT_EVERY = 16;

/**
 * The wasm backend's fused factorization trainer: each minibatch is one {@link ArenaBilinearStep} on the tables'
 * own WebAssembly memory (lookups, scores, gradient sums, optimizer kernels), with the negatives drawn into the
 * step's buffer and the model's loss (`spec.scoreLoss`) run on the step's score arrays in place. It draws the
 * negatives from `new Rng(spec.seed)` as the models' host loop does, so the two train on the same examples.
 */
export class WasmFactorizationTrainer implements FactorizationTrainer {
  readonly name = 'wasm-fused';
  readonly #step: ArenaBilinearStep;
  readonly #rng: Rng;
  readonly #numItems: number;
  readonly #scoreLoss: ScoreLoss;
  readonly #explicit: boolean;

  private constructor(spec: FactorizationTrainerSpec, step: ArenaBilinearStep, explicit: boolean) {
    this.#step = step;
    this.#rng = new Rng(spec.seed);
    this.#numItems = spec.numItems;
    this.#scoreLoss = spec.scoreLoss;
    this.#explicit = explicit;
  }

  /** Threads each minibatch runs on (1 where worker threads are unavailable). */
  get threads(): number {
    return this.#step.threads;
  }

  /**
   * The trainer, or why the spec's tables cannot train in place (see {@link ArenaBilinearStep.create}).
   * @throws ConfigError for `spec.threads` outside 1 to 256.
   */
  static create(spec: FactorizationTrainerSpec): WasmFactorizationTrainer | string {
    const threads = spec.threads ?? 1;
    requireInteger('threads', threads, 1, 256);
    const step = ArenaBilinearStep.create(spec, negativesPerPositive(spec), threads);
    return typeof step === 'string'
      ? step
      : new WasmFactorizationTrainer(spec, step, isExplicitLoss(spec.loss));
  }

  async trainEpoch(
    users: Int32Array,
    items: Int32Array,
    ratings: Float32Array | undefined,
    batchSize: number,
    report: (losses: Float32Array, first: number) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    requireInteger('batchSize', batchSize, 1, 1 << 24);
    if (this.#explicit && ratings === undefined) {
      throw new ConfigError('ratings', 'the observed ratings, for an explicit loss', ratings);
    }
    const step = this.#step;
    const count = users.length;
    const batches = Math.ceil(count / batchSize);
    const losses = new Float32Array(Math.min(REPORT_EVERY, batches));
    let first = 0;
    for (let batch = 0; batch < batches; batch++) {
      signal?.throwIfAborted();
      const start = batch * batchSize;
      const end = Math.min(count, start + batchSize);
      const b = end - start;
      step.resize(b);
      step.users.set(users.subarray(start, end));
      step.items.set(items.subarray(start, end));
      if (!this.#explicit) this.#rng.fillInt(step.items, this.#numItems, b);
      step.forward();
      losses[batch - first] = this.#scoreLoss(
        step.pos,
        step.neg,
        step.negatives,
        step.dPos,
        step.dNeg,
        ratings?.subarray(start, end),
      );
      step.backward();
      if (batch - first + 1 === losses.length || batch === batches - 1) {
        await report(losses.subarray(0, batch - first + 1), first);
        first = batch + 1;
      }
    }
  }

  /** Stops the step's worker threads; its buffers are a region of the tables' arena, released with it. */
  dispose(): void {
    this.#step.dispose();
  }
}
