// The paper's binary-vector formulation on a Table: each id's k rows become a multi-hot (count) row of X, the
// lookup is the matrix product X W and the gradient the dense X^T G, as 16 x 16 shared-memory tiled kernels; the
// optimizer then updates the distinct rows. Nothing skips X's zeros: this is what the formulation costs, kept so
// that it can be compared with the gathered bloom tables. Host loops run the same element functions without a GPU.
#include <cuda_runtime.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "kernels.cuh"
#include "row_math.cuh"
#include "table.h"

namespace bloom {
namespace {

constexpr int kTile = 16;
constexpr int kThreads = 256;
enum Scratch : int { kRows = 0, kUniq = 2, kOffsets = 3, kMultiHot = 5, kDense = 6 };

__global__ void multi_hot_kernel(const int32_t* rows, int64_t entries, int k, int32_t m, float* x) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  // Counts are small integers, exact in float, so the order of the atomic adds cannot change them.
  if (i < entries) atomicAdd(&x[(i / k) * m + rows[i]], 1.0f);
}

// C [rows, n_cols] = op(A) B in tiles: row tiles on grid x (up to 2^31 - 1), column tiles on grid y.
__global__ void matmul_tiled_kernel(const float* a, const float* b, float* c, int64_t inner, int64_t rows,
                                    int64_t n_cols, bool transposed) {
  __shared__ float a_tile[kTile][kTile];
  __shared__ float b_tile[kTile][kTile];
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kTile + threadIdx.y;
  const int64_t col = static_cast<int64_t>(blockIdx.y) * kTile + threadIdx.x;
  float sum = 0.0f;
  for (int64_t t = 0; t < inner; t += kTile) {
    const int64_t ja = t + threadIdx.x, jb = t + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] =
        r < rows && ja < inner ? (transposed ? a[ja * rows + r] : a[r * inner + ja]) : 0.0f;
    b_tile[threadIdx.y][threadIdx.x] = jb < inner && col < n_cols ? b[jb * n_cols + col] : 0.0f;
    __syncthreads();
    // Ascending inner index, as matmul_element adds; padding past `inner` adds zeros, which change nothing.
    for (int j = 0; j < kTile; j++) sum += a_tile[threadIdx.y][j] * b_tile[j][threadIdx.x];
    __syncthreads();
  }
  if (r < rows && col < n_cols) c[r * n_cols + col] = sum;
}

__global__ void dense_update_kernel(float* weights, float* state0, float* state1, const float* dense,
                                    const int32_t* uniq, const int32_t* offsets, int d, int optimizer, StepParams p,
                                    int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  // One entry per distinct row, the row itself: its gradient is its row of the dense X^T G.
  if (i < n) update_element(weights, state0, state1, dense, uniq, offsets, uniq, d, optimizer, p, i);
}

std::string matmul(bool device, const float* a, const float* b, float* c, int64_t inner, int64_t rows,
                   int64_t n_cols, bool transposed) {
  if (!device) {
    for (int64_t i = 0; i < rows * n_cols; i++) c[i] = matmul_element(a, b, inner, rows, n_cols, transposed, i);
    return "";
  }
  if (rows == 0 || n_cols == 0) return "";
  const dim3 grid(static_cast<unsigned>((rows + kTile - 1) / kTile), static_cast<unsigned>((n_cols + kTile - 1) / kTile));
  matmul_tiled_kernel<<<grid, dim3(kTile, kTile)>>>(a, b, c, inner, rows, n_cols, transposed);
  return check(cudaGetLastError());
}

}  // namespace

// X [batch, rows] of `rows_in` into scratch kMultiHot, zeroed first; the rows themselves go to scratch kRows.
static std::string fill_multi_hot(Table& t, const int32_t* rows_in, int64_t batch, int k, float** x) {
  const size_t bytes = sizeof(float) * batch * t.rows;
  std::string error = upload_scratch(t.device, rows_in, sizeof(int32_t) * batch * k, &t.scratch[kRows], &t.capacity[kRows]);
  if (error.empty()) error = reserve_scratch(t.device, bytes, &t.scratch[kMultiHot], &t.capacity[kMultiHot]);
  if (!error.empty()) return "the multi-hot matrix (" + std::to_string(bytes) + " bytes): " + error;
  *x = static_cast<float*>(t.scratch[kMultiHot]);
  const auto* rows = static_cast<const int32_t*>(t.scratch[kRows]);
  if (!t.device) {
    std::memset(*x, 0, bytes);
    for (int64_t i = 0; i < batch * k; i++) (*x)[(i / k) * t.rows + rows[i]] += 1.0f;
    return "";
  }
  error = check(cudaMemset(*x, 0, bytes));
  if (error.empty() && batch > 0) {
    multi_hot_kernel<<<static_cast<unsigned>((batch * k + kThreads - 1) / kThreads), kThreads>>>(rows, batch * k, k,
                                                                                                 t.rows, *x);
    error = check(cudaGetLastError());
  }
  return error;
}

std::string Table::matmul_lookup(const int32_t* rows_in, int64_t batch, int k, float* out) {
  float* x = nullptr;
  std::string error = fill_multi_hot(*this, rows_in, batch, k, &x);
  if (!error.empty()) return error;
  if (!device) return matmul(false, x, weights, out, rows, batch, dim, false);
  const size_t bytes = sizeof(float) * batch * dim;
  error = reserve_scratch(true, bytes, &scratch[kDense], &capacity[kDense]);
  auto* product = static_cast<float*>(scratch[kDense]);
  if (error.empty()) error = matmul(true, x, weights, product, rows, batch, dim, false);
  if (error.empty()) error = check(cudaMemcpy(out, product, bytes, cudaMemcpyDeviceToHost));
  return error;
}

std::string Table::matmul_update(const int32_t* rows_in, int64_t batch, int k, const float* grads,
                                 const int32_t* uniq, int32_t count, int optimizer, const StepParams& p) {
  float* x = nullptr;
  std::string error = fill_multi_hot(*this, rows_in, batch, k, &x);
  // G goes to the grads scratch, X^T G ([rows, dim]) to the dense one.
  if (error.empty()) error = upload_scratch(device, grads, sizeof(float) * batch * dim, &scratch[1], &capacity[1]);
  if (error.empty()) error = reserve_scratch(device, sizeof(float) * rows * dim, &scratch[kDense], &capacity[kDense]);
  std::vector<int32_t> offsets(static_cast<size_t>(count) + 1);
  std::iota(offsets.begin(), offsets.end(), 0);
  if (error.empty()) error = upload_scratch(device, uniq, sizeof(int32_t) * count, &scratch[kUniq], &capacity[kUniq]);
  if (error.empty())
    error = upload_scratch(device, offsets.data(), sizeof(int32_t) * offsets.size(), &scratch[kOffsets], &capacity[kOffsets]);
  if (!error.empty()) return error;
  auto* dense = static_cast<float*>(scratch[kDense]);
  error = matmul(device, x, static_cast<const float*>(scratch[1]), dense, batch, rows, dim, true);
  if (!error.empty()) return error;
  const auto* u = static_cast<const int32_t*>(scratch[kUniq]);
  const auto* o = static_cast<const int32_t*>(scratch[kOffsets]);
  const int64_t n = static_cast<int64_t>(count) * dim;
  if (!device) {
    for (int64_t i = 0; i < n; i++) update_element(weights, state[0], state[1], dense, u, o, u, dim, optimizer, p, i);
    return "";
  }
  if (n == 0) return "";
  dense_update_kernel<<<static_cast<unsigned>((n + kThreads - 1) / kThreads), kThreads>>>(
      weights, state[0], state[1], dense, u, o, dim, optimizer, p, n);
  error = check(cudaGetLastError());
  if (error.empty()) error = check(cudaDeviceSynchronize());
  return error;
}

}  // namespace bloom
