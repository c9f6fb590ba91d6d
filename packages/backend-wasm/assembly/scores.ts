// The tied output (Spotlight's): a user state scored against the target's item vector plus its bias, for the
// positive and the sampled negative of every position; the implicit losses masked at padding targets; the
// backward pass of the scores into the states and the item vectors; and, for the adaptive hinge, the choice of
// the highest-scoring of several negatives and the routing of its gradients back to it.
import { f32At, i32At, setF32, sigmoid } from './activations';

/** pos[p] = users[p] . xp[p] + bp[p] and neg[p] = users[p] . xn[p] + bn[p], for p < n. */
export function tied_scores(
  users: usize,
  xp: usize,
  xn: usize,
  bp: usize,
  bn: usize,
  n: i32,
  d: i32,
  pos: usize,
  neg: usize,
): void {
  for (let p = 0; p < n; p++) {
    const u = users + ((<usize>(p * d)) << 2);
    const row = (<usize>(p * d)) << 2;
    setF32(pos, p, dot(u, xp + row, d) + f32At(bp, p));
    setF32(neg, p, dot(u, xn + row, d) + f32At(bn, p));
  }
}

/**
 * Spotlight's implicit loss (0 pointwise, 1 bpr, 2 hinge) summed over the positions whose target is not padding
 * (id 0) and divided by the count of such positions in the whole minibatch (the i32 at `countAt`: a minibatch may
 * be split among threads); writes its gradients with respect to pos and neg (zero at padding).
 */
export function tied_loss(
  kind: i32,
  pos: usize,
  neg: usize,
  targets: usize,
  n: i32,
  dpos: usize,
  dneg: usize,
  countAt: usize,
): f32 {
  const scale: f32 = 1 / <f32>max(load<i32>(countAt), 1);
  let total: f32 = 0;
  for (let p = 0; p < n; p++) {
    let gp: f32 = 0;
    let gn: f32 = 0;
    if (i32At(targets, p) !== 0) {
      const a = f32At(pos, p);
      const q = f32At(neg, p);
      if (kind === 1) {
        const s = sigmoid(a - q);
        total += 1 - s;
        gp = -s * (1 - s) * scale;
        gn = -gp;
      } else if (kind === 0) {
        const sp = sigmoid(a);
        const sn = sigmoid(q);
        total += 1 - sp + sn;
        gp = -sp * (1 - sp) * scale;
        gn = sn * (1 - sn) * scale;
      } else {
        const v = q - a + 1;
        if (v > 0) {
          total += v;
          gp = -scale;
          gn = scale;
        }
      }
    }
    setF32(dpos, p, gp);
    setF32(dneg, p, gn);
  }
  return total * scale;
}

/** dUsers[p] = dpos[p] xp[p] + dneg[p] xn[p]; dxp[p] = dpos[p] users[p] and dxn[p] = dneg[p] users[p]. */
export function tied_backward(
  users: usize,
  xp: usize,
  xn: usize,
  dpos: usize,
  dneg: usize,
  n: i32,
  d: i32,
  dUsers: usize,
  dxp: usize,
  dxn: usize,
): void {
  for (let p = 0; p < n; p++) {
    const gp = f32At(dpos, p);
    const gn = f32At(dneg, p);
    const row = (<usize>(p * d)) << 2;
    const u = users + row;
    for (let c = 0; c < d; c++) {
      const uc = f32At(u, c);
      setF32(dUsers + row, c, gp * f32At(xp + row, c) + gn * f32At(xn + row, c));
      setF32(dxp + row, c, gp * uc);
      setF32(dxn + row, c, gn * uc);
    }
  }
}

/**
 * The adaptive hinge's choice: for each position p < n, the highest of the scores of its `negatives` sampled
 * items (scores [negatives, n], block j the j-th draw of every position; the first on a tie), whose block is
 * written to chosen[p] and whose vector (x [negatives n, d], block-major as the scores) and bias are copied to
 * chosenX[p] and chosenBias[p].
 */
export function hardest_negatives(
  scores: usize,
  x: usize,
  bias: usize,
  n: i32,
  d: i32,
  negatives: i32,
  chosen: usize,
  chosenX: usize,
  chosenBias: usize,
): void {
  for (let p = 0; p < n; p++) {
    let best = 0;
    let top = f32At(scores, p);
    for (let j = 1; j < negatives; j++) {
      const s = f32At(scores, j * n + p);
      if (s > top) {
        top = s;
        best = j;
      }
    }
    store<i32>(chosen + ((<usize>p) << 2), best);
    const at = best * n + p;
    memory.copy(chosenX + ((<usize>(p * d)) << 2), x + ((<usize>(at * d)) << 2), (<usize>d) << 2);
    setF32(chosenBias, p, f32At(bias, at));
  }
}

/**
 * Backward of hardest_negatives: the chosen negative's vector and bias gradients (dChosenX [n, d], dChosenBias
 * [n]) go to its block in dx [negatives n, d] and dBias [negatives n]; every other draw's are zero.
 */
export function route_hardest(
  chosen: usize,
  dChosenX: usize,
  dChosenBias: usize,
  n: i32,
  d: i32,
  negatives: i32,
  dx: usize,
  dBias: usize,
): void {
  memory.fill(dx, 0, (<usize>(negatives * n * d)) << 2);
  memory.fill(dBias, 0, (<usize>(negatives * n)) << 2);
  for (let p = 0; p < n; p++) {
    const at = i32At(chosen, p) * n + p;
    memory.copy(dx + ((<usize>(at * d)) << 2), dChosenX + ((<usize>(p * d)) << 2), (<usize>d) << 2);
    setF32(dBias, at, f32At(dChosenBias, p));
  }
}

/** a . b over d floats, four lanes at a time. */
export function dot(a: usize, b: usize, d: i32): f32 {
  let lanes = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= d; c += 4) {
    const at = (<usize>c) << 2;
    lanes = f32x4.add(lanes, f32x4.mul(v128.load(a + at), v128.load(b + at)));
  }
  let sum =
    f32x4.extract_lane(lanes, 0) +
    f32x4.extract_lane(lanes, 1) +
    f32x4.extract_lane(lanes, 2) +
    f32x4.extract_lane(lanes, 3);
  for (; c < d; c++) sum += f32At(a, c) * f32At(b, c);
  return sum;
}
