import {
  type BackendAdapter,
  type CombineMode,
  ConfigError,
  type EmbeddingStrategy,
  type EmbeddingTable,
  type HostTable,
  IdRangeError,
  isHostTable,
  type TableMemory,
  type TableOptions,
} from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { isTensorTable, type TensorTable } from '../tensor-table.js';
import { checkK, checkLength } from './validate-rows.js';

/**
 * Hash embeddings' table (combine `weighted`): two tables of the adapter's own kind, the component pool [P, d] and
 * the importance weights [Q, k], driven through their ordinary methods. A lookup gathers each id's k components
 * and k weights and sums weight times component; the backward pass hands each component row its weight times the
 * upstream gradient, and each weight the dot product of the upstream gradient with its component, so both tables
 * take their sparse optimizer step on every backend, with no kernel of their own.
 *
 * Its weights, as `read` and `write` see them, are the pool's [P, d] followed by the importance weights [Q, k]; its
 * optimizer state is the pool's, then the weights' under `importance.`.
 */
abstract class WeightedTableBase implements EmbeddingTable {
  /** P, the component rows. */
  readonly rows: number;
  readonly dim: number;
  /** k, components per id. */
  readonly k: number;

  constructor(
    readonly options: TableOptions,
    readonly components: EmbeddingTable,
    readonly importance: EmbeddingTable,
  ) {
    this.rows = components.rows;
    this.dim = components.dim;
    this.k = importance.dim;
  }

  async read(): Promise<Float32Array> {
    const pool = await this.components.read();
    const weights = await this.importance.read();
    const out = new Float32Array(pool.length + weights.length);
    out.set(pool);
    out.set(weights, pool.length);
    return out;
  }

  async write(weights: Float32Array): Promise<void> {
    const pool = this.rows * this.dim;
    checkLength('weights', weights, pool + this.importance.rows * this.k);
    await this.components.write(weights.subarray(0, pool));
    await this.importance.write(weights.subarray(pool));
  }

  async readState(): Promise<Record<string, Float32Array>> {
    const state = { ...(await this.components.readState()) };
    for (const [name, values] of Object.entries(await this.importance.readState())) {
      state[`${IMPORTANCE}${name}`] = values;
    }
    return state;
  }

  async writeState(state: Record<string, Float32Array>): Promise<void> {
    const pool: Record<string, Float32Array> = {};
    const weights: Record<string, Float32Array> = {};
    for (const [name, values] of Object.entries(state)) {
      if (name.startsWith(IMPORTANCE)) weights[name.slice(IMPORTANCE.length)] = values;
      else pool[name] = values;
    }
    await this.components.writeState(pool);
    await this.importance.writeState(weights);
  }

  memory(): TableMemory {
    const a = this.components.memory();
    const b = this.importance.memory();
    return {
      weightBytes: a.weightBytes + b.weightBytes,
      optimizerStateBytes: a.optimizerStateBytes + b.optimizerStateBytes,
      scratchBytes: a.scratchBytes + b.scratchBytes,
    };
  }

  dispose(): void {
    this.components.dispose();
    this.importance.dispose();
  }

  /**
   * Splits a batch's entries ([B, k + 1]) into its component rows ([B, k]) and weight rows ([B]), checked.
   * @throws ConfigError for another combine or k; IdRangeError for a weight row outside the importance table.
   */
  protected split(
    rows: Int32Array,
    width: number,
    combine: CombineMode,
    into: { components: Int32Array; weights: Int32Array },
  ): { components: Int32Array; weights: Int32Array } {
    if (combine !== 'weighted')
      throw new ConfigError('combine', "'weighted' for a hash-embeddings table", combine);
    if (width !== this.k + 1)
      throw new ConfigError('k', `${this.k + 1} (k components and a weight row)`, width);
    const batch = checkK(rows, width);
    const k = this.k;
    const components = into.components.length === batch * k ? into.components : new Int32Array(batch * k);
    const weights = into.weights.length === batch ? into.weights : new Int32Array(batch);
    const first = this.rows;
    const last = first + this.importance.rows - 1;
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < k; j++) components[b * k + j] = rows[b * width + j]!;
      const r = rows[b * width + k]!;
      if (r < first || r > last)
        throw new IdRangeError(r, b * width + k, `a weight row in [${first}, ${last}]`);
      weights[b] = r - first;
    }
    return { components, weights };
  }
}

// The prefix of the importance table's optimizer state in the combined table's state.
const IMPORTANCE = 'importance.';

/** A {@link WeightedTableBase} over two host tables: synchronous, with its buffers reused from batch to batch. */
export class WeightedHostTable extends WeightedTableBase implements HostTable {
  #rows: { components: Int32Array; weights: Int32Array } = {
    components: new Int32Array(0),
    weights: new Int32Array(0),
  };
  #vectors = new Float32Array(0);
  #weights = new Float32Array(0);
  #dVectors = new Float32Array(0);
  #dWeights = new Float32Array(0);

  constructor(options: TableOptions, components: HostTable, importance: HostTable) {
    super(options, components, importance);
  }

  lookup(rows: Int32Array, width: number, combine: CombineMode, out?: Float32Array): Float32Array {
    const batch = this.#gather(rows, width, combine);
    const { k, dim: d } = this;
    const result = out ?? new Float32Array(batch * d);
    checkLength('out', result, batch * d);
    const vectors = this.#vectors;
    const weights = this.#weights;
    result.fill(0);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < k; j++) {
        const w = weights[b * k + j]!;
        const from = (b * k + j) * d;
        for (let c = 0; c < d; c++) result[b * d + c]! += w * vectors[from + c]!;
      }
    }
    return result;
  }

  applyGradients(rows: Int32Array, width: number, combine: CombineMode, grads: Float32Array): void {
    const batch = this.#gather(rows, width, combine);
    const { k, dim: d } = this;
    checkLength('grads', grads, batch * d);
    if (this.#dVectors.length !== batch * k * d) this.#dVectors = new Float32Array(batch * k * d);
    if (this.#dWeights.length !== batch * k) this.#dWeights = new Float32Array(batch * k);
    const vectors = this.#vectors;
    const weights = this.#weights;
    const dVectors = this.#dVectors;
    const dWeights = this.#dWeights;
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < k; j++) {
        const w = weights[b * k + j]!;
        const at = (b * k + j) * d;
        let dot = 0;
        for (let c = 0; c < d; c++) {
          const g = grads[b * d + c]!;
          dVectors[at + c] = w * g;
          dot += g * vectors[at + c]!;
        }
        dWeights[b * k + j] = dot;
      }
    }
    // Both gradients come from the weights before this step; then each table takes its own optimizer step.
    (this.components as HostTable).applyGradients(this.#rows.components, 1, 'sum', dVectors);
    (this.importance as HostTable).applyGradients(this.#rows.weights, 1, 'sum', dWeights);
  }

  // The batch's component vectors ([B k, d]) and weights ([B, k]) into this table's buffers; returns B.
  #gather(rows: Int32Array, width: number, combine: CombineMode): number {
    this.#rows = this.split(rows, width, combine, this.#rows);
    const batch = this.#rows.weights.length;
    if (this.#vectors.length !== batch * this.k * this.dim)
      this.#vectors = new Float32Array(batch * this.k * this.dim);
    if (this.#weights.length !== batch * this.k) this.#weights = new Float32Array(batch * this.k);
    (this.components as HostTable).lookup(this.#rows.components, 1, 'sum', this.#vectors);
    (this.importance as HostTable).lookup(this.#rows.weights, 1, 'sum', this.#weights);
    return batch;
  }
}

/** A {@link WeightedTableBase} over two tensor tables (a GPU adapter's): the arithmetic runs as tensor ops. */
export class WeightedTensorTable extends WeightedTableBase implements TensorTable {
  lookupTensor(rows: Int32Array, width: number, combine: CombineMode): tf.Tensor2D {
    const { components, weights } = this.split(rows, width, combine, EMPTY_SPLIT);
    const batch = weights.length;
    return tf.tidy(() => {
      const [vectors, w] = this.#gather(components, weights, batch);
      return tf.sum(tf.mul(vectors, w), 1) as tf.Tensor2D;
    });
  }

  applyGradientsTensor(rows: Int32Array, width: number, combine: CombineMode, grads: tf.Tensor): void {
    const { components, weights } = this.split(rows, width, combine, EMPTY_SPLIT);
    const { k, dim: d } = this;
    const batch = weights.length;
    if (grads.size !== batch * d)
      throw new ConfigError('grads', `a tensor of ${batch * d} values ([B, d])`, grads.size);
    const [dVectors, dWeights] = tf.tidy(() => {
      const [vectors, w] = this.#gather(components, weights, batch);
      const g = tf.reshape(grads, [batch, 1, d]);
      return [tf.reshape(tf.mul(w, g), [batch * k, d]), tf.sum(tf.mul(vectors, g), 2)];
    });
    try {
      tensorTable(this.components).applyGradientsTensor(components, 1, 'sum', dVectors);
      tensorTable(this.importance).applyGradientsTensor(weights, 1, 'sum', dWeights);
    } finally {
      tf.dispose([dVectors, dWeights]);
    }
  }

  // [B, k, d] component vectors and [B, k, 1] weights (call inside a tidy).
  #gather(components: Int32Array, weights: Int32Array, batch: number): [tf.Tensor3D, tf.Tensor3D] {
    const vectors = tensorTable(this.components).lookupTensor(components, 1, 'sum');
    const w = tensorTable(this.importance).lookupTensor(weights, 1, 'sum');
    return [tf.reshape(vectors, [batch, this.k, this.dim]), tf.reshape(w, [batch, this.k, 1])];
  }
}

const EMPTY_SPLIT = { components: new Int32Array(0), weights: new Int32Array(0) };

/**
 * The table of a weighted strategy (see {@link WeightedTableBase}): its pool and its importance weights created
 * on `adapter` with `options`' optimizer, update mode, access and group. `init` is the pool then the weights.
 */
export function createWeightedTable(
  adapter: BackendAdapter,
  strategy: EmbeddingStrategy,
  options: TableOptions,
  init: Float32Array,
): EmbeddingTable {
  const k = strategy.rowsPerId - 1;
  const importanceRows = strategy.importanceRows;
  if (importanceRows === undefined || k < 1) {
    throw new ConfigError('strategy', 'a weighted strategy with importanceRows and k >= 1', strategy.name);
  }
  const pool = strategy.tableRows * strategy.dim;
  checkLength('init', init, pool + importanceRows * k);
  const components = adapter.createTable(options, init.subarray(0, pool));
  const importance = adapter.createTable(
    { ...options, rows: importanceRows, dim: k, frozenRow: null, formulation: 'gather' },
    init.subarray(pool),
  );
  if (isTensorTable(components) || isTensorTable(importance)) {
    return new WeightedTensorTable(options, components, importance);
  }
  if (!isHostTable(components) || !isHostTable(importance)) {
    throw new TypeError('a table must offer either the host (typed-array) or the tensor methods');
  }
  return new WeightedHostTable(options, components, importance);
}

// A host table seen through the tensor methods, for a weighted table whose other part the adapter keeps on a GPU.
function tensorTable(table: EmbeddingTable): TensorTable {
  if (isTensorTable(table)) return table;
  const host = table as HostTable;
  return Object.assign(Object.create(host) as HostTable, {
    lookupTensor: (rows: Int32Array, k: number, combine: CombineMode) =>
      tf.tensor2d(host.lookup(rows, k, combine), [rows.length / k, host.dim]),
    applyGradientsTensor: (rows: Int32Array, k: number, combine: CombineMode, grads: tf.Tensor) =>
      host.applyGradients(rows, k, combine, grads.dataSync() as Float32Array),
  });
}
