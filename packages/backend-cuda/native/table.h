// A Bloom table in CUDA device memory or (without a GPU) host memory: see table.cu.
#pragma once
#include <cstdint>
#include <string>

#include "row_math.cuh"

namespace bloom {

struct Table {
  bool device = false;
  int32_t rows = 0;
  int dim = 0;
  int state_blocks = 0;
  float* weights = nullptr;
  float* state[2] = {nullptr, nullptr};
  // Scratch: rows, grads, uniq, offsets, entries, then the multi-hot matrix X and the dense gradient X^T G.
  void* scratch[7] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  size_t capacity[7] = {0, 0, 0, 0, 0, 0, 0};

  // Every method returns "" or the error (CUDA's, or out of memory); nothing throws or aborts.
  static std::string create(bool on_device, int32_t rows, int dim, int state_blocks, Table** out);
  ~Table();
  // Copies a whole [rows, dim] block from the host (to_block) or to it.
  std::string copy(float* block, const float* host, bool to_block);
  std::string lookup(const int32_t* rows, int64_t batch, int k, float scale, float* out);
  std::string update(const float* grads, int64_t grad_rows, const int32_t* uniq, int32_t count,
                     const int32_t* offsets, const int32_t* entries, int32_t entry_count, int optimizer,
                     const StepParams& p);
  // The paper's formulation (table_matmul.cu): the lookup as the product X W of the [batch, rows] multi-hot
  // (count) matrix of `rows` with the table, and the update from the dense gradient X^T G of the distinct rows
  // `uniq`, both as tiled matrix kernels.
  std::string matmul_lookup(const int32_t* rows, int64_t batch, int k, float* out);
  std::string matmul_update(const int32_t* rows, int64_t batch, int k, const float* grads, const int32_t* uniq,
                            int32_t count, int optimizer, const StepParams& p);
};

// Scratch allocation shared by the table's files: grows `scratch` to `bytes` (device or host), contents lost.
std::string reserve_scratch(bool device, size_t bytes, void** scratch, size_t* capacity);
// Copies `bytes` from the host into a scratch allocation that grows.
std::string upload_scratch(bool device, const void* from, size_t bytes, void** scratch, size_t* capacity);

}  // namespace bloom
