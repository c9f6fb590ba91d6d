import type { EmbeddingStrategy } from './embedding-strategy.js';
import type { EmbeddingTable } from './embedding-table.js';

/** A factorization loss, implicit (with sampled negatives) or explicit (against ratings), as Spotlight names them. */
export type FactorizationLoss =
  | 'pointwise'
  | 'bpr'
  | 'hinge'
  | 'adaptive-hinge'
  | 'regression'
  | 'poisson'
  | 'logistic';

/** Whether a factorization loss fits observed ratings (explicit) rather than ranking sampled negatives. */
export function isExplicitLoss(loss: FactorizationLoss): boolean {
  return loss === 'regression' || loss === 'poisson' || loss === 'logistic';
}

/**
 * Negatives drawn per positive for `spec`'s loss, as Spotlight draws them: `negatives` for adaptive hinge, one
 * for the other implicit losses, none for explicit ones. Host loops and fused trainers alike use it.
 */
export function negativesPerPositive(spec: {
  readonly loss: FactorizationLoss;
  readonly negatives: number;
}): number {
  if (isExplicitLoss(spec.loss)) return 0;
  return spec.loss === 'adaptive-hinge' ? spec.negatives : 1;
}

/** One of a factorization model's embeddings, as a fused trainer sees it: its table and how ids become rows. */
export interface FusedEmbedding {
  readonly table: EmbeddingTable;
  readonly strategy: EmbeddingStrategy;
}

/** What a backend's fused factorization trainer trains: Spotlight's BilinearNet and its loss. */
export interface FactorizationTrainerSpec {
  readonly users: FusedEmbedding;
  readonly items: FusedEmbedding;
  /** Width-1 dense bias tables. */
  readonly userBias: FusedEmbedding;
  readonly itemBias: FusedEmbedding;
  readonly loss: FactorizationLoss;
  /** Negatives per positive for implicit losses (used by `adaptive-hinge`; the others draw one); 0 for explicit. */
  readonly negatives: number;
  /** Negatives are drawn uniformly from [0, numItems). */
  readonly numItems: number;
  /**
   * Seed of the negative sampling: a trainer that draws on the host draws each minibatch's negatives with
   * `new Rng(seed).fillInt(items, numItems, b)` after its b positives, as the models' host loop does, so that the
   * two train on the same examples.
   */
  readonly seed: number;
  /**
   * The loss as host code over score arrays, from the model (the one definition of its arithmetic): trainers that
   * run on the host call it; device trainers implement `loss` natively and ignore it.
   */
  readonly scoreLoss: ScoreLoss;
  /** Threads to split each minibatch over, where the backend can (default 1). */
  readonly threads?: number;
}

/**
 * A minibatch's loss and its gradients with respect to the scores: fills `dPos` ([b]) and `dNeg` ([b, n]) from the
 * positive scores `pos` ([b]) and negative scores `neg` ([b, n]) (and `ratings` ([b]) for explicit losses, where
 * n is 0) and returns the mean loss.
 */
export type ScoreLoss = (
  pos: Float32Array,
  neg: Float32Array,
  n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
  ratings: Float32Array | undefined,
) => number;

/** What every fused trainer has: a name for reports and buffers to release. */
export interface FusedTrainer {
  /** Which trainer this is, reported as a model's training path, e.g. `wasm-fused` or `cuda-fused`. */
  readonly name: string;
  /** Releases the trainer's own buffers (not the tables). */
  dispose(): void;
}

/**
 * A backend's own training loop for factorization models, run where the tables live (a GPU, or one WebAssembly
 * memory), so that a minibatch costs no copy or round trip: the backend samples negatives, scores, computes the
 * loss and its gradients and updates the tables itself. It trains the spec's tables in place; the model keeps
 * using them afterwards.
 */
export interface FactorizationTrainer extends FusedTrainer {
  /** Threads each minibatch runs on, where the trainer splits minibatches (absent: one). */
  readonly threads?: number;
  /**
   * Trains one epoch of minibatches of `batchSize` over the examples in the order given, calling `report` with
   * the mean loss of each minibatch as losses come back from the device (in order, `first` the index of the first
   * one), which is also where `signal` is checked.
   *
   * @param ratings - The observed ratings, for explicit losses.
   * @throws IdRangeError for an id out of range, DeviceError when the device fails, the signal's reason when aborted.
   */
  trainEpoch(
    users: Int32Array,
    items: Int32Array,
    ratings: Float32Array | undefined,
    batchSize: number,
    report: (losses: Float32Array, first: number) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void>;
}

/**
 * The fused trainers a backend may offer, by model family: what the model gives (`spec`) and what it gets back
 * (`trainer`). A family of models with a fused path of its own (sequence networks) adds an entry here; adapters
 * answer {@link TrainerFactory} for the families they train and give a reason for the rest.
 */
export interface TrainerKinds {
  factorization: { spec: FactorizationTrainerSpec; trainer: FactorizationTrainer };
  sequence: { spec: SequenceTrainerSpec; trainer: SequenceTrainer };
}

/** Spotlight's sequence representations: what turns the items before a position into a user state. */
export type SequenceRepresentationName = 'pooling' | 'cnn' | 'lstm' | 'mixture';

/**
 * The implicit losses of Spotlight's sequence models: one sampled negative per position, or for the adaptive
 * hinge several, of which the highest-scoring one takes the hinge.
 */
export type SequenceLoss = 'pointwise' | 'bpr' | 'hinge' | 'adaptive-hinge';

/**
 * How a sequence network scores the next item: `tied` (Spotlight's), the state against the item table and the
 * item biases with a sampled negative per position and the spec's loss; or `projection`, a dense layer onto the
 * units of `strategy` (the Bloom output layer, or the full softmax with one unit per item) trained with the
 * cross-entropy against the target's units.
 */
export type SequenceTrainerOutput =
  | { readonly kind: 'tied' }
  | { readonly kind: 'projection'; readonly strategy: EmbeddingStrategy };

/** Adam on the network's dense weights, as TensorFlow.js runs it, with Spotlight's l2 added to each gradient. */
export interface DenseAdam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/**
 * What a backend's fused sequence trainer trains: Spotlight's ImplicitSequenceModel over sequences of
 * `maxLength` items (left-padded with id 0, which the loss masks), with the item table tied between inputs and
 * the tied output. The dense weights are the model's, in its variable order: lstm [kernel [d, 4d], recurrent
 * [d, 4d], bias [4d]] (torch's gate order i, f, g, o); cnn [filter [kernelWidth, d, d], bias [d]]; mixture the
 * lstm's then [projection [d, 2 M d], bias [2 M d]]; pooling none; then a projection output's [weights [d, m],
 * bias [m]].
 */
export interface SequenceTrainerSpec {
  readonly items: FusedEmbedding;
  /** Width-1 item biases, for the tied output. */
  readonly itemBias?: FusedEmbedding;
  readonly representation: SequenceRepresentationName;
  /** Spotlight's cnn kernel width (3). */
  readonly kernelWidth: number;
  /** Spotlight's mixture components (4). */
  readonly components: number;
  readonly loss: SequenceLoss;
  /** Negatives sampled per position for the adaptive hinge (default 5, Spotlight's); the other losses take one. */
  readonly negatives?: number;
  readonly output: SequenceTrainerOutput;
  readonly dim: number;
  readonly maxLength: number;
  /** The dense weights' initial values, in the order above. */
  readonly weights: readonly Float32Array[];
  readonly adam: DenseAdam;
  /** Threads to split each minibatch over, where the backend can (default 1). */
  readonly threads?: number;
}

/** Adam's state on the dense weights: steps taken, and the first and second moments in the spec's order. */
export interface DenseAdamState {
  readonly steps: number;
  readonly first: readonly Float32Array[];
  readonly second: readonly Float32Array[];
}

/**
 * A backend's fused training step for a sequence network: lookups, the network over all timesteps, scores, loss,
 * the backward pass through time, the sparse update of the item rows and Adam on the dense weights, in one place.
 * It trains the spec's tables in place and keeps the dense weights and their Adam state itself (read them back
 * with {@link weights} and {@link adamState}).
 */
export interface SequenceTrainer extends FusedTrainer {
  /** Threads each minibatch runs on (1 where the backend could not start more). */
  readonly threads: number;
  /**
   * One minibatch of b sequences ([b, maxLength], row-major), with the sampled negatives of every position for
   * the tied output (null for a projection output): one [b, maxLength] block per negative (the spec's `negatives`
   * for the adaptive hinge, else one), block after block.
   * @returns The minibatch's loss.
   * @throws IdRangeError for an id out of range, before any weight or row changes.
   */
  step(targets: Int32Array, negatives: Int32Array | null, b: number): number;
  /** Copies of the dense weights, in the spec's order. */
  weights(): Float32Array[];
  /** Replaces the dense weights (same order and sizes as the spec's). */
  setWeights(weights: readonly Float32Array[]): void;
  /** A copy of Adam's state. */
  adamState(): DenseAdamState;
  /** Replaces Adam's state (moments in the spec's order and sizes; empty moments mean zeros). */
  setAdamState(state: DenseAdamState): void;
}

/** A model family that fused trainers may exist for. */
export type TrainerKind = keyof TrainerKinds;

/**
 * A backend's fused trainer of `kind` for `spec` (whose tables the backend created), or the reason it has none
 * there, in words a user can act on; the model then trains with its host loop and reports that reason.
 */
export type TrainerFactory = <K extends TrainerKind>(
  kind: K,
  spec: TrainerKinds[K]['spec'],
) => TrainerKinds[K]['trainer'] | string;
