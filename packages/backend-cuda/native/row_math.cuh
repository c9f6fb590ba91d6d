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

}  // namespace bloom
