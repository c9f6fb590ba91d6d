import type { BackendAdapter } from './backend.js';
import type { RegistryEntry } from './registry.js';
import type { FusedEmbedding } from './trainers.js';

/**
 * What a model learns from, which decides how `bloom train` prepares its data and which metrics it reads:
 * `implicit` (interactions as positives, ranked by MRR and precision/recall), `explicit` (ratings, RMSE) or
 * `sequence` (each user's items in time order, the next item ranked by sequence MRR).
 */
export type ModelTask = 'implicit' | 'explicit' | 'sequence';

/** Arrays a model keeps besides its embedding tables (network weights, optimizer moments), for checkpoints. */
export type ModelState = Readonly<
  Record<string, { readonly values: Float32Array; readonly shape: readonly number[] }>
>;

/** One epoch's summary, as every model's `fit` reports it. */
export interface ModelEpoch {
  readonly epoch: number;
  /** Mean minibatch loss. */
  readonly loss: number;
  readonly seconds: number;
}

/**
 * The contract every model keeps, built-in or a plugin's: what `bloom train`, checkpoints and the benchmark matrix
 * use, whatever the model is. `Data` is what `fit` and `evaluate` take for the model's {@link ModelTask}
 * (`Interactions` or `SequenceInteractions` from @bloom/data).
 */
export interface Model<Config = unknown, Data = unknown> {
  /** The registered name of the model's definition, stored in checkpoints. */
  readonly kind: string;
  /** Everything that defines the model, as plain data: a checkpoint stores it and recreates the model from it. */
  readonly config: Config;
  /** The model's embedding tables by name (checkpoints, memory and parameter reports). */
  embeddings(): Readonly<Record<string, FusedEmbedding>>;
  /** Trainable parameters outside the embedding tables (a network's weights); 0 for none. */
  readonly denseParameters: number;
  /** Trains on `data`; `options` are @bloom/models' `FitOptions` (epochs, batchSize, progress, signal). */
  fit(data: Data, options?: object): Promise<readonly ModelEpoch[]>;
  /**
   * How the last `fit` trained: the fused trainer's name (and the threads it ran on, where it splits minibatches),
   * or the host loop (or TensorFlow.js) and why.
   */
  readonly trainingPath:
    | { readonly trainer: string; readonly reason?: string; readonly threads?: number }
    | undefined;
  /**
   * The model's metrics on `test` (after training on `train`, whose items are excluded from rankings), by name:
   * `mrr`, `precision_at_10` and `recall_at_10` for rankings, `rmse` for ratings. Reads back asynchronously, so
   * that it works on every backend.
   */
  evaluate(test: Data, train: Data): Promise<Readonly<Record<string, number>>>;
  /** The state a checkpoint needs besides the tables (absent when the tables are all). */
  saveState?(): Promise<ModelState>;
  /** Restores what {@link saveState} returned, on a model created from the same config. */
  loadState?(state: ModelState): Promise<void>;
  dispose(): void;
}

/** A registered model: `bloom train --model NAME`, checkpoints and the benchmark matrix create models through it. */
export interface ModelDefinition<M extends Model = Model> extends RegistryEntry {
  readonly description: string;
  readonly task: ModelTask;
  /**
   * Creates the model on `adapter` from a plain config (validated: an unknown option is a ConfigError naming it).
   * `bloom train` passes `numUsers` (implicit and explicit tasks), `numItems`, `dim`, `items` (`{ strategy,
   * options }`), `optimizer`, `updateMode`, `seed` and `loss`, plus what `--model-options` adds.
   */
  create(config: unknown, adapter: BackendAdapter): M;
}
