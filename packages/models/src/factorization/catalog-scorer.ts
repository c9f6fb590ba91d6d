import { BilinearNet } from './bilinear-net.js';
import { dotRows } from './dot-rows.js';

// A bias is a row of width 1: its dot product with [1] is the bias itself (the fused kernel reads it in one pass).
const ONE = Float32Array.of(1);

/**
 * A user to score for: a trained user id, or (vocabulary-free user tables) the rows its raw key hashes to, for a
 * user the model never saw; such a user has no bias row, so its bias is 0, the biases' initial value.
 */
export type ServedUser = number | { readonly rows: Int32Array };

/**
 * Scores a fixed catalogue for any user (serving): score(u, i) = dot(U[u], I[i]) + b_u + b_i for every catalogue
 * item, aligned with `itemIds`. The catalogue's rows are computed once, here. Each call reads the current weights.
 * `itemRows` ([n x k]) gives the items' rows instead of the item table's rule: a vocabulary-free table's rows of
 * raw keys, where ids at or above the model's numItems stand for items never trained (bias 0).
 * A hashed item table has fewer rows than the catalogue reads (N x k against a fraction of N), and dot products
 * are linear: so each table row is scored once against the user, and an item's score is the sum of its rows'
 * scores. A dense table is scored item by item, in one fused pass where the table offers one (`dotRows`).
 */
export function createCatalogScorer(
  net: BilinearNet,
  itemIds: Int32Array,
  itemRows?: Int32Array,
): (user: ServedUser) => Float32Array {
  const { items, itemBias } = net;
  const { rowsPerId: k, combine, tableRows } = items.strategy;
  const rows = itemRows ?? items.rowsFor(itemIds);
  const trained = itemIds.filter((id) => id < net.numItems);
  const biasRows = itemBias.rowsFor(trained);
  // Scoring rows once needs the plain sum (or mean) of rows; a weighted strategy's weights differ per id.
  const everyRow =
    combine !== 'weighted' && tableRows < itemIds.length * k
      ? Int32Array.from({ length: tableRows }, (_, r) => r)
      : null;
  const share = combine === 'mean' ? 1 / k : 1;
  return (user) => {
    const { u, bu } = userVector(net, user);
    const trainedBiases = dotRows(
      itemBias.table,
      biasRows,
      itemBias.strategy.rowsPerId,
      itemBias.strategy.combine,
      ONE,
      new Float32Array(trained.length),
    );
    const out = new Float32Array(itemIds.length);
    if (everyRow !== null) {
      const rowScores = dotRows(items.table, everyRow, 1, 'sum', u, new Float32Array(tableRows));
      for (let i = 0; i < out.length; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += rowScores[rows[i * k + j]!]!;
        out[i] = sum * share;
      }
    } else {
      dotRows(items.table, rows, k, combine, u, out);
    }
    // Items never trained (ids >= numItems) have no bias row: theirs is 0.
    for (let i = 0, t = 0; i < out.length; i++) {
      const bias = itemIds[i]! < net.numItems ? trainedBiases[t++]! : 0;
      out[i] = bu + bias + out[i]!;
    }
    return out;
  };
}

// Items per lookup when gathering a catalogue's vectors (bounds the temporary copies).
const CHUNK = 65536;

/**
 * The catalogue's item vectors ([n x d], row-major) and biases (0 for items never trained, ids >= numItems), as
 * {@link createCatalogScorer} scores them: for a serving copy of the catalogue (see QuantizedCatalog).
 */
export function catalogVectors(
  net: BilinearNet,
  itemIds: Int32Array,
  itemRows?: Int32Array,
): { vectors: Float32Array; biases: Float32Array } {
  const { items, itemBias, dim } = net;
  const { rowsPerId: k, combine } = items.strategy;
  const rows = itemRows ?? items.rowsFor(itemIds);
  const vectors = new Float32Array(itemIds.length * dim);
  const biases = new Float32Array(itemIds.length);
  for (let from = 0; from < itemIds.length; from += CHUNK) {
    const to = Math.min(itemIds.length, from + CHUNK);
    vectors.set(items.table.lookup(rows.subarray(from * k, to * k), k, combine), from * dim);
    const ids = itemIds.subarray(from, to);
    const trained = ids.filter((id) => id < net.numItems);
    const values = BilinearNet.vectors(itemBias, trained).values;
    for (let i = 0, t = 0; i < ids.length; i++) if (ids[i]! < net.numItems) biases[from + i] = values[t++]!;
  }
  return { vectors, biases };
}

/** A served user's vector and bias (0 for a user known only by its hashed key). */
export function userVector(net: BilinearNet, user: ServedUser): { u: Float32Array; bu: number } {
  if (typeof user === 'number') {
    const id = Int32Array.of(user);
    return {
      u: BilinearNet.vectors(net.users, id).values,
      bu: BilinearNet.vectors(net.userBias, id).values[0]!,
    };
  }
  const { rowsPerId, combine } = net.users.strategy;
  return { u: net.users.table.lookup(user.rows, rowsPerId, combine), bu: 0 };
}
