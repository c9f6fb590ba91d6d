/**
 * Spotlight's implicit losses (v0.1.6), fused: each fills dL/d(score) for the positive and negative scores of a
 * batch and returns the loss. `pos` is [B]; `neg` is [B, n] (n negatives per positive, row-major).
 * The loss is a mean over the B examples, so every gradient carries a 1/B.
 */
export type ImplicitLossName = 'pointwise' | 'bpr' | 'hinge' | 'adaptive-hinge';

/** Fills `dPos` ([B]) and `dNeg` ([B, n]) and returns the loss. */
export type ImplicitLoss = (
  pos: Float32Array,
  neg: Float32Array,
  n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
) => number;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** mean(1 - sigmoid(pos) + sigmoid(neg)), with one negative per positive. */
function pointwise(
  pos: Float32Array,
  neg: Float32Array,
  _n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
): number {
  const b = pos.length;
  let loss = 0;
  for (let i = 0; i < b; i++) {
    const sp = sigmoid(pos[i]!);
    const sn = sigmoid(neg[i]!);
    loss += 1 - sp + sn;
    dPos[i] = (-sp * (1 - sp)) / b;
    dNeg[i] = (sn * (1 - sn)) / b;
  }
  return loss / b;
}

/** mean(1 - sigmoid(pos - neg)): Spotlight's BPR (not -log sigmoid). */
function bpr(
  pos: Float32Array,
  neg: Float32Array,
  _n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
): number {
  const b = pos.length;
  let loss = 0;
  for (let i = 0; i < b; i++) {
    const s = sigmoid(pos[i]! - neg[i]!);
    loss += 1 - s;
    const g = (s * (1 - s)) / b;
    dPos[i] = -g;
    dNeg[i] = g;
  }
  return loss / b;
}

/** mean(max(0, neg - pos + 1)). */
function hinge(
  pos: Float32Array,
  neg: Float32Array,
  _n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
): number {
  const b = pos.length;
  let loss = 0;
  for (let i = 0; i < b; i++) {
    const margin = neg[i]! - pos[i]! + 1;
    const active = margin > 0;
    loss += active ? margin : 0;
    dPos[i] = active ? -1 / b : 0;
    dNeg[i] = active ? 1 / b : 0;
  }
  return loss / b;
}

/** Hinge against the highest-scoring of the n sampled negatives (WARP-like). */
function adaptiveHinge(
  pos: Float32Array,
  neg: Float32Array,
  n: number,
  dPos: Float32Array,
  dNeg: Float32Array,
): number {
  const b = pos.length;
  let loss = 0;
  dNeg.fill(0);
  for (let i = 0; i < b; i++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (neg[i * n + j]! > neg[i * n + best]!) best = j;
    const margin = neg[i * n + best]! - pos[i]! + 1;
    const active = margin > 0;
    loss += active ? margin : 0;
    dPos[i] = active ? -1 / b : 0;
    dNeg[i * n + best] = active ? 1 / b : 0;
  }
  return loss / b;
}

/** The implicit losses by name: a Record, so a new name fails to compile until it has an implementation. */
export const implicitLosses: Record<ImplicitLossName, ImplicitLoss> = {
  pointwise,
  bpr,
  hinge,
  'adaptive-hinge': adaptiveHinge,
};
