import { BilinearNet } from './bilinear-net.js';
import { dotRows } from './dot-rows.js';

// A bias is a row of width 1: its dot product with [1] is the bias itself (the fused kernel reads it in one pass).
const ONE = Float32Array.of(1);

/**
 * Scores a fixed catalogue for any user (serving): score(u, i) = dot(U[u], I[i]) + b_u + b_i for every catalogue
 * item, aligned with `itemIds`. The catalogue's rows are computed once, here. Each call reads the current weights.
 * A hashed item table has fewer rows than the catalogue reads (N x k against a fraction of N), and dot products
 * are linear: so each table row is scored once against the user, and an item's score is the sum of its rows'
 * scores. A dense table is scored item by item, in one fused pass where the table offers one (`dotRows`).
 */
export function createCatalogScorer(net: BilinearNet, itemIds: Int32Array): (userId: number) => Float32Array {
  const { users, items, userBias, itemBias } = net;
  const { rowsPerId: k, combine, tableRows } = items.strategy;
  const rows = items.rowsFor(itemIds);
  const biasRows = itemBias.rowsFor(itemIds);
  const everyRow =
    tableRows < itemIds.length * k ? Int32Array.from({ length: tableRows }, (_, r) => r) : null;
  const share = combine === 'mean' ? 1 / k : 1;
  return (userId) => {
    const user = Int32Array.of(userId);
    const u = BilinearNet.vectors(users, user).values;
    const bu = BilinearNet.vectors(userBias, user).values[0]!;
    const biases = dotRows(
      itemBias.table,
      biasRows,
      itemBias.strategy.rowsPerId,
      itemBias.strategy.combine,
      ONE,
      new Float32Array(itemIds.length),
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
    for (let i = 0; i < out.length; i++) out[i] = bu + biases[i]! + out[i]!;
    return out;
  };
}
