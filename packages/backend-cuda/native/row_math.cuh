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

// XXH32 of the 4 little-endian bytes of an int32, as @bloom/hashers' xxhash32Int32 (unsigned here).
BLOOM_HD uint32_t xxhash32_int32(int32_t id, uint32_t seed) {
  uint32_t h = seed + 0x165667b1u + 4u;
  h += static_cast<uint32_t>(id) * 0xc2b2ae3du;
  h = rotl32(h, 17) * 0x27d4eb2fu;
  h = (h ^ (h >> 15)) * 0x85ebca77u;
  h = (h ^ (h >> 13)) * 0xc2b2ae3du;
  return h ^ (h >> 16);
}

// Hashers a device can run, by @bloom/hashers' registered names; each with its own bucket rule.
enum Hasher : int { kMurmur3 = 0, kXxhash32 = 1, kMultiplicative = 2 };

// Bucket of `id` in [0, m): murmur3 floor-mods its signed hash (Spotlight's rule), xxhash32 takes its unsigned hash
// mod m, multiplicative is (id mod m) (seed mod m) mod m, exact, as @bloom/hashers' bucketInt32 computes them.
BLOOM_HD int32_t bucket(int hasher, int32_t id, uint32_t seed, int32_t m) {
  if (hasher == kMurmur3) return floor_mod(murmur3_int32(id, seed), m);
  if (hasher == kXxhash32) return static_cast<int32_t>(xxhash32_int32(id, seed) % static_cast<uint32_t>(m));
  const int64_t a = floor_mod(id, m);
  return static_cast<int32_t>(a * static_cast<int64_t>(seed % static_cast<uint32_t>(m)) % m);
}

// @bloom/core's RowMap as the kernels take it (by value): how id i maps to its k rows.
enum RowMapKind : int { kIdentity = 0, kHash = 1, kQuotientRemainder = 2, kRowTable = 3 };
constexpr int kMaxHashes = 32;
struct RowMapSpec {
  int kind;
  int hasher;
  int k;
  int32_t buckets;        // hash: m; quotient-remainder: m
  int32_t first_row;      // hash: 1 when row 0 is kept for padding
  int32_t padding_idx;    // hash: the padding id when has_padding
  int has_padding;
  uint32_t seeds[kMaxHashes];
  const int32_t* table;   // row table: [ids, k] rows, for strategies without a rule the device knows
};

// Row j of id (an id already validated against [0, N)).
BLOOM_HD int32_t map_row(const RowMapSpec& s, int32_t id, int j) {
  switch (s.kind) {
    case kHash:
      if (s.has_padding && id == s.padding_idx) return 0;
      return s.first_row + bucket(s.hasher, id, s.seeds[j], s.buckets - s.first_row);
    case kQuotientRemainder:
      return j == 0 ? id % s.buckets : s.buckets + id / s.buckets;
    case kRowTable:
      return s.table[static_cast<int64_t>(id) * s.k + j];
    default:
      return id;
  }
}

// Philox4x32-10 (Salmon et al., SC'11; Random123's constants): four random words of counter `ctr` under `key`.
BLOOM_HD void philox4x32_10(uint32_t ctr[4], uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; round++) {
    const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * ctr[0];
    const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * ctr[2];
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    ctr[0] = hi1 ^ ctr[1] ^ key0;
    ctr[1] = lo1;
    ctr[2] = hi0 ^ ctr[3] ^ key1;
    ctr[3] = lo0;
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
}

// Negative number i of step `step`: uniform in [0, n) by Lemire's multiply-shift of a Philox word (bias below
// n / 2^32). Counter (i / 4, step, 0, 0), key (seed low, seed high); word i mod 4. Any device computes the same.
BLOOM_HD int32_t sample_negative(uint64_t seed, uint64_t step, uint64_t i, int32_t n) {
  uint32_t ctr[4] = {static_cast<uint32_t>(i >> 2), static_cast<uint32_t>(step), static_cast<uint32_t>(step >> 32),
                     static_cast<uint32_t>(i >> 34)};
  philox4x32_10(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  return static_cast<int32_t>((static_cast<uint64_t>(ctr[i & 3]) * static_cast<uint32_t>(n)) >> 32);
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

// StepParams from the 8 doubles JavaScript passes, in the struct's order.
inline StepParams step_params_from(const double* p) {
  return StepParams{static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2]),
                    static_cast<float>(p[3]), static_cast<float>(p[4]), static_cast<float>(p[5]),
                    static_cast<float>(p[6]), static_cast<float>(p[7])};
}

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

// Element i = r n_cols + c of C = op(A) B, with B [inner, n_cols] and op(A) [rows, inner]: A itself ([rows,
// inner]) or, transposed, A stored [inner, rows]. Summed over the inner index in ascending order, which is the
// order the tiled kernel (table_matmul.cu) adds in too.
BLOOM_HD float matmul_element(const float* a, const float* b, int64_t inner, int64_t rows, int64_t n_cols,
                              bool transposed, int64_t i) {
  const int64_t r = i / n_cols;
  const int64_t c = i - r * n_cols;
  float sum = 0.0f;
  for (int64_t j = 0; j < inner; j++) sum += (transposed ? a[j * rows + r] : a[r * inner + j]) * b[j * n_cols + c];
  return sum;
}

}  // namespace bloom
