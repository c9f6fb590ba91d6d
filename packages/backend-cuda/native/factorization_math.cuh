// The arithmetic of the fused factorization trainer (Spotlight's BilinearNet and losses), per element, for the
// device and the host alike (see row_math.cuh). A minibatch of B examples with n negatives each has M = B (1 + n)
// item slots: slot s < B is example s's positive, slot B + b n + j its j-th negative (BilinearStep's layout).
#pragma once
#include "row_math.cuh"

namespace bloom {

// Losses by @bloom/core's FactorizationLoss names, in that order.
enum Loss : int {
  kPointwise = 0,
  kBpr = 1,
  kHinge = 2,
  kAdaptiveHinge = 3,
  kRegression = 4,
  kPoisson = 5,
  kLogistic = 6,
};

BLOOM_HD float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// The example of item slot s.
BLOOM_HD int64_t example_of(int64_t s, int64_t batch, int n) { return s < batch ? s : (s - batch) / n; }

// Score of slot s: dot(U[b], I[s]) + bu[b] + bi[s], b its example.
BLOOM_HD float score_element(const float* u, const float* items, const float* bu, const float* bi, int64_t batch,
                             int n, int d, int64_t s) {
  const int64_t b = example_of(s, batch, n);
  float sum = 0.0f;
  for (int c = 0; c < d; c++) sum += u[b * d + c] * items[s * d + c];
  return sum + bu[b] + bi[s];
}

// Example b's loss (the batch mean's term, times B), with dL/dscore of its slots written to dscores: as
// @bloom/models' implicit and explicit losses, each gradient carrying the mean's 1 / B.
BLOOM_HD float loss_element(int loss, const float* scores, const float* ratings, int64_t batch, int n, float inv_b,
                            int64_t b, float* dscores) {
  const float pos = scores[b];
  float* dneg = dscores + batch + b * n;
  const float* neg = scores + batch + b * n;
  if (loss == kPointwise) {
    const float sp = sigmoid(pos), sn = sigmoid(neg[0]);
    dscores[b] = -sp * (1.0f - sp) * inv_b;
    dneg[0] = sn * (1.0f - sn) * inv_b;
    return 1.0f - sp + sn;
  }
  if (loss == kBpr) {
    const float s = sigmoid(pos - neg[0]);
    const float g = s * (1.0f - s) * inv_b;
    dscores[b] = -g;
    dneg[0] = g;
    return 1.0f - s;
  }
  if (loss == kHinge || loss == kAdaptiveHinge) {
    // Hinge against the highest-scoring negative (the only one for plain hinge); the others get zero gradients.
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (neg[j] > neg[best]) best = j;
    }
    const float margin = neg[best] - pos + 1.0f;
    const bool active = margin > 0.0f;
    for (int j = 0; j < n; j++) dneg[j] = 0.0f;
    dscores[b] = active ? -inv_b : 0.0f;
    dneg[best] = active ? inv_b : 0.0f;
    return active ? margin : 0.0f;
  }
  const float r = ratings[b];
  if (loss == kRegression) {
    const float e = pos - r;
    dscores[b] = 2.0f * e * inv_b;
    return e * e;
  }
  if (loss == kPoisson) {
    const float p = expf(pos);
    dscores[b] = (p - r) * inv_b;
    return p - r * pos;
  }
  const float y = fminf(1.0f, fmaxf(0.0f, r));
  dscores[b] = (sigmoid(pos) - y) * inv_b;
  return log1pf(expf(-fabsf(pos))) + fmaxf(pos, 0.0f) - pos * y;
}

// Element i = b d + c of dL/dU: the slots' item vectors weighted by their score gradients.
BLOOM_HD float user_grad_element(const float* items, const float* dscores, int64_t batch, int n, int d, int64_t i) {
  const int64_t b = i / d;
  const int64_t c = i - b * d;
  float g = dscores[b] * items[b * d + c];
  for (int j = 0; j < n; j++) {
    const int64_t s = batch + b * n + j;
    g += dscores[s] * items[s * d + c];
  }
  return g;
}

// Element i = s d + c of dL/dI: the slot's user vector times its score gradient.
BLOOM_HD float item_grad_element(const float* u, const float* dscores, int64_t batch, int n, int d, int64_t i) {
  const int64_t s = i / d;
  return dscores[s] * u[example_of(s, batch, n) * d + (i - s * d)];
}

// dL/d(user bias) of example b: the sum of its slots' score gradients.
BLOOM_HD float user_bias_grad(const float* dscores, int64_t batch, int n, int64_t b) {
  float g = dscores[b];
  for (int j = 0; j < n; j++) g += dscores[batch + b * n + j];
  return g;
}

}  // namespace bloom
