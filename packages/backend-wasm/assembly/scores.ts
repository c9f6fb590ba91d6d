// The tied output (Spotlight's): a user state scored against the target's item vector plus its bias, for the
// positive and the sampled negative of every position; the implicit losses masked at padding targets; and the
// backward pass of the scores into the states and the item vectors.
import { f32At, i32At, setF32, sigmoid } from './activations';

/** pos[p] = users[p] . x[p] + bias[p] and neg[p] = users[p] . x[n + p] + bias[n + p], for p < n. */
export function tied_scores(
  users: usize,
  x: usize,
  bias: usize,
  n: i32,
  d: i32,
  pos: usize,
  neg: usize,
): void {
  for (let p = 0; p < n; p++) {
    const u = users + ((<usize>(p * d)) << 2);
    setF32(pos, p, dot(u, x + ((<usize>(p * d)) << 2), d) + f32At(bias, p));
    setF32(neg, p, dot(u, x + ((<usize>((n + p) * d)) << 2), d) + f32At(bias, n + p));
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

/** dUsers[p] = dpos[p] x[p] + dneg[p] x[n + p]; dx[p] = dpos[p] users[p] and dx[n + p] = dneg[p] users[p]. */
export function tied_backward(
  users: usize,
  x: usize,
  dpos: usize,
  dneg: usize,
  n: i32,
  d: i32,
  dUsers: usize,
  dx: usize,
): void {
  for (let p = 0; p < n; p++) {
    const gp = f32At(dpos, p);
    const gn = f32At(dneg, p);
    const u = users + ((<usize>(p * d)) << 2);
    const xp = x + ((<usize>(p * d)) << 2);
    const xn = x + ((<usize>((n + p) * d)) << 2);
    const du = dUsers + ((<usize>(p * d)) << 2);
    const dxp = dx + ((<usize>(p * d)) << 2);
    const dxn = dx + ((<usize>((n + p) * d)) << 2);
    for (let c = 0; c < d; c++) {
      const uc = f32At(u, c);
      setF32(du, c, gp * f32At(xp, c) + gn * f32At(xn, c));
      setF32(dxp, c, gp * uc);
      setF32(dxn, c, gn * uc);
    }
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
