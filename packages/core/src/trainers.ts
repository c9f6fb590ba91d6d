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
