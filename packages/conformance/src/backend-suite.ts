import type {
  BackendAdapter,
  CombineMode,
  EmbeddingStrategy,
  EmbeddingTable,
  OptimizerConfig,
  TableAccess,
  UpdateMode,
} from '@bloom/core';
import { ConfigError, IdRangeError, Rng } from '@bloom/core';
import {
  createBloomStrategy,
  createDenseStrategy,
  createHashStrategy,
  createHybridStrategy,
  createQuotientRemainderStrategy,
  hostTable,
  isTensorTable,
  SparseEmbedding,
  sparseStep,
} from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maxError,
  type ReferenceState,
  referenceGradient,
  referenceLookup,
  referenceStep,
} from './reference.js';

/** How a backend package runs the suite. */
export interface ConformanceOptions {
  /** Backend name, for the test titles. */
  readonly name: string;
  /** Creates the adapter under test (and activates its TensorFlow.js backend). */
  readonly create: () => Promise<BackendAdapter>;
  /** Tolerance of comparisons. Default 1e-5. */
  readonly tolerance?: number;
  /**
   * How the suite's embeddings ask for their tables (TableOptions.access). With `tensor`, a GPU adapter's
   * device-resident tables are under test wherever it makes them (it keeps the dense mode and the binary
   * formulation on the host); the suite then drives them through their tensor methods. Default `host`.
   */
  readonly access?: TableAccess;
}

const N = 40;
const D = 6;

/** The strategies every backend must serve, small enough to compare element by element. */
function strategies(): Record<string, EmbeddingStrategy> {
  return {
    dense: createDenseStrategy({ numEmbeddings: N, dim: D }),
    'dense with padding': createDenseStrategy({ numEmbeddings: N, dim: D, paddingIdx: 0 }),
    'bloom sum k=3': createBloomStrategy({ numEmbeddings: N, dim: D, compressionRatio: 0.3, numHashes: 3 }),
    'bloom mean k=2 xxhash32': createBloomStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.5,
      numHashes: 2,
      hasher: 'xxhash32',
      combine: 'mean',
    }),
    'quotient-remainder mean': createQuotientRemainderStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.2,
      combine: 'mean',
    }),
    // Head ids 3 and 7 (the duplicates of the batch below) with rows of their own, the rest sharing 2 hashed rows;
    // row 0 is the frozen zero row each head id's second row points at.
    'hybrid k=2': createHybridStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.3,
      head: [7, 3, 12],
      numHashes: 2,
    }),
    'bloom sum k=2 keyed': createBloomStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.3,
      numHashes: 2,
      keys: Array.from({ length: N - 1 }, (_, i) => `key-${i + 1}`),
    }),
    'binary k=4': createBloomStrategy(
      { numEmbeddings: N, dim: D, compressionRatio: 0.25, numHashes: 4 },
      'multi-hot-matmul',
    ),
  };
}

// Duplicates (3, 7), the padding id 0 and the largest id.
const IDS = Int32Array.of(3, 7, 0, 3, 39, 12, 7, 3);

/**
 * Runs stock TensorFlow.js code for a reference value. Where the adapter's backend lacks the gather gradient
 * (tfjs-backend-wasm has no UnsortedSegmentSum: stock training fails there), the reference runs on tfjs's cpu
 * backend and the adapter's backend is restored afterwards.
 */
async function stockTf<T>(adapter: BackendAdapter, run: () => Promise<T>): Promise<T> {
  const native = tf.getKernel('UnsortedSegmentSum', adapter.tfBackend) !== undefined;
  if (native) return run();
  await tf.setBackend('cpu');
  try {
    return await run();
  } finally {
    await tf.setBackend(adapter.tfBackend);
  }
}

function randomArray(length: number, seed: number): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(length), 0, 1);
}

/**
 * Registers the shared conformance suite for one backend with vitest. Every backend package (cpu, wasm, and
 * later webgpu and cuda) calls this from its own tests, so all of them are held to the same behaviour.
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  const tolerance = options.tolerance ?? 1e-5;
  describe(`backend conformance: ${options.name}`, () => {
    let adapter: BackendAdapter;
    beforeAll(async () => {
      adapter = await options.create();
    });
    afterAll(async () => {
      await adapter.dispose();
    });

    const make = (
      strategy: EmbeddingStrategy,
      optimizer: OptimizerConfig,
      updateMode: UpdateMode = 'sparse',
      seed = 1,
    ) => SparseEmbedding.create({ strategy, adapter, optimizer, updateMode, seed, access: options.access });

    it('runs the dense part on its TensorFlow.js backend and reports its device', () => {
      expect(tf.getBackend()).toBe(adapter.tfBackend);
      const info = adapter.deviceInfo();
      expect(info.backend).toBe(adapter.name);
      expect(info.device.length).toBeGreaterThan(0);
    });

    for (const [label, strategy] of Object.entries(strategies())) {
      describe(label, () => {
        it('lookup equals tf.gather + combine and the scalar reference', async () => {
          const embedding = make(strategy, { kind: 'sgd', lr: 0.1 });
          const weights = await embedding.table.read();
          const rows = embedding.rowsFor(IDS);
          const looked = embedding.lookup(rows);
          const actual = await looked.data();
          const k = strategy.rowsPerId;
          const viaTf = tf.tidy(() => {
            const gathered = tf.gather(
              tf.tensor2d(weights, [strategy.tableRows, D]),
              tf.tensor1d(rows, 'int32'),
            );
            const grouped = gathered.reshape([IDS.length, k, D]);
            return strategy.combine === 'mean' ? grouped.mean(1) : grouped.sum(1);
          });
          expect(maxError(actual, await viaTf.data())).toBeLessThan(tolerance);
          expect(maxError(actual, referenceLookup(weights, rows, k, strategy.combine, D))).toBeLessThan(
            tolerance,
          );
          tf.dispose([looked, viaTf]);
          embedding.dispose();
        });

        it("one SGD step applies exactly tf.gather's gradient (duplicates summed, padding frozen)", async () => {
          const embedding = make(strategy, { kind: 'sgd', lr: 1 });
          const before = await embedding.table.read();
          const rows = embedding.rowsFor(IDS);
          const upstream = randomArray(IDS.length * D, 7);
          const k = strategy.rowsPerId;
          const combine: CombineMode = strategy.combine;
          await embedding.applyGradients(rows, tf.tensor2d(upstream, [IDS.length, D]));
          const after = await embedding.table.read();
          const g = await stockTf(adapter, async () => {
            const tfGradient = tf.tidy(
              () =>
                tf.grads((w: tf.Tensor) => {
                  const grouped = tf.gather(w, tf.tensor1d(rows, 'int32')).reshape([IDS.length, k, D]);
                  const combined = combine === 'mean' ? grouped.mean(1) : grouped.sum(1);
                  return tf.sum(tf.mul(combined, tf.tensor2d(upstream, [IDS.length, D])));
                })([tf.tensor2d(before, [strategy.tableRows, D])])[0]!,
            );
            const values = Array.from(await tfGradient.data());
            tfGradient.dispose();
            return values;
          });
          if (strategy.paddingRow !== null) g.fill(0, strategy.paddingRow * D, (strategy.paddingRow + 1) * D);
          const expected = Array.from(before, (w, i) => w - g[i]!);
          expect(maxError(after, expected)).toBeLessThan(tolerance);
          const reference = referenceGradient(
            rows,
            k,
            combine,
            upstream,
            strategy.tableRows,
            D,
            strategy.paddingRow,
          );
          expect(maxError(g, reference)).toBeLessThan(tolerance);
          embedding.dispose();
        });
      });
    }

    const optimizers: OptimizerConfig[] = [
      { kind: 'sgd', lr: 0.05, weightDecay: 0.01 },
      { kind: 'adagrad', lr: 0.1, initialAccumulator: 0.1, weightDecay: 0.01 },
      { kind: 'rowwise-adagrad', lr: 0.1, weightDecay: 0.01 },
      { kind: 'adam', lr: 0.01, weightDecay: 0.01 },
    ];
    for (const optimizer of optimizers) {
      for (const mode of ['sparse', 'dense'] as const) {
        it(`${optimizer.kind} (${mode}) matches the scalar reference over three steps`, async () => {
          const strategy = strategies()['bloom sum k=3']!;
          const embedding = make(strategy, optimizer, mode);
          const weights = Array.from(await embedding.table.read());
          const state: ReferenceState = {};
          const m = strategy.tableRows;
          for (let step = 1; step <= 3; step++) {
            const ids = step === 2 ? Int32Array.of(5, 5, 9) : IDS;
            const rows = embedding.rowsFor(ids);
            const upstream = randomArray(ids.length * D, 100 + step);
            await embedding.applyGradients(rows, tf.tensor2d(upstream, [ids.length, D]));
            const gradient = referenceGradient(rows, 3, 'sum', upstream, m, D, strategy.paddingRow);
            const touched = new Set(Array.from(rows));
            referenceStep(optimizer, weights, state, gradient, touched, mode, D, step, strategy.paddingRow);
          }
          expect(maxError(await embedding.table.read(), weights)).toBeLessThan(tolerance);
          embedding.dispose();
        });
      }
    }

    for (const optimizer of [
      { kind: 'sgd', lr: 0.1 },
      { kind: 'adam', lr: 0.01, eps: 1e-7 },
    ] as OptimizerConfig[]) {
      it(`dense-mode ${optimizer.kind} reproduces stock TensorFlow.js (tf.Variable, tf.gather, tf.train)`, async () => {
        const strategy = strategies().dense!;
        const embedding = make(strategy, optimizer, 'dense');
        const initial = await embedding.table.read();
        const batches = [IDS, Int32Array.of(1, 2, 2), IDS].map((ids, i) => ({
          ids,
          upstream: randomArray(ids.length * D, i),
        }));
        for (const { ids, upstream } of batches) {
          await embedding.applyGradients(embedding.rowsFor(ids), tf.tensor2d(upstream, [ids.length, D]));
        }
        const stockWeights = await stockTf(adapter, async () => {
          const variable = tf.variable(tf.tensor2d(initial, [N, D]));
          const stock =
            optimizer.kind === 'sgd'
              ? tf.train.sgd(optimizer.lr)
              : tf.train.adam(optimizer.lr, 0.9, 0.999, 1e-7);
          for (const { ids, upstream } of batches) {
            stock.minimize(() =>
              tf.sum(
                tf.mul(
                  tf.gather(variable, tf.tensor1d(ids, 'int32')),
                  tf.tensor2d(upstream, [ids.length, D]),
                ),
              ),
            );
          }
          const values = await variable.data();
          stock.dispose();
          variable.dispose();
          return values;
        });
        expect(maxError(await embedding.table.read(), stockWeights)).toBeLessThan(tolerance);
        embedding.dispose();
      });
    }

    it('binary (multi-hot product) equals bloom-sum on the same hashes and weights, step after step', async () => {
      const options = { numEmbeddings: N, dim: D, compressionRatio: 0.25, numHashes: 4 };
      const gathered = make(createBloomStrategy(options), { kind: 'adam', lr: 0.05 });
      const product = make(createBloomStrategy(options, 'multi-hot-matmul'), { kind: 'adam', lr: 0.05 });
      for (let step = 0; step < 3; step++) {
        const upstream = tf.tensor2d(randomArray(IDS.length * D, step), [IDS.length, D]);
        const a = gathered.lookup(gathered.rowsFor(IDS));
        const b = product.lookup(product.rowsFor(IDS));
        expect(maxError(await b.data(), await a.data())).toBeLessThan(tolerance);
        await gathered.applyGradients(gathered.rowsFor(IDS), upstream);
        await product.applyGradients(product.rowsFor(IDS), upstream);
        tf.dispose([a, b, upstream]);
      }
      expect(maxError(await product.table.read(), await gathered.table.read())).toBeLessThan(tolerance);
      gathered.dispose();
      product.dispose();
    });

    it('keeps the padding row at zero, however many ids land on it', async () => {
      const strategy = createBloomStrategy({
        numEmbeddings: 1000,
        dim: D,
        compressionRatio: 0.01,
        numHashes: 4,
      });
      const embedding = make(strategy, { kind: 'adam', lr: 0.1, weightDecay: 0.1 });
      const ids = Int32Array.from({ length: 200 }, (_, i) => i);
      expect(Array.from(embedding.rowsFor(ids)).filter((r) => r === 0).length).toBeGreaterThan(4);
      for (let step = 0; step < 3; step++) {
        await embedding.applyGradients(
          embedding.rowsFor(ids),
          tf.tensor2d(randomArray(200 * D, step), [200, D]),
        );
      }
      const weights = await embedding.table.read();
      expect(Array.from(weights.subarray(0, D))).toEqual(new Array(D).fill(0));
      expect(weights.subarray(D).some((w) => w !== 0)).toBe(true);
      embedding.dispose();
    });

    it('rejects negative and out-of-range ids and rows before any kernel sees them', () => {
      const embedding = make(strategies()['bloom sum k=3']!, { kind: 'sgd', lr: 0.1 });
      expect(() => embedding.rowsFor(Int32Array.of(1, -1))).toThrow(IdRangeError);
      expect(() => embedding.rowsFor(Int32Array.of(1, N))).toThrow(
        /Id 40 at position 1 is out of range: expected an id in \[0, 39\]/,
      );
      const m = embedding.strategy.tableRows;
      const table = embedding.table;
      // Through the tensor methods where the table has them (a device-resident table has no synchronous ones).
      const lookup = (rows: Int32Array) =>
        isTensorTable(table)
          ? table.lookupTensor(rows, 3, 'sum').dispose()
          : hostTable(table).lookup(rows, 3, 'sum');
      const apply = (rows: Int32Array, grads: Float32Array) => {
        if (!isTensorTable(table)) return hostTable(table).applyGradients(rows, 3, 'sum', grads);
        const tensor = tf.tensor1d(grads);
        try {
          table.applyGradientsTensor(rows, 3, 'sum', tensor);
        } finally {
          tensor.dispose();
        }
      };
      expect(() => lookup(Int32Array.of(0, 1, m))).toThrow(IdRangeError);
      expect(() => apply(Int32Array.of(0, -1, 2), new Float32Array(D))).toThrow(IdRangeError);
      expect(() => apply(Int32Array.of(0, 1, 2), new Float32Array(2))).toThrow(ConfigError);
      embedding.dispose();
    });

    it('allocates optimizer state lazily and counts it', async () => {
      const strategy = strategies()['bloom sum k=3']!;
      const embedding = make(strategy, { kind: 'adam', lr: 0.01 });
      const weightBytes = strategy.tableRows * D * 4;
      expect(embedding.memory()).toMatchObject({ weightBytes, optimizerStateBytes: 0 });
      await embedding.applyGradients(
        embedding.rowsFor(IDS),
        tf.tensor2d(randomArray(IDS.length * D, 1), [IDS.length, D]),
      );
      expect(embedding.memory().optimizerStateBytes).toBe(2 * weightBytes);
      embedding.dispose();
    });

    it('several lookups into one table in a step make one optimizer step, with their gradients summed', async () => {
      const strategy = strategies()['bloom sum k=3']!;
      const once = make(strategy, { kind: 'adam', lr: 0.05 });
      const split = make(strategy, { kind: 'adam', lr: 0.05 });
      const a = Int32Array.of(1, 2, 3);
      const b = Int32Array.of(3, 4);
      const lossOf = (parts: tf.Tensor2D[]) =>
        tf.sum(
          tf.concat(
            parts.map((p) => tf.square(p)),
            0,
          ),
        ) as tf.Scalar;
      await sparseStep([{ embedding: once, ids: Int32Array.of(1, 2, 3, 3, 4) }], ([x]) => lossOf([x!]));
      await sparseStep(
        [
          { embedding: split, ids: a },
          { embedding: split, ids: b },
        ],
        (parts) => lossOf(parts),
      );
      expect((await split.table.readState()).step?.[0]).toBe(1);
      expect(maxError(await split.table.read(), await once.table.read())).toBeLessThan(tolerance);
      once.dispose();
      split.dispose();
    });

    it("applies the dense variables' weight decay as torch does: w - lr * (grad + decay * w)", async () => {
      const embedding = make(createDenseStrategy({ numEmbeddings: N, dim: D }), { kind: 'sgd', lr: 0.1 });
      const start = randomArray(D, 7);
      const w = tf.variable(tf.tensor1d(start), true, 'conformance-decayed');
      const optimizer = tf.train.sgd(0.1);
      const ids = Int32Array.of(1, 2);
      // d loss / d w = the sum of the looked-up rows, so the expected update follows from the table itself.
      const rows = await embedding.table.read();
      await sparseStep([{ embedding, ids }], ([x], [v]) => tf.sum(tf.mul(tf.sum(x!, 0), v!)) as tf.Scalar, {
        variables: [w],
        optimizer,
        weightDecay: 0.5,
      });
      const got = await w.data();
      for (let j = 0; j < D; j++) {
        const grad = rows[1 * D + j]! + rows[2 * D + j]!;
        expect(got[j]).toBeCloseTo(start[j]! - 0.1 * (grad + 0.5 * start[j]!), 5);
      }
      optimizer.dispose();
      w.dispose();
      embedding.dispose();
    });

    it('leaks no tensors over many training steps', async () => {
      const users = make(createDenseStrategy({ numEmbeddings: N, dim: D }), { kind: 'adam', lr: 0.01 });
      const items = make(strategies()['bloom sum k=3']!, { kind: 'adam', lr: 0.01 });
      const bias = tf.variable(tf.zeros([1]), true, 'conformance-bias');
      const dense = { variables: [bias], optimizer: tf.train.adam(0.01) };
      const step = () =>
        sparseStep(
          [
            { embedding: users, ids: IDS },
            { embedding: items, ids: IDS.map((id) => (id + 1) % N) },
          ],
          ([u, i], [b]) => tf.mean(tf.softplus(tf.neg(tf.add(tf.sum(tf.mul(u!, i!), 1), b!)))),
          dense,
        );
      const first = await step(); // creates the optimizer's slots
      const before = tf.memory().numTensors;
      let last = first;
      for (let s = 0; s < 50; s++) last = await step();
      expect(tf.memory().numTensors).toBe(before);
      expect(last).toBeLessThan(first);
      dense.optimizer.dispose();
      bias.dispose();
      users.dispose();
      items.dispose();
    });

    describeHashEmbeddings(make, tolerance, () => adapter);
  });
}

/**
 * Hash embeddings (combine `weighted`) on the backend's own tables: the lookup and one SGD step against stock
 * TensorFlow.js autograd over the pool and the importance weights as two variables, with duplicates, the padding
 * id and hashed weight rows shared by ids.
 */
function describeHashEmbeddings(
  make: (strategy: EmbeddingStrategy, optimizer: OptimizerConfig) => SparseEmbedding<EmbeddingTable>,
  tolerance: number,
  adapter: () => BackendAdapter,
): void {
  const hashStrategies = {
    'hash k=2, a weight per id': createHashStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.8,
      numHashes: 2,
    }),
    'hash k=3, weights hashed into 5 rows': createHashStrategy({
      numEmbeddings: N,
      dim: D,
      compressionRatio: 0.4,
      numHashes: 3,
      importanceRows: 5,
      hasher: 'xxhash32',
    }),
  };
  for (const [label, strategy] of Object.entries(hashStrategies)) {
    describe(label, () => {
      const k = strategy.rowsPerId - 1;
      const P = strategy.tableRows;
      const Q = strategy.importanceRows!;
      // The embedding as stock TensorFlow.js computes it from the two parts: sum_j w[id, j] * pool[row_j].
      const viaTf = (pool: tf.Tensor, weights: tf.Tensor, rows: Int32Array) => {
        const b = rows.length / (k + 1);
        const components = Int32Array.from(
          { length: b * k },
          (_, i) => rows[Math.floor(i / k) * (k + 1) + (i % k)]!,
        );
        const weightRows = Int32Array.from({ length: b }, (_, i) => rows[i * (k + 1) + k]! - P);
        const vectors = tf.gather(pool, tf.tensor1d(components, 'int32')).reshape([b, k, D]);
        const w = tf.gather(weights, tf.tensor1d(weightRows, 'int32')).reshape([b, k, 1]);
        return tf.sum(tf.mul(vectors, w), 1);
      };
      // Trained weights, so that no weight is 1 (the initial value, under which the components' sum would pass).
      const start = (seed: number) => {
        const values = randomArray(P * D + Q * k, seed);
        values.fill(0, 0, D); // the padding row
        return values;
      };

      it('lookup equals the weighted sum stock TensorFlow.js computes', async () => {
        const embedding = make(strategy, { kind: 'sgd', lr: 0.1 });
        const initial = start(3);
        await embedding.table.write(initial);
        const rows = embedding.rowsFor(IDS);
        const looked = embedding.lookup(rows);
        const expected = tf.tidy(() =>
          viaTf(
            tf.tensor2d(initial.subarray(0, P * D), [P, D]),
            tf.tensor2d(initial.subarray(P * D), [Q, k]),
            rows,
          ),
        );
        expect(maxError(await looked.data(), await expected.data())).toBeLessThan(tolerance);
        tf.dispose([looked, expected]);
        embedding.dispose();
      });

      it("one SGD step applies autograd's gradients to the pool and the importance weights", async () => {
        const embedding = make(strategy, { kind: 'sgd', lr: 1 });
        const before = start(4);
        await embedding.table.write(before);
        const rows = embedding.rowsFor(IDS);
        const upstream = randomArray(IDS.length * D, 8);
        await embedding.applyGradients(rows, tf.tensor2d(upstream, [IDS.length, D]));
        const after = await embedding.table.read();
        const gradient = await stockTf(adapter(), async () => {
          const grads = tf.tidy(() =>
            tf.grads((pool: tf.Tensor, weights: tf.Tensor) =>
              tf.sum(tf.mul(viaTf(pool, weights, rows), tf.tensor2d(upstream, [IDS.length, D]))),
            )([tf.tensor2d(before.subarray(0, P * D), [P, D]), tf.tensor2d(before.subarray(P * D), [Q, k])]),
          );
          const values = [...(await grads[0]!.data()), ...(await grads[1]!.data())];
          tf.dispose(grads);
          return values;
        });
        gradient.fill(0, 0, D); // the padding row is frozen
        // The weights' gradient is not trivially zero or the components' (a test that could not fail otherwise).
        expect(gradient.slice(P * D).some((g) => Math.abs(g) > 1e-3)).toBe(true);
        expect(
          maxError(
            after,
            Array.from(before, (w, i) => w - gradient[i]!),
          ),
        ).toBeLessThan(tolerance);
        embedding.dispose();
      });
    });
  }
}
