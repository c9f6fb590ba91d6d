import { DataError, type Model, Rng, type SequenceLoss, type SequenceTrainer } from '@bloom/core';
import type { SequenceInteractions } from '@bloom/data';
import type { SparseEmbedding } from '@bloom/embeddings';
import { sequenceMrrScore } from '../evaluation/sequence-mrr.js';
import type {
  AdapterLike,
  FactorizationConfig,
  ResolvedFactorizationConfig,
} from '../factorization/factorization-config.js';
import type { TrainingPath } from '../factorization/fused-training.js';
import { implicitLosses } from '../losses/implicit-losses.js';
import { type EpochReport, type FitOptions, runEpochs } from '../training-loop.js';
import { fusedSequenceTrainerFor } from './fused-sequence.js';
import {
  createSequenceTables,
  negativesPerPosition,
  resolveSequenceConfig,
  resolveSequenceLoss,
  type SequenceLossConfig,
} from './sequence-tables.js';

/** Config of {@link PoolingSequenceModel}: items only (users are their histories). */
export interface PoolingSequenceConfig
  extends Omit<FactorizationConfig, 'numUsers' | 'users'>,
    SequenceLossConfig {}

/**
 * Spotlight's ImplicitSequenceModel with the `pooling` representation: the user at position t is the average of
 * the embeddings of the items before t (Spotlight's exact form: cumulative sum / (elementwise count of non-zero
 * entries + 1)), scored against item embeddings tied with the inputs, plus item biases. The loss is masked at
 * padding positions; one negative per position (the adaptive hinge: `numNegativeSamples`, of which the
 * highest-scoring takes the hinge) is drawn uniformly from [0, numItems). Pooling is linear, so the
 * whole step is fused over typed arrays, like the factorization models.
 */
export class PoolingSequenceModel implements Model<PoolingSequenceModel['config'], SequenceInteractions> {
  /**
   * How the last `fit` trained: the backend's fused sequence trainer (`wasm-fused`), or `host` (this class's
   * TypeScript step below) with the reason. Undefined before any fit.
   */
  trainingPath: TrainingPath | undefined;
  readonly kind = 'pooling-sequence';
  readonly items: SparseEmbedding;
  readonly itemBias: SparseEmbedding;
  readonly numItems: number;
  readonly #rng: Rng;
  readonly #adapter: AdapterLike;
  #fused: { maxLength: number; threads: number; trainer: SequenceTrainer } | undefined;

  private constructor(
    readonly config: ResolvedFactorizationConfig & { loss: SequenceLoss; numNegativeSamples: number },
    adapter: AdapterLike,
  ) {
    const { seed, numItems } = config;
    this.numItems = numItems;
    const tables = createSequenceTables(config, adapter);
    this.items = tables.items;
    this.itemBias = tables.itemBias;
    this.#rng = Rng.stream(seed, 'shuffle and negatives');
    this.#adapter = adapter;
  }

  /** Validates the config and creates the tables on `adapter`. Dense items get padding id 0, as in Spotlight. */
  static create(config: PoolingSequenceConfig, adapter: AdapterLike): PoolingSequenceModel {
    const losses = resolveSequenceLoss(config);
    const resolved = resolveSequenceConfig(config, ['loss', 'numNegativeSamples']);
    return new PoolingSequenceModel({ ...resolved, ...losses }, adapter);
  }

  /** Trains on every position of every sequence (the next item after each prefix). */
  async fit(data: SequenceInteractions, options: FitOptions = {}): Promise<EpochReport[]> {
    if (data.numItems > this.numItems) {
      throw new DataError(`sequences use ${data.numItems} items but the model has ${this.numItems}`);
    }
    const trainer = this.#fusedTrainer(data.maxLength, options);
    if (typeof trainer !== 'string') {
      this.trainingPath = { trainer: trainer.name, threads: trainer.threads };
      return this.#fitFused(trainer, data, options);
    }
    this.trainingPath = { trainer: 'host', reason: trainer };
    const loss = implicitLosses[this.config.loss];
    const draws = negativesPerPosition(this.config);
    const L = data.maxLength;
    const d = this.config.dim;
    return runEpochs(data.length, options, this.#rng, (batch) => {
      const b = batch.length;
      const n = b * L;
      // The ids: the targets, then one block of n per draw of negatives (block j the j-th draw of every position).
      const all = new Int32Array((1 + draws) * n);
      for (let s = 0; s < b; s++) all.set(data.sequence(batch[s]!), s * L);
      for (let i = n; i < all.length; i++) all[i] = this.#rng.nextInt(this.numItems);
      const targets = all.subarray(0, n);
      const itemRows = this.items.rowsFor(all);
      const vectors = this.items.table.lookup(
        itemRows,
        this.items.strategy.rowsPerId,
        this.items.strategy.combine,
      );
      const biasRows = this.itemBias.rowsFor(all);
      const biases = this.itemBias.table.lookup(biasRows, 1, 'sum');
      // users[t] pools the inputs before t: cumulative sums over positions 0..t-1, divided elementwise by (count + 1).
      const users = new Float32Array(n * d);
      const divisors = new Float32Array(n * d);
      for (let s = 0; s < b; s++) {
        for (let c = 0; c < d; c++) {
          let sum = 0;
          let count = 0;
          for (let t = 0; t < L; t++) {
            const at = (s * L + t) * d + c;
            divisors[at] = count + 1;
            users[at] = sum / (count + 1);
            const v = vectors[(s * L + t) * d + c]!;
            sum += v;
            if (v !== 0) count++;
          }
        }
      }
      // scores[r] = users[r mod n] . vectors[r] + biases[r]: the positives, then every draw of negatives.
      const scores = new Float32Array(all.length);
      for (let r = 0; r < all.length; r++) {
        const i = r % n;
        let score = biases[r]!;
        for (let c = 0; c < d; c++) score += users[i * d + c]! * vectors[r * d + c]!;
        scores[r] = score;
      }
      // Masked loss: only positions whose target is not padding count, and the mean is over them. The losses
      // take each position's negatives side by side.
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (targets[i] !== 0) idx.push(i);
      const masked = idx.length;
      const mp = Float32Array.from(idx, (i) => scores[i]!);
      const mn = new Float32Array(masked * draws);
      idx.forEach((i, k) => {
        for (let j = 0; j < draws; j++) mn[k * draws + j] = scores[(1 + j) * n + i]!;
      });
      const dmp = new Float32Array(masked);
      const dmn = new Float32Array(masked * draws);
      const value = masked === 0 ? 0 : loss(mp, mn, draws, dmp, dmn);
      // dScores[r]: the gradient of every score, which is also its bias's.
      const dScores = new Float32Array(all.length);
      idx.forEach((i, k) => {
        dScores[i] = dmp[k]!;
        for (let j = 0; j < draws; j++) dScores[(1 + j) * n + i] = dmn[k * draws + j]!;
      });
      // Backward: item vectors get the score gradient times the user; users get the score gradient times the items.
      const dVectors = new Float32Array(all.length * d);
      const dUsers = new Float32Array(n * d);
      for (let r = 0; r < all.length; r++) {
        const g = dScores[r]!;
        if (g === 0) continue;
        const i = r % n;
        for (let c = 0; c < d; c++) {
          dVectors[r * d + c]! += g * users[i * d + c]!;
          dUsers[i * d + c]! += g * vectors[r * d + c]!;
        }
      }
      // users[t] = sum_{s<t} x_s / divisor[t] (the divisor is piecewise constant), so dx_s = sum_{t>s} dusers_t / divisor_t.
      for (let s = 0; s < b; s++) {
        for (let c = 0; c < d; c++) {
          let acc = 0;
          for (let t = L - 1; t >= 0; t--) {
            const at = (s * L + t) * d + c;
            dVectors[at]! += acc;
            acc += dUsers[at]! / divisors[at]!;
          }
        }
      }
      this.items.table.applyGradients(
        itemRows,
        this.items.strategy.rowsPerId,
        this.items.strategy.combine,
        dVectors,
      );
      this.itemBias.table.applyGradients(biasRows, 1, 'sum', dScores);
      return value;
    });
  }

  // The same epochs as the host step (same shuffles, same negatives), each minibatch one fused step.
  #fitFused(
    trainer: SequenceTrainer,
    data: SequenceInteractions,
    options: FitOptions,
  ): Promise<EpochReport[]> {
    const L = data.maxLength;
    const draws = negativesPerPosition(this.config);
    const capacity = Math.min(options.batchSize ?? 256, data.length) * L;
    const targets = new Int32Array(capacity);
    const negatives = new Int32Array(draws * capacity);
    return runEpochs(data.length, options, this.#rng, (batch) => {
      const b = batch.length;
      const n = b * L;
      for (let s = 0; s < b; s++) targets.set(data.sequence(batch[s]!), s * L);
      for (let i = 0; i < draws * n; i++) negatives[i] = this.#rng.nextInt(this.numItems);
      return trainer.step(targets.subarray(0, n), negatives.subarray(0, draws * n), b);
    });
  }

  // The backend's fused trainer for sequences of maxLength on `threads` (kept while both stay), or why there is none.
  #fusedTrainer(maxLength: number, options: FitOptions): SequenceTrainer | string {
    const threads = options.threads ?? 1;
    const fused = this.#fused;
    if (options.fused !== false && fused?.maxLength === maxLength && fused.threads === threads)
      return fused.trainer;
    const trainer = fusedSequenceTrainerFor(this.#adapter, options, {
      items: this.items,
      itemBias: this.itemBias,
      representation: 'pooling',
      loss: this.config.loss,
      negatives: negativesPerPosition(this.config),
      output: { kind: 'tied' },
      dim: this.config.dim,
      maxLength,
      variables: [],
      lr: this.config.optimizer.lr,
      weightDecay: 0,
    });
    if (typeof trainer !== 'string') {
      this.#fused?.trainer.dispose();
      this.#fused = { maxLength, threads, trainer };
    }
    return trainer;
  }

  /**
   * Scores of every item as the next one after `sequence` (item ids, 0 for padding). `rows` ([L x k]) gives the
   * sequence's table rows instead of its ids' (a keyed table's rows of raw item ids never trained).
   */
  predict(sequence: Int32Array, rows: Int32Array = this.items.rowsFor(sequence)): Float32Array {
    const d = this.config.dim;
    const vectors = this.items.table.lookup(rows, this.items.strategy.rowsPerId, this.items.strategy.combine);
    const user = new Float64Array(d);
    for (let c = 0; c < d; c++) {
      let sum = 0;
      let count = 0;
      for (let t = 0; t < sequence.length; t++) {
        const v = vectors[t * d + c]!;
        sum += v;
        if (v !== 0) count++;
      }
      user[c] = sum / (count + 1);
    }
    const all = Int32Array.from({ length: this.numItems }, (_, i) => i);
    const items = this.items.table.lookup(
      this.items.rowsFor(all),
      this.items.strategy.rowsPerId,
      this.items.strategy.combine,
    );
    const biases = this.itemBias.table.lookup(all, 1, 'sum');
    const out = new Float32Array(this.numItems);
    for (let i = 0; i < this.numItems; i++) {
      let s = biases[i]!;
      for (let c = 0; c < d; c++) s += user[c]! * items[i * d + c]!;
      out[i] = s;
    }
    return out;
  }

  /** No weights outside the two tables. */
  readonly denseParameters = 0;

  /** The item table (tied input and output) and the item biases. */
  embeddings(): Record<string, SparseEmbedding> {
    return { items: this.items, itemBias: this.itemBias };
  }

  /** Sequence MRR on `test`: the last item of each sequence ranked after the rest. */
  async evaluate(test: SequenceInteractions): Promise<Record<string, number>> {
    return { mrr: sequenceMrrScore(this, test).mrr };
  }

  dispose(): void {
    this.#fused?.trainer.dispose();
    this.items.dispose();
    this.itemBias.dispose();
  }
}
