/**
 * Spotlight's explicit losses, fused. `raw` is the model's output dot(u, i) + biases ([B]); each loss maps it to a
 * prediction (identity for regression, exp for poisson, sigmoid for logistic), fills dL/d(raw) and returns the loss.
 */
export type ExplicitLossName = 'regression' | 'poisson' | 'logistic';

export interface ExplicitLoss {
  /** The rating a raw output predicts. */
  predict(raw: number): number;
  /** Fills `dRaw` ([B]) and returns the mean loss. */
  (raw: Float32Array, ratings: Float32Array, dRaw: Float32Array): number;
}

function make(
  predict: (raw: number) => number,
  loss: (raw: Float32Array, ratings: Float32Array, dRaw: Float32Array) => number,
): ExplicitLoss {
  return Object.assign(loss, { predict });
}

/** mean((r - raw)^2). */
const regression = make(
  (raw) => raw,
  (raw, ratings, dRaw) => {
    const b = raw.length;
    let loss = 0;
    for (let i = 0; i < b; i++) {
      const e = raw[i]! - ratings[i]!;
      loss += e * e;
      dRaw[i] = (2 * e) / b;
    }
    return loss / b;
  },
);

/** mean(p - r log p) with p = exp(raw) (Spotlight exponentiates for the poisson loss). */
const poisson = make(Math.exp, (raw, ratings, dRaw) => {
  const b = raw.length;
  let loss = 0;
  for (let i = 0; i < b; i++) {
    const p = Math.exp(raw[i]!);
    loss += p - ratings[i]! * raw[i]!;
    dRaw[i] = (p - ratings[i]!) / b;
  }
  return loss / b;
});

/** Binary cross-entropy with logits, ratings clamped to [0, 1]. */
const logistic = make(
  (raw) => 1 / (1 + Math.exp(-raw)),
  (raw, ratings, dRaw) => {
    const b = raw.length;
    let loss = 0;
    for (let i = 0; i < b; i++) {
      const y = Math.min(1, Math.max(0, ratings[i]!));
      const x = raw[i]!;
      // log(1 + exp(-|x|)) + max(x, 0) - x y, the stable form.
      loss += Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0) - x * y;
      dRaw[i] = (1 / (1 + Math.exp(-x)) - y) / b;
    }
    return loss / b;
  },
);

/** The explicit losses by name. */
export const explicitLosses: Record<ExplicitLossName, ExplicitLoss> = { regression, poisson, logistic };
