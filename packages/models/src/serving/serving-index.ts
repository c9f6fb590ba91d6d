import type { Interactions } from '@bloom/data';

/**
 * What a saved model needs to answer requests besides its weights: the raw ids behind its contiguous ids (when
 * the data had its own ids, e.g. strings), the items each user had in training (to exclude them, and as the
 * history a sequence model continues), and the catalog a recommendation ranks.
 */
export interface ServingIndex {
  /** Raw user ids: `users[id - 1]` for contiguous id `id`. Absent when the ids are the data's own integers. */
  readonly users?: readonly string[];
  /** Raw item ids, as `users`. */
  readonly items?: readonly string[];
  /** Items of each user in training, grouped by user (CSR: `seenItems[seenOffsets[u] .. seenOffsets[u + 1]]`), in time order where the data had times. */
  readonly seenOffsets: Int32Array;
  readonly seenItems: Int32Array;
  /**
   * The item ids a recommendation ranks, ascending (by default every item seen in training). On a
   * vocabulary-free item table, ids from the model's numItems up stand for `newItems`.
   */
  readonly catalog: Int32Array;
  /**
   * Raw ids of catalog items never trained, which a vocabulary-free (keyed) item table scores from their hashed
   * rows: catalog id `numItems + j` is `newItems[j]`.
   */
  readonly newItems?: readonly string[];
  /** Sequence models: the length of the histories they were trained on (a history is cut to its last items). */
  readonly sequenceLength?: number;
}

/**
 * The serving index of a model trained on `train`: its users' items (in time order where there are timestamps),
 * and `options.catalog` or else the distinct items of `train`. `vocabularies` are the raw ids of the data's own ids.
 */
export function buildServingIndex(
  train: Interactions,
  vocabularies: { users?: readonly string[]; items?: readonly string[] } = {},
  options: { catalog?: Int32Array; newItems?: readonly string[]; sequenceLength?: number } = {},
): ServingIndex {
  const { offsets, rows } = train.timestamps === undefined ? train.byUser() : train.byUserInTimeOrder();
  const seenItems = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) seenItems[r] = train.itemIds[rows[r]!]!;
  return {
    ...(vocabularies.users === undefined ? {} : { users: vocabularies.users }),
    ...(vocabularies.items === undefined ? {} : { items: vocabularies.items }),
    seenOffsets: offsets,
    seenItems,
    catalog: options.catalog ?? distinctSorted(train.itemIds),
    ...(options.newItems === undefined || options.newItems.length === 0
      ? {}
      : { newItems: options.newItems }),
    ...(options.sequenceLength === undefined ? {} : { sequenceLength: options.sequenceLength }),
  };
}

function distinctSorted(ids: Int32Array): Int32Array {
  const sorted = ids.slice().sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  return sorted.slice(0, count);
}
