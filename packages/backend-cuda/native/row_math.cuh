// The arithmetic of Bloom's CUDA kernels, as functions that compile for the device (nvcc) and for the host (any
// C++ compiler): the kernels call them per element, and the addon's host entry points call the same functions so
// that CI, on machines without a GPU, tests them against the TypeScript reference.
#pragma once
#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define BLOOM_HD __host__ __device__ __forceinline__
#else
#define BLOOM_HD inline
#endif

namespace bloom {

BLOOM_HD uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// MurmurHash3_x86_32 of the 4 little-endian bytes of an int32, as @bloom/hashers' murmur3Int32 (signed result).
BLOOM_HD int32_t murmur3_int32(int32_t id, uint32_t seed) {
  uint32_t k = static_cast<uint32_t>(id) * 0xcc9e2d51u;
  k = rotl32(k, 15) * 0x1b873593u;
  uint32_t h = rotl32(seed ^ k, 13) * 5u + 0xe6546b64u;
  h ^= 4u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

// Floor-mod of a signed hash into [0, m), as @bloom/hashers' floorMod (Python's %, Spotlight's bucket rule).
BLOOM_HD int32_t floor_mod(int32_t hash, int32_t m) {
  const int64_t r = static_cast<int64_t>(hash) % m;
  return static_cast<int32_t>(r < 0 ? r + m : r);
}

// One element of lazy Adam with L2 decay (torch.optim.Adam's formula with the bias corrections folded into
// step_size = lr / (1 - b1^t) and inv_sqrt_c2 = 1 / sqrt(1 - b2^t)), as @bloom/embeddings' adam.
BLOOM_HD void adam_element(float& w, float& m, float& v, float grad, float b1, float b2, float eps,
                           float step_size, float inv_sqrt_c2, float wd) {
  const float g = grad + wd * w;
  m = b1 * m + (1.0f - b1) * g;
  v = b2 * v + (1.0f - b2) * g * g;
  w -= step_size * m / (sqrtf(v) * inv_sqrt_c2 + eps);
}

// One element of Adagrad (torch.optim.Adagrad) with L2 decay.
BLOOM_HD void adagrad_element(float& w, float& accumulator, float grad, float lr, float eps, float wd) {
  const float g = grad + wd * w;
  accumulator += g * g;
  w -= lr * g / (sqrtf(accumulator) + eps);
}

// One element of SGD with L2 decay.
BLOOM_HD void sgd_element(float& w, float grad, float lr, float wd) { w -= lr * (grad + wd * w); }

// Optimizer kinds of the table update, in @bloom/core's order of OptimizerConfig kinds handled here.
enum Optimizer : int { kSgd = 0, kAdagrad = 1, kAdam = 2 };

// The parameters of one update step (the floats the kernels take), as @bloom/embeddings' optimizers derive them.
struct StepParams {
  float lr, wd, eps, b1, b2, step_size, inv_sqrt_c2, share;
};

// Output element i = b * d + c of a lookup: scale * sum_j weights[rows[b k + j], c].
BLOOM_HD float gather_element(const float* weights, const int32_t* rows, int k, int d, float scale, int64_t i) {
  const int64_t b = i / d;
  const int c = static_cast<int>(i - b * d);
  float s = 0.0f;
  for (int j = 0; j < k; j++) s += weights[static_cast<int64_t>(rows[b * k + j]) * d + c];
  return s * scale;
}

// Update element (u, c) of distinct row uniq[u]: its gradient is share * the sum of grads[entries[e], c] over
// e in [offsets[u], offsets[u + 1]) (duplicates grouped on the host), then the optimizer's element update.
BLOOM_HD void update_element(float* weights, float* state0, float* state1, const float* grads, const int32_t* uniq,
                             const int32_t* offsets, const int32_t* entries, int d, int optimizer,
                             const StepParams& p, int64_t i) {
  const int64_t u = i / d;
  const int c = static_cast<int>(i - u * d);
  float g = 0.0f;
  for (int32_t e = offsets[u]; e < offsets[u + 1]; e++) g += grads[static_cast<int64_t>(entries[e]) * d + c];
  g *= p.share;
  const int64_t at = static_cast<int64_t>(uniq[u]) * d + c;
  if (optimizer == kSgd) {
    sgd_element(weights[at], g, p.lr, p.wd);
  } else if (optimizer == kAdagrad) {
    adagrad_element(weights[at], state0[at], g, p.lr, p.eps, p.wd);
  } else {
    adam_element(weights[at], state0[at], state1[at], g, p.b1, p.b2, p.eps, p.step_size, p.inv_sqrt_c2, p.wd);
  }
}

}  // namespace bloom
