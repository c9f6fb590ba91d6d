import { ConfigError, type EmbeddingStrategy, type Model, models } from '@bloom/core';
import type { ServedUser } from '../factorization/catalog-scorer.js';
import { registerBuiltinModels } from '../registry.js';
import { MAX_SELECTION, QuantizedCatalog } from './quantized-catalog.js';
import type { ServingIndex } from './serving-index.js';
import { topK } from './top-k.js';

/** An id as the data had it: a string for data with its own ids, else the integer. */
export type RawId = string | number;

/** One user's recommendations, DESIGN.md's `bloom recommend` object. */
export interface Recommendation {
  /** The user asked about; null for recommendations after a given history. */
  readonly user: RawId | null;
  /** Whether the user had no interactions in training (scored from rows it was never trained on directly). */
  readonly cold: boolean;
  readonly items: readonly { readonly item: RawId; readonly score: number }[];
}

/** The options of {@link Recommender.recommend}. */
export interface RecommendOptions {
  /** How many items; default 10. */
  readonly k?: number;
  /** Leave out the items the user had in training. */
  readonly excludeSeen?: boolean;
}

// The scoring each built-in model kind offers (factorization: per user; sequence: after a history).
interface UserScorer {
  predict(userId: number, itemIds?: Int32Array): Float32Array;
  catalogScorer?(itemIds: Int32Array, itemRows?: Int32Array): (user: ServedUser) => Float32Array;
  catalogVectors?(
    itemIds: Int32Array,
    itemRows?: Int32Array,
  ): { vectors: Float32Array; biases: Float32Array };
  userVector?(user: ServedUser): Float32Array;
}

/** Options of the {@link Recommender}. */
export interface RecommenderOptions {
  /**
   * Catalogues of at least this many items are ranked through an int8 copy that picks the candidates, then the
   * candidates' exact scores (the same top k as scoring every item; see QuantizedCatalog). Default 32768.
   */
  readonly quantizeFrom?: number;
}

const QUANTIZE_FROM = 32_768;
interface PairScorer {
  predict(userIds: Int32Array, itemIds: Int32Array): Float32Array;
}
interface SequenceScorer {
  predict(sequence: Int32Array, rows?: Int32Array): Float32Array;
}

/**
 * Answers recommendation requests from a trained model and its {@link ServingIndex}, in the data's own ids:
 * the top k of the catalog for a user (optionally without the items the user had), the next items after a
 * history (sequence models), and scores of user-item pairs. Unknown ids are ConfigErrors that name them.
 */
export class Recommender {
  readonly task: string;
  readonly #userIds: Map<string, number> | undefined;
  readonly #itemIds: Map<string, number> | undefined;
  // Implicit models: the catalogue's scores for a user, its rows prepared once (aligned with the catalogue).
  readonly #catalogScores: ((user: ServedUser) => Float32Array) | undefined;
  // Vocabulary-free (keyed) tables: the rows of any raw key, trained or not.
  readonly #userKeyRows: ((keys: readonly string[]) => Int32Array) | undefined;
  readonly #itemKeyRows: ((keys: readonly string[]) => Int32Array) | undefined;
  // Large catalogues of implicit models: an int8 copy that picks candidates, and every catalogue item's rows.
  readonly #quantized: { catalog: QuantizedCatalog; rows: Int32Array; k: number } | undefined;

  constructor(
    readonly model: Model,
    readonly index: ServingIndex,
    options: RecommenderOptions = {},
  ) {
    registerBuiltinModels();
    this.task = models.get(model.kind).task;
    this.#userIds =
      index.users === undefined ? undefined : new Map(index.users.map((raw, i) => [raw, i + 1]));
    this.#itemIds =
      index.items === undefined ? undefined : new Map(index.items.map((raw, i) => [raw, i + 1]));
    const { users, items } = model.embeddings();
    const keyRows = (strategy: EmbeddingStrategy | undefined) =>
      strategy?.rowsForKeys === undefined
        ? undefined
        : (keys: readonly string[]) => strategy.rowsForKeys!(keys);
    this.#userKeyRows = keyRows(users?.strategy);
    this.#itemKeyRows = keyRows(items?.strategy);
    if (index.newItems !== undefined && (this.#itemKeyRows === undefined || this.task !== 'implicit')) {
      throw new ConfigError(
        'catalog',
        'items the model was trained with (only an implicit factorization model on a vocabulary-free item table ranks new items)',
        index.newItems[0],
      );
    }
    const scorer = model as unknown as UserScorer;
    if (this.task === 'implicit' && scorer.catalogScorer !== undefined) {
      const itemRows = this.#itemKeyRows === undefined ? undefined : this.#catalogRows(items!.strategy);
      this.#catalogScores = scorer.catalogScorer(index.catalog, itemRows);
      if (
        index.catalog.length >= (options.quantizeFrom ?? QUANTIZE_FROM) &&
        scorer.catalogVectors !== undefined &&
        scorer.userVector !== undefined
      ) {
        const rows = itemRows ?? items!.strategy.rowsFor(index.catalog);
        const { vectors, biases } = scorer.catalogVectors(index.catalog, rows);
        const dim = vectors.length / Math.max(1, biases.length);
        this.#quantized = {
          catalog: new QuantizedCatalog(vectors, biases, dim),
          rows,
          k: items!.strategy.rowsPerId,
        };
      }
    }
  }

  /** Whether a raw user or item id the model never saw is scored from its hashed rows (a keyed table). */
  keyed(side: 'users' | 'items'): boolean {
    return (side === 'users' ? this.#userKeyRows : this.#itemKeyRows) !== undefined;
  }

  /** The number of users the model's user table has (0 for sequence models, which have none). */
  get numUsers(): number {
    return this.index.seenOffsets.length - 1;
  }

  /** The k best catalog items for `user` (a factorization model's user, or a sequence model's user's history). */
  recommend(user: RawId, options: RecommendOptions = {}): Recommendation {
    const k = checkK(options.k);
    const unseen = this.#unseenKeyRows(user, 'users');
    if (unseen !== undefined) {
      if (this.#catalogScores === undefined) {
        throw new ConfigError(
          'user',
          `a user the model was trained with (a ${this.model.kind} model does not score unseen users)`,
          user,
        );
      }
      return this.#ranked(user, true, { rows: unseen }, k, undefined);
    }
    const id = this.userId(user);
    const seen = this.#seen(id);
    const cold = seen.length === 0;
    if (cold) this.#refuseCold(user);
    const excluded = options.excludeSeen ? new Set(seen) : undefined;
    if (this.#catalogScores !== undefined) return this.#ranked(user, cold, id, k, excluded);
    const scores = this.task === 'sequence' ? this.#afterHistory(seen) : this.#forUser(id);
    return this.#answer(user, cold, scores, k, excluded);
  }

  /**
   * The k best catalog items to follow `history` (item ids, oldest first); sequence models only. On a keyed
   * (vocabulary-free) item table, items never trained are read from their hashed rows, and the answer is `cold`.
   */
  recommendAfter(history: readonly RawId[], options: RecommendOptions = {}): Recommendation {
    if (this.task !== 'sequence') {
      throw new ConfigError(
        'history',
        `a sequence model (this one is ${this.model.kind})`,
        history.join(','),
      );
    }
    const k = checkK(options.k);
    const unseen = history.map((raw) => this.#unseenKeyRows(raw, 'items'));
    // Items never trained have no id: 0 stands in, and their rows come from their keys.
    const items = Int32Array.from(history, (raw, t) => (unseen[t] === undefined ? this.itemId(raw) : 0));
    const cold = unseen.some((rows) => rows !== undefined);
    const rows = cold ? this.#historyRows(items, unseen) : undefined;
    const scores = this.#afterHistory(items, rows);
    return this.#answer(null, cold, scores, k, options.excludeSeen ? new Set(items) : undefined);
  }

  /** The model's scores of aligned (user, item) pairs, in the data's ids. */
  score(pairs: readonly { readonly user: RawId; readonly item: RawId }[]): number[] {
    return pairs.map(({ user, item }) => {
      const userRows = this.#unseenKeyRows(user, 'users');
      const itemRows = this.#unseenKeyRows(item, 'items');
      if ((userRows ?? itemRows) !== undefined && this.task === 'implicit') {
        return this.#scoreKeyed(user, userRows, item, itemRows);
      }
      const u = this.userId(user);
      const i = this.itemId(item);
      const scores = this.task === 'sequence' ? this.#afterHistory(this.#seen(u)) : this.#forUser(u, i);
      return this.task === 'sequence' ? scores[i]! : scores[0]!;
    });
  }

  /** The contiguous id of a raw user id. */
  userId(raw: RawId): number {
    return this.#resolve(raw, this.#userIds, this.numUsers, 'user');
  }

  /** The contiguous id of a raw item id. */
  itemId(raw: RawId): number {
    const numItems = (this.model.config as { numItems: number }).numItems;
    return this.#resolve(raw, this.#itemIds, numItems, 'item');
  }

  /**
   * An id from text (a command line, a query string) as the data had it: the string where the data had its own
   * ids, else the integer it spells (answers then carry integers, as the data did).
   */
  rawIdOf(text: string, side: 'users' | 'items'): RawId {
    return this.index[side] === undefined && /^\d+$/.test(text) ? Number(text) : text;
  }

  /** The raw id of contiguous item id `id` (or of a new catalog item, from numItems up). */
  rawItem(id: number): RawId {
    const numItems = (this.model.config as { numItems: number }).numItems;
    if (id >= numItems) return this.index.newItems![id - numItems]!;
    return this.index.items === undefined ? id : this.index.items[id - 1]!;
  }

  // The top k of the catalogue for a user of an implicit model: from the candidates the int8 copy picks, by their
  // exact scores, where there is one; else every item's exact score.
  #ranked(
    user: RawId,
    cold: boolean,
    served: ServedUser,
    k: number,
    excluded: ReadonlySet<number> | undefined,
  ): Recommendation {
    const quantized = this.#quantized;
    const count = k + (excluded?.size ?? 0);
    if (quantized === undefined || count > MAX_SELECTION) {
      return this.#answer(user, cold, this.#catalogScores!(served), k, excluded, true);
    }
    const model = this.model as unknown as Required<UserScorer>;
    const positions = quantized.catalog.candidates(
      model.userVector(served),
      Math.min(count, quantized.catalog.size),
    );
    const ids = new Int32Array(positions.length);
    const rows = new Int32Array(positions.length * quantized.k);
    for (let j = 0; j < positions.length; j++) {
      const at = positions[j]!;
      ids[j] = this.index.catalog[at]!;
      rows.set(quantized.rows.subarray(at * quantized.k, (at + 1) * quantized.k), j * quantized.k);
    }
    const scores = model.catalogScorer(ids, rows)(served);
    return this.#answer(user, cold, scores, k, excluded, true, ids);
  }

  // The hashed rows of a raw id the model never saw, where its table is keyed; undefined for a known id (or an
  // unknown one on another table, which the caller then refuses by name).
  #unseenKeyRows(raw: RawId, side: 'users' | 'items'): Int32Array | undefined {
    const keyRows = side === 'users' ? this.#userKeyRows : this.#itemKeyRows;
    const vocabulary = side === 'users' ? this.#userIds : this.#itemIds;
    if (keyRows === undefined || vocabulary === undefined || vocabulary.has(String(raw))) return undefined;
    return keyRows([String(raw)]);
  }

  // One pair's score where the user or the item (or both) was never trained: from their keys' rows, bias 0.
  #scoreKeyed(
    user: RawId,
    userRows: Int32Array | undefined,
    item: RawId,
    itemRows: Int32Array | undefined,
  ): number {
    const model = this.model as unknown as Required<UserScorer>;
    const numItems = (this.model.config as { numItems: number }).numItems;
    const served: ServedUser = userRows === undefined ? this.userId(user) : { rows: userRows };
    const id = itemRows === undefined ? this.itemId(item) : numItems;
    const rows = itemRows ?? this.#itemKeyRows!([String(item)]);
    return model.catalogScorer(Int32Array.of(id), rows)(served)[0]!;
  }

  // The catalogue's rows on a keyed item table: trained items by their ids, new ones from their keys.
  #catalogRows(strategy: EmbeddingStrategy): Int32Array {
    const { catalog } = this.index;
    const numItems = (this.model.config as { numItems: number }).numItems;
    const k = strategy.rowsPerId;
    const trained = catalog.filter((id) => id < numItems);
    const rows = new Int32Array(catalog.length * k);
    rows.set(strategy.rowsFor(trained));
    if (trained.length < catalog.length)
      rows.set(this.#itemKeyRows!(this.index.newItems!), trained.length * k);
    return rows;
  }

  #resolve(raw: RawId, vocabulary: Map<string, number> | undefined, size: number, what: string): number {
    if (vocabulary !== undefined) {
      const id = vocabulary.get(String(raw));
      if (id === undefined) {
        throw new ConfigError(
          what,
          `${what === 'item' ? 'an' : 'a'} ${what} id the model was trained with`,
          raw,
        );
      }
      return id;
    }
    const id = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(id) || id < 0 || id >= size) {
      throw new ConfigError(what, `an integer ${what} id in [0, ${size - 1}]`, raw);
    }
    return id;
  }

  // A user without training rows is answered only where its rows are shared (hashed) and so trained: a dense
  // table's row for it is its initial noise, and a sequence model has no history to continue.
  #refuseCold(user: RawId): void {
    if (this.task === 'sequence') {
      throw new ConfigError(
        'user',
        'a user with items in training (a sequence model continues a history)',
        user,
      );
    }
    const users = this.model.embeddings().users;
    const hashed = users?.strategy.rowMap?.kind === 'hash' || users?.strategy.rowsForKeys !== undefined;
    if (!hashed) {
      throw new ConfigError(
        'user',
        'a user with interactions in training (the dense user table has no trained row for others)',
        user,
      );
    }
  }

  #seen(user: number): Int32Array {
    const { seenOffsets, seenItems } = this.index;
    return seenItems.subarray(seenOffsets[user]!, seenOffsets[user + 1]!);
  }

  // Scores indexed by item id (all items, or only `item` at index 0).
  #forUser(user: number, item?: number): Float32Array {
    if (this.task === 'implicit') {
      const model = this.model as unknown as UserScorer;
      return item === undefined ? model.predict(user) : model.predict(user, Int32Array.of(item));
    }
    const numItems = (this.model.config as { numItems: number }).numItems;
    const items =
      item === undefined ? Int32Array.from({ length: numItems }, (_, i) => i) : Int32Array.of(item);
    return (this.model as unknown as PairScorer).predict(new Int32Array(items.length).fill(user), items);
  }

  // `rows`, where given, are the history's rows ([n x k]) in place of its ids'.
  #afterHistory(history: Int32Array, rows?: Int32Array): Float32Array {
    const model = this.model as unknown as SequenceScorer;
    const length = this.index.sequenceLength ?? 10;
    // The last `length` items, left-padded with 0 as training sequences are.
    const sequence = new Int32Array(length);
    const from = Math.max(0, history.length - length);
    const tail = history.subarray(from);
    sequence.set(tail, length - tail.length);
    if (rows === undefined) return model.predict(sequence);
    const strategy = this.model.embeddings().items!.strategy;
    const k = strategy.rowsPerId;
    const padded = strategy.rowsFor(new Int32Array(length));
    padded.set(rows.subarray(from * k), (length - tail.length) * k);
    return model.predict(sequence, padded);
  }

  // A history's rows: trained items by their ids, the others (`unseen[t]` set) from their keys.
  #historyRows(items: Int32Array, unseen: readonly (Int32Array | undefined)[]): Int32Array {
    const strategy = this.model.embeddings().items!.strategy;
    const k = strategy.rowsPerId;
    const rows = strategy.rowsFor(items);
    unseen.forEach((keyRows, t) => {
      if (keyRows !== undefined) rows.set(keyRows, t * k);
    });
    return rows;
  }

  #answer(
    user: RawId | null,
    cold: boolean,
    scores: Float32Array,
    k: number,
    excluded: ReadonlySet<number> | undefined,
    aligned = false,
    catalog = this.index.catalog,
  ): Recommendation {
    const best = topK(scores, catalog, k, excluded, aligned);
    return {
      user,
      cold,
      items: Array.from(best.items, (item, i) => ({ item: this.rawItem(item), score: best.scores[i]! })),
    };
  }
}

function checkK(k = 10): number {
  if (!Number.isInteger(k) || k < 1 || k > 10_000) throw new ConfigError('k', 'an integer in [1, 10000]', k);
  return k;
}
