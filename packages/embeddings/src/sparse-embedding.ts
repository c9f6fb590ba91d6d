import {
  type BackendAdapter,
  type EmbeddingStrategy,
  type EmbeddingTable,
  type HostTable,
  isHostTable,
  type OptimizerConfig,
  type TableAccess,
  type TableGroup,
  type TableMemory,
  type UpdateMode,
} from '@bloom/core';
import * as tf from '@tensorflow/tfjs';
import { initialWeights } from './initial-weights.js';
import { createWeightedTable } from './tables/weighted-table.js';
import { isTensorTable } from './tensor-table.js';

/** Options of {@link SparseEmbedding.create}. */
export interface SparseEmbeddingOptions {
  readonly strategy: EmbeddingStrategy;
  readonly adapter: BackendAdapter;
  readonly optimizer: OptimizerConfig;
  /** Default `sparse`. */
  readonly updateMode?: UpdateMode;
  /** Seed of the initial weights (Spotlight's normal(0, 1/d)). Default 0. Ignored when `init` is given. */
  readonly seed?: number;
  /** Initial weights, [tableRows, d]. */
  readonly init?: Float32Array;
  /**
   * `tensor` when the table is used only through {@link lookup} and {@link applyGradients} (and `sparseStep`), so a
   * GPU adapter may keep it on the device; default `host` (the table's typed-array methods work too).
   */
  readonly access?: TableAccess;
  /** Tables trained together by one fused step share a group (see TableOptions.group). */
  readonly group?: TableGroup;
}

/**
 * An embedding layer whose table lives in the backend adapter, outside TensorFlow.js's autodiff: the lookup
 * is a plain [B, d] tensor for the model's dense part, and the gradient with respect to it comes back through
 * {@link applyGradients}, which updates only the touched rows in place.
 *
 * @example
 * const items = SparseEmbedding.create({ strategy, adapter, optimizer: { kind: 'adam', lr: 1e-2 } });
 * const rows = items.rowsFor(ids);       // validated, [B, k]
 * const vectors = items.lookup(rows);    // tf.Tensor2D [B, d]
 * // ... loss, tf.grads with respect to `vectors` ...
 * await items.applyGradients(rows, grad);
 */
export class SparseEmbedding<Table extends EmbeddingTable = HostTable> {
  private constructor(
    readonly strategy: EmbeddingStrategy,
    readonly table: Table,
  ) {}

  /**
   * Creates the table on `options.adapter`, initialised as Spotlight does unless `init` is given: a host table
   * unless `access` is `tensor`, where the adapter may return a table with tensor methods only.
   */
  static create(options: SparseEmbeddingOptions & { readonly access?: 'host' }): SparseEmbedding<HostTable>;
  static create(options: SparseEmbeddingOptions): SparseEmbedding<EmbeddingTable>;
  static create(options: SparseEmbeddingOptions): SparseEmbedding<EmbeddingTable> {
    const { strategy } = options;
    const tableOptions = {
      rows: strategy.tableRows,
      dim: strategy.dim,
      optimizer: options.optimizer,
      updateMode: options.updateMode ?? 'sparse',
      frozenRow: strategy.paddingRow,
      formulation: strategy.formulation,
      access: options.access ?? 'host',
      group: options.group,
    };
    const init = options.init ?? initialWeights(strategy, options.seed ?? 0);
    // A weighted strategy (hash embeddings) trains a pool and importance weights: two tables behind one.
    const table =
      strategy.combine === 'weighted'
        ? createWeightedTable(options.adapter, strategy, tableOptions, init)
        : options.adapter.createTable(tableOptions, init);
    return new SparseEmbedding(strategy, table);
  }

  /** Validated table rows of B ids: [B, k]. */
  rowsFor(ids: Int32Array): Int32Array {
    return this.strategy.rowsFor(ids);
  }

  /** The combined embeddings of the rows' ids as a [B, d] tensor (not a variable). */
  lookup(rows: Int32Array): tf.Tensor2D {
    const k = this.strategy.rowsPerId;
    if (isTensorTable(this.table)) return this.table.lookupTensor(rows, k, this.strategy.combine);
    const values = hostTable(this.table).lookup(rows, k, this.strategy.combine);
    return tf.tensor2d(values, [rows.length / k, this.strategy.dim], 'float32');
  }

  /** Applies dLoss/d(lookup) ([B, d]) to the table: summed per row, then the optimizer step in place. */
  async applyGradients(rows: Int32Array, grads: tf.Tensor): Promise<void> {
    if (isTensorTable(this.table)) {
      this.table.applyGradientsTensor(rows, this.strategy.rowsPerId, this.strategy.combine, grads);
      return;
    }
    const values = (await grads.data()) as Float32Array;
    hostTable(this.table).applyGradients(rows, this.strategy.rowsPerId, this.strategy.combine, values);
  }

  memory(): TableMemory {
    return this.table.memory();
  }

  dispose(): void {
    this.table.dispose();
  }
}

/** A table that is not a tensor table is a host table: every adapter returns one or the other. */
export function hostTable(table: EmbeddingTable): HostTable {
  if (!isHostTable(table)) {
    throw new TypeError('a table must offer either the host (typed-array) or the tensor methods');
  }
  return table;
}
