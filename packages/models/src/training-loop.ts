import {
  type FactorizationTrainer,
  type Rng,
  requireInteger,
  requireKnownOptions,
  TrainingError,
} from '@bloom/core';
import type { Interactions } from '@bloom/data';

/** Progress after each minibatch. */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Mean loss of the epoch so far. */
  readonly loss: number;
}

/** Summary of one epoch. */
export interface EpochReport {
  readonly epoch: number;
  /** Mean minibatch loss. */
  readonly loss: number;
  readonly seconds: number;
}

/** Options of `fit`, with Spotlight's defaults. */
export interface FitOptions {
  /** Default 10. */
  readonly epochs?: number;
  /** Default 256. */
  readonly batchSize?: number;
  readonly onBatch?: (progress: BatchProgress) => void;
  readonly onEpoch?: (report: EpochReport) => void;
  /** Stops training between minibatches; `fit` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Train with the backend's fused trainer where it has one (factorization on cuda and wasm, sequence networks on
   * wasm). Default true; false keeps the model's reference path (its host loop or TensorFlow.js ops), e.g. to
   * compare the two.
   */
  readonly fused?: boolean;
  /**
   * Threads a fused trainer may split each minibatch over (the wasm backend's sequence and factorization
   * trainers: worker threads on the tables' shared memory). Default 1.
   */
  readonly threads?: number;
}

/**
 * Runs epochs of minibatches over `rows` examples in an order shuffled each epoch by `rng`, calling `step` with
 * the row numbers of each minibatch. Like Spotlight, a NaN, infinite or zero epoch loss stops training with an
 * error. Yields to the event loop between minibatches so cancellation and progress output stay responsive.
 */
export async function runEpochs(
  rows: number,
  options: FitOptions,
  rng: Rng,
  step: (batch: Int32Array, start: number) => number | Promise<number>,
  onShuffle?: (order: Int32Array) => void,
): Promise<EpochReport[]> {
  const { epochs, batchSize, batches, order } = epochPlan(rows, options);
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = performance.now();
    rng.shuffle(order);
    onShuffle?.(order);
    let total = 0;
    for (let b = 0; b < batches; b++) {
      options.signal?.throwIfAborted();
      const first = b * batchSize;
      total += await step(order.subarray(first, Math.min(rows, first + batchSize)), first);
      options.onBatch?.({ epoch, epochs, batch: b + 1, batches, loss: total / (b + 1) });
      if (b % 16 === 15) await yieldToEventLoop();
    }
    reports.push(endEpoch(epoch, total / batches, start, options));
  }
  return reports;
}

/** The columns of the examples a fused trainer trains on, indexed by example row. */
export interface ExampleColumns {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings?: Float32Array;
}

/** The user and item columns of interactions, with the ratings when asked for. */
export function columnsOf(interactions: Interactions, ratings?: Float32Array): ExampleColumns {
  const { userIds: users, itemIds: items } = interactions;
  return ratings === undefined ? { users, items } : { users, items, ratings };
}

/**
 * {@link runEpochs} over example columns: each epoch gathers the columns in its shuffled order once, and `step`
 * gets each minibatch as contiguous slices of them. Gathering a minibatch's examples from the whole dataset
 * instead costs a cache miss per example once the step's tables have evicted the dataset.
 */
export function runColumnEpochs(
  columns: ExampleColumns,
  options: FitOptions,
  rng: Rng,
  step: (batch: ExampleColumns) => number,
): Promise<EpochReport[]> {
  const rows = columns.users.length;
  const epoch = emptyColumns(columns);
  return runEpochs(
    rows,
    options,
    rng,
    (batch, start) => {
      const end = start + batch.length;
      return step({
        users: epoch.users.subarray(start, end),
        items: epoch.items.subarray(start, end),
        ratings: epoch.ratings?.subarray(start, end),
      });
    },
    (order) => gatherColumns(columns, order, epoch),
  );
}

/**
 * {@link runEpochs} for a backend's fused trainer: the same shuffled order from `rng` each epoch, the examples
 * gathered in that order and handed over whole, progress and the degenerate-loss check from the minibatch losses
 * as the trainer reports them. Disposes the trainer when training ends, however it ends.
 */
export async function runFusedEpochs(
  columns: ExampleColumns,
  options: FitOptions,
  rng: Rng,
  trainer: FactorizationTrainer,
): Promise<EpochReport[]> {
  try {
    return await fusedEpochs(columns, options, rng, trainer);
  } finally {
    trainer.dispose();
  }
}

async function fusedEpochs(
  columns: ExampleColumns,
  options: FitOptions,
  rng: Rng,
  trainer: FactorizationTrainer,
): Promise<EpochReport[]> {
  const rows = columns.users.length;
  const { epochs, batchSize, batches, order } = epochPlan(rows, options);
  const { users, items, ratings } = emptyColumns(columns);
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = performance.now();
    rng.shuffle(order);
    gatherColumns(columns, order, { users, items, ratings });
    let total = 0;
    await trainer.trainEpoch(
      users,
      items,
      ratings,
      batchSize,
      async (losses, first) => {
        for (let j = 0; j < losses.length; j++) {
          total += losses[j]!;
          options.onBatch?.({ epoch, epochs, batch: first + j + 1, batches, loss: total / (first + j + 1) });
        }
        await yieldToEventLoop();
      },
      options.signal,
    );
    reports.push(endEpoch(epoch, total / batches, start, options));
  }
  return reports;
}

// Columns of the same length (and ratings or not) as `like`'s.
function emptyColumns(like: ExampleColumns): {
  users: Int32Array;
  items: Int32Array;
  ratings?: Float32Array;
} {
  const rows = like.users.length;
  const users = new Int32Array(rows);
  const items = new Int32Array(rows);
  return like.ratings === undefined ? { users, items } : { users, items, ratings: new Float32Array(rows) };
}

// out[i] = columns[order[i]]. One loop per column type, so each stays monomorphic.
function gatherColumns(columns: ExampleColumns, order: Int32Array, out: ExampleColumns): void {
  const { users, items, ratings } = columns;
  const n = order.length;
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    out.users[i] = users[row]!;
    out.items[i] = items[row]!;
  }
  const to = out.ratings;
  if (ratings === undefined || to === undefined) return;
  for (let i = 0; i < n; i++) to[i] = ratings[order[i]!]!;
}

// The validated epochs and batch size of `options` for `rows` examples, and the order each epoch shuffles.
function epochPlan(
  rows: number,
  options: FitOptions,
): { epochs: number; batchSize: number; batches: number; order: Int32Array } {
  requireKnownOptions('fit', options, [
    'epochs',
    'batchSize',
    'onBatch',
    'onEpoch',
    'signal',
    'fused',
    'threads',
  ]);
  const epochs = requireInteger('epochs', options.epochs ?? 10, 1, 1e6);
  if (options.threads !== undefined) requireInteger('threads', options.threads, 1, 256);
  const batchSize = requireInteger('batchSize', options.batchSize ?? 256, 1, 1 << 24);
  if (rows === 0) throw new TrainingError('no interactions to train on');
  return {
    epochs,
    batchSize,
    batches: Math.ceil(rows / batchSize),
    order: Int32Array.from({ length: rows }, (_, i) => i),
  };
}

// Spotlight's check on an epoch's loss, then its report.
function endEpoch(epoch: number, loss: number, start: number, options: FitOptions): EpochReport {
  if (!Number.isFinite(loss) || loss === 0) {
    throw new TrainingError(
      `degenerate epoch loss ${loss} in epoch ${epoch}; lower the learning rate or check the data`,
    );
  }
  const report = { epoch, loss, seconds: (performance.now() - start) / 1000 };
  options.onEpoch?.(report);
  return report;
}

// Lets timers, I/O and abort signals run between minibatches: setImmediate in Node, a zero timeout in browsers
// (which have no setImmediate).
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
