import { describe, expect, it } from 'vitest';
import { type ExplicitLossName, explicitLosses } from './explicit-losses.js';
import { type ImplicitLossName, implicitLosses } from './implicit-losses.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// Two positives with three negatives each, away from the hinge's kinks (every margin is far from 0), with the
// highest negative not first, so that picking another negative changes the value.
const POS = [0.8, -0.3];
const NEG = [0.1, 0.6, -0.4, 0.2, -1.5, 0.9];
const N = 3;

/**
 * Spotlight v0.1.6's formulas, written out. Pointwise, BPR and hinge take one negative per positive (here the first
 * of each row of NEG); adaptive hinge takes the highest-scoring of all n.
 */
const FIRST = POS.map((_, i) => NEG[i * N]!);
const expectedImplicit: Record<ImplicitLossName, number> = {
  pointwise: mean(POS.map((p, i) => 1 - sigmoid(p) + sigmoid(FIRST[i]!))),
  bpr: mean(POS.map((p, i) => 1 - sigmoid(p - FIRST[i]!))),
  hinge: mean(POS.map((p, i) => Math.max(0, FIRST[i]! - p + 1))),
  'adaptive-hinge': mean(POS.map((p, i) => Math.max(0, Math.max(...NEG.slice(i * N, i * N + N)) - p + 1))),
};

/** A loss of plain numbers through the fused function, for finite differences. */
function implicitValue(name: ImplicitLossName, pos: number[], neg: number[], n: number): number {
  const p = Float32Array.from(pos);
  const q = Float32Array.from(neg);
  return implicitLosses[name](p, q, n, new Float32Array(p.length), new Float32Array(q.length));
}

/** Central differences of `f` at `x`, one coordinate at a time. */
function numericGradient(f: (x: number[]) => number, x: number[], h = 1e-3): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i]! += h;
    down[i]! -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

describe('implicit losses', () => {
  for (const name of Object.keys(implicitLosses) as ImplicitLossName[]) {
    // Spotlight's pointwise, BPR and hinge use one negative per positive (the first); adaptive hinge all n.
    const n = name === 'adaptive-hinge' ? N : 1;
    const neg = n === 1 ? FIRST : NEG;

    it(`${name}: the value of Spotlight's formula (hand-computed)`, () => {
      expect(implicitValue(name, POS, neg, n)).toBeCloseTo(expectedImplicit[name], 6);
    });

    it(`${name}: its gradients are the loss's finite differences`, () => {
      const p = Float32Array.from(POS);
      const q = Float32Array.from(neg);
      const dPos = new Float32Array(p.length);
      const dNeg = new Float32Array(q.length).fill(123); // stale values must be overwritten
      implicitLosses[name](p, q, n, dPos, dNeg);
      const numeric = numericGradient(
        (x) => implicitValue(name, x.slice(0, 2), x.slice(2), n),
        [...POS, ...neg],
      );
      const analytic = [...dPos, ...dNeg];
      analytic.forEach((g, i) => {
        expect(g, `coordinate ${i}`).toBeCloseTo(numeric[i]!, 4);
      });
    });
  }

  it('adaptive hinge trains against the highest-scoring negative only', () => {
    const dPos = new Float32Array(2);
    const dNeg = new Float32Array(6);
    implicitLosses['adaptive-hinge'](Float32Array.from(POS), Float32Array.from(NEG), N, dPos, dNeg);
    // Highest negatives: 0.6 (index 1) and 0.9 (index 5); both margins are positive: gradient 1/B each.
    expect(Array.from(dNeg)).toEqual([0, 0.5, 0, 0, 0, 0.5]);
    expect(Array.from(dPos)).toEqual([-0.5, -0.5]);
  });
});

describe('explicit losses', () => {
  const raw = [0.4, 1.2, -0.7];
  const ratings = [1, 4, 0.5];
  const expected: Record<ExplicitLossName, number> = {
    regression: mean(raw.map((x, i) => (ratings[i]! - x) ** 2)),
    // Spotlight's poisson loss on the exponentiated output p: p - r log p.
    poisson: mean(raw.map((x, i) => Math.exp(x) - ratings[i]! * x)),
    // Binary cross-entropy of sigmoid(raw) against ratings clamped to [0, 1].
    logistic: mean(
      raw.map((x, i) => {
        const y = Math.min(1, Math.max(0, ratings[i]!));
        const s = sigmoid(x);
        return -(y * Math.log(s) + (1 - y) * Math.log(1 - s));
      }),
    ),
  };
  const value = (name: ExplicitLossName, x: number[]) =>
    explicitLosses[name](Float32Array.from(x), Float32Array.from(ratings), new Float32Array(x.length));

  for (const name of Object.keys(explicitLosses) as ExplicitLossName[]) {
    it(`${name}: the value of Spotlight's formula (hand-computed), and gradients that are its finite differences`, () => {
      expect(value(name, raw)).toBeCloseTo(expected[name], 6);
      const dRaw = new Float32Array(raw.length);
      explicitLosses[name](Float32Array.from(raw), Float32Array.from(ratings), dRaw);
      const numeric = numericGradient((x) => value(name, x), raw);
      dRaw.forEach((g, i) => {
        expect(g, `coordinate ${i}`).toBeCloseTo(numeric[i]!, 4);
      });
    });
  }

  it('predicts through each loss link: identity, exp and sigmoid', () => {
    expect(explicitLosses.regression.predict(1.5)).toBe(1.5);
    expect(explicitLosses.poisson.predict(1.5)).toBeCloseTo(Math.exp(1.5), 12);
    expect(explicitLosses.logistic.predict(1.5)).toBeCloseTo(sigmoid(1.5), 12);
  });
});
