import { Rng } from '@bloom/core';
import { SparseEmbedding } from '@bloom/embeddings';
import type { RankingScorer } from '../evaluation/ranking-scorer.js';
import { dotRows } from './dot-rows.js';
import { type AdapterLike, type ResolvedFactorizationConfig, strategyFor } from './factorization-config.js';

/**
 * Spotlight's BilinearNet: score(u, i) = dot(U[u], I[i]) + b_u + b_i, with users and items embedded by any
 * strategy and full-size zero-initialised bias tables. The tables live in the backend adapter; forward and
 * backward are fused loops over typed arrays, because at recommendation batch sizes TensorFlow.js's per-op
 * overhead would cost more than the arithmetic.
 */
export class BilinearNet implements RankingScorer {
  readonly users: SparseEmbedding;
  readonly items: SparseEmbedding;
  readonly userBias: SparseEmbedding;
  readonly itemBias: SparseEmbedding;
  readonly dim: number;
  readonly numItems: number;

  constructor(config: ResolvedFactorizationConfig, adapter: AdapterLike) {
    const { dim, optimizer, updateMode, seed } = config;
    // One group, so that an adapter may keep the four tables in one memory for the fused step.
    const group = { name: 'bilinear-net' };
    const embed = (strategy: ReturnType<typeof strategyFor>, s: number, zero: boolean) =>
      SparseEmbedding.create({
        strategy,
        adapter: adapter as never,
        optimizer,
        updateMode,
        seed: s,
        group,
        init: zero ? new Float32Array(strategy.tableRows * strategy.dim) : undefined,
      });
    const biasSpec = { strategy: 'dense', options: {} };
    this.dim = dim;
    this.numItems = config.numItems;
    this.users = embed(strategyFor(config.users, config.numUsers, dim), Rng.streamSeed(seed, 'users'), false);
    this.items = embed(strategyFor(config.items, config.numItems, dim), Rng.streamSeed(seed, 'items'), false);
    this.userBias = embed(strategyFor(biasSpec, config.numUsers, 1), 0, true);
    this.itemBias = embed(strategyFor(biasSpec, config.numItems, 1), 0, true);
  }

  /** Looks up [n, d] vectors of `ids` through `embedding` (validating the ids). */
  static vectors(embedding: SparseEmbedding, ids: Int32Array): { rows: Int32Array; values: Float32Array } {
    const rows = embedding.rowsFor(ids);
    return {
      rows,
      values: embedding.table.lookup(rows, embedding.strategy.rowsPerId, embedding.strategy.combine),
    };
  }

  /** Applies gradients with respect to looked-up vectors ([n, d]) to `embedding`'s table. */
  static applyGradients(embedding: SparseEmbedding, rows: Int32Array, grads: Float32Array): void {
    embedding.table.applyGradients(rows, embedding.strategy.rowsPerId, embedding.strategy.combine, grads);
  }

  /** Raw scores dot(U[u], I[i]) + b_u + b_i of aligned (user, item) pairs. */
  score(userIds: Int32Array, itemIds: Int32Array): Float32Array {
    const u = BilinearNet.vectors(this.users, userIds).values;
    const i = BilinearNet.vectors(this.items, itemIds).values;
    const bu = BilinearNet.vectors(this.userBias, userIds).values;
    const bi = BilinearNet.vectors(this.itemBias, itemIds).values;
    const d = this.dim;
    const out = new Float32Array(userIds.length);
    for (let b = 0; b < out.length; b++) {
      let s = bu[b]! + bi[b]!;
      for (let c = 0; c < d; c++) s += u[b * d + c]! * i[b * d + c]!;
      out[b] = s;
    }
    return out;
  }

  /**
   * Raw scores of `itemIds` for one user, into `out`: the user's vector is looked up once and dotted with each
   * item's, in one fused pass where the item table offers it (`dotRows`), else through looked-up vectors.
   */
  scoreForUser(userId: number, itemIds: Int32Array, out: Float32Array): void {
    const user = Int32Array.of(userId);
    const u = BilinearNet.vectors(this.users, user).values;
    const bu = BilinearNet.vectors(this.userBias, user).values[0]!;
    const bi = BilinearNet.vectors(this.itemBias, itemIds).values;
    const { table, strategy } = this.items;
    dotRows(table, this.items.rowsFor(itemIds), strategy.rowsPerId, strategy.combine, u, out);
    for (let i = 0; i < out.length; i++) out[i] = bu + bi[i]! + out[i]!;
  }

  /** Every item's vector ([numItems, d]) and bias, for scoring whole catalogues in batches. */
  itemMatrix(from: number, to: number): { vectors: Float32Array; biases: Float32Array } {
    const ids = Int32Array.from({ length: to - from }, (_, k) => from + k);
    return {
      vectors: BilinearNet.vectors(this.items, ids).values,
      biases: BilinearNet.vectors(this.itemBias, ids).values,
    };
  }

  /** Scores of items [from, to) for each user, [users, to - from] (see RankingScorer). */
  scoreChunk(userIds: Int32Array, from: number, to: number, out: Float32Array): void {
    const u = BilinearNet.vectors(this.users, userIds).values;
    const bu = BilinearNet.vectors(this.userBias, userIds).values;
    const { vectors, biases } = this.itemMatrix(from, to);
    const d = this.dim;
    const width = to - from;
    for (let b = 0; b < userIds.length; b++) {
      for (let i = 0; i < width; i++) {
        let s = bu[b]! + biases[i]!;
        for (let c = 0; c < d; c++) s += u[b * d + c]! * vectors[i * d + c]!;
        out[b * width + i] = s;
      }
    }
  }

  /** All four embeddings, by name (checkpoints, memory reports). */
  embeddings(): Record<string, SparseEmbedding> {
    return { users: this.users, items: this.items, userBias: this.userBias, itemBias: this.itemBias };
  }

  dispose(): void {
    for (const e of Object.values(this.embeddings())) e.dispose();
  }
}
