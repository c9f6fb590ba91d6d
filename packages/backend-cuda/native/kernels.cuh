// What the CUDA files share (CUDA files only): the error check of device calls, and thin kernels over
// row_math.cuh's element functions that more than one file launches.
// Grid-stride loops, so any grid covers any size; `static` gives each translation unit its own copy.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "row_math.cuh"

#define BLOOM_GRID(n)                                                                  \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

namespace bloom {

// "" for success, else CUDA's reason: every device call's result, as the table and trainer methods return it.
static inline std::string check(cudaError_t status) { return status == cudaSuccess ? "" : cudaGetErrorString(status); }

// rows[b k + j] = row j of ids[b] by the rule `map`.
static __global__ void map_rows_kernel(RowMapSpec map, const int32_t* ids, int64_t count, int32_t* rows) {
  BLOOM_GRID(count * map.k) rows[i] = map_row(map, ids[i / map.k], static_cast<int>(i % map.k));
}

// out[b d + c] = scale * sum_j weights[rows[b k + j], c], n = batch * d elements.
static __global__ void gather_kernel(const float* weights, const int32_t* rows, int k, int d, float scale, int64_t n,
                                     float* out) {
  BLOOM_GRID(n) out[i] = gather_element(weights, rows, k, d, scale, i);
}

}  // namespace bloom
