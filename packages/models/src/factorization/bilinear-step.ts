import { BilinearNet } from './bilinear-net.js';

/**
 * The host reference step of {@link BilinearNet} with n negatives per positive (n = 0 for explicit models): the
 * four lookups through the tables' methods, the scores, and, given dL/dscore, the gradients of the four tables, in
 * plain TypeScript loops. It runs wherever the backend offers no fused trainer, and it is the oracle that every
 * fused trainer (the wasm backend's, the cuda backend's) is tested against. Buffers are reused from step to step
 * and regrown only for another batch size.
 *
 * Use: `resize(b)`, fill `users` and `items` (positives, then the negatives of example i at b + i n + j), call
 * `forward`, fill `dPos` and `dNeg` from `pos` and `neg`, call `backward`.
 */
export class BilinearStep {
  users = new Int32Array(0);
  /** [b (1 + n)] item ids: positives, then n negatives per positive. */
  items = new Int32Array(0);
  /** [b] positive scores and their gradients. */
  pos: Float32Array = new Float32Array(0);
  dPos: Float32Array = new Float32Array(0);
  /** [b n] negative scores and their gradients. */
  neg: Float32Array = new Float32Array(0);
  dNeg: Float32Array = new Float32Array(0);
  #u: Float32Array = new Float32Array(0);
  #it: Float32Array = new Float32Array(0);
  #bu: Float32Array = new Float32Array(0);
  #bi: Float32Array = new Float32Array(0);
  #dU: Float32Array = new Float32Array(0);
  #dI: Float32Array = new Float32Array(0);
  #dBu: Float32Array = new Float32Array(0);
  #dBi: Float32Array = new Float32Array(0);
  #size = -1;
  // The table rows of the last forward's lookups (users, items, user biases, item biases), reused from step to
  // step: a fresh typed array per lookup would allocate a backing store each time, which cost more than the
  // kernels in profiles.
  #rows: [Int32Array, Int32Array, Int32Array, Int32Array] = [
    new Int32Array(0),
    new Int32Array(0),
    new Int32Array(0),
    new Int32Array(0),
  ];

  /**
   * @param net - The tables.
   * @param negatives - Negatives per positive (n).
   */
  constructor(
    readonly net: BilinearNet,
    readonly negatives: number,
  ) {}

  /** Sizes the buffers for a batch of b positives (call before filling `users` and `items`). */
  resize(b: number): void {
    if (b === this.#size) return;
    this.#size = b;
    const d = this.net.dim;
    const m = b * (1 + this.negatives);
    this.users = new Int32Array(b);
    this.items = new Int32Array(m);
    const { users, items, userBias, itemBias } = this.net;
    this.#rows = [
      new Int32Array(b * users.strategy.rowsPerId),
      new Int32Array(m * items.strategy.rowsPerId),
      new Int32Array(b * userBias.strategy.rowsPerId),
      new Int32Array(m * itemBias.strategy.rowsPerId),
    ];
    this.#u = new Float32Array(b * d);
    this.#it = new Float32Array(m * d);
    this.#bu = new Float32Array(b);
    this.#bi = new Float32Array(m);
    this.pos = new Float32Array(b);
    this.neg = new Float32Array(m - b);
    this.dPos = new Float32Array(b);
    this.dNeg = new Float32Array(m - b);
    this.#dU = new Float32Array(b * d);
    this.#dI = new Float32Array(m * d);
    this.#dBu = new Float32Array(b);
    this.#dBi = new Float32Array(m);
  }
  /** Looks up the batch's vectors and biases (validating the ids) and fills `pos` and `neg`. */
  forward(): void {
    const net = this.net;
    const rows = this.#rows;
    lookupInto(net.users, this.users, rows[0], this.#u);
    lookupInto(net.items, this.items, rows[1], this.#it);
    lookupInto(net.userBias, this.users, rows[2], this.#bu);
    lookupInto(net.itemBias, this.items, rows[3], this.#bi);
    const b = this.users.length;
    const n = this.negatives;
    const d = net.dim;
    const [u, it, bu, bi] = [this.#u, this.#it, this.#bu, this.#bi];
    for (let i = 0; i < b; i++) {
      this.pos[i] = dot(u, i, it, i, d) + bu[i]! + bi[i]!;
      for (let j = 0; j < n; j++) {
        const k = b + i * n + j;
        this.neg[i * n + j] = dot(u, i, it, k, d) + bu[i]! + bi[k]!;
      }
    }
  }

  /**
   * Back-propagates `dPos` and `dNeg` and applies the gradients to the four tables:
   * dU = dpos P + sum_j dneg_j N_j; dP = dpos U; dN_j = dneg_j U; each bias gets its scores' gradients.
   */
  backward(): void {
    const b = this.users.length;
    const n = this.negatives;
    const net = this.net;
    const d = net.dim;
    const [u, it, dU, dI, dBu, dBi] = [this.#u, this.#it, this.#dU, this.#dI, this.#dBu, this.#dBi];
    for (let i = 0; i < b; i++) {
      scaleInto(this.dPos[i]!, it, i, dU, i, d);
      scaleInto(this.dPos[i]!, u, i, dI, i, d);
      for (let j = 0; j < n; j++) {
        const k = b + i * n + j;
        const g = this.dNeg[i * n + j]!;
        axpy(g, it, k, dU, i, d);
        scaleInto(g, u, i, dI, k, d);
      }
    }
    for (let i = 0; i < b; i++) {
      let sum = this.dPos[i]!;
      dBi[i] = sum;
      for (let j = 0; j < n; j++) {
        const g = this.dNeg[i * n + j]!;
        sum += g;
        dBi[b + i * n + j] = g;
      }
      dBu[i] = sum;
    }
    const [users, items, userBias, itemBias] = this.#rows;
    BilinearNet.applyGradients(net.users, users, dU);
    BilinearNet.applyGradients(net.items, items, dI);
    BilinearNet.applyGradients(net.userBias, userBias, dBu);
    BilinearNet.applyGradients(net.itemBias, itemBias, dBi);
  }
}

/** Looks up `ids` through `embedding` into `out`, filling `rows` with the table rows used. */
function lookupInto(
  embedding: BilinearNet['users'],
  ids: Int32Array,
  rows: Int32Array,
  out: Float32Array,
): void {
  const { strategy } = embedding;
  strategy.rowsFor(ids, rows);
  embedding.table.lookup(rows, strategy.rowsPerId, strategy.combine, out);
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[i * d + c]! * b[j * d + c]!;
  return s;
}

/** y[j] += alpha * x[i], rows of width d. */
function axpy(alpha: number, x: Float32Array, i: number, y: Float32Array, j: number, d: number): void {
  for (let c = 0; c < d; c++) y[j * d + c]! += alpha * x[i * d + c]!;
}

/** y[j] = alpha * x[i], rows of width d. */
function scaleInto(alpha: number, x: Float32Array, i: number, y: Float32Array, j: number, d: number): void {
  for (let c = 0; c < d; c++) y[j * d + c] = alpha * x[i * d + c]!;
}
