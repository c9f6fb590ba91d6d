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
  /** Seed of the trainer's negative sampling. */
  readonly seed: number;
}

/**
 * A backend's own training loop for factorization models, run where the tables live (a GPU), so that a minibatch
 * costs no round trip to the host: the backend samples negatives, scores, computes the loss and its gradients and
 * updates the tables itself. It trains the spec's tables in place; the model keeps using them afterwards.
 */
export interface FactorizationTrainer {
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
  /** Releases the trainer's device buffers (not the tables). */
  dispose(): void;
}
