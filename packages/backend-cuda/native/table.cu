// A Bloom table in CUDA device memory, or, for machines without a GPU, in host memory with the same element
// functions (row_math.cuh) run in host loops: the host variant is what CI tests against the TypeScript tables,
// and the device variant differs only in where memory lives and how the loops are launched.
#include <cuda_runtime.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels.cuh"
#include "row_math.cuh"
#include "table.h"

namespace bloom {
namespace {

constexpr int kThreads = 256;

__global__ void update_kernel(float* weights, float* state0, float* state1, const float* grads, const int32_t* uniq,
                              const int32_t* offsets, const int32_t* entries, int d, int optimizer, StepParams p,
                              int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) update_element(weights, state0, state1, grads, uniq, offsets, entries, d, optimizer, p, i);
}

// Device or host allocation of `bytes`, zeroed.
std::string allocate(bool device, size_t bytes, float** out) {
  if (!device) {
    *out = static_cast<float*>(std::calloc(bytes / sizeof(float) + 1, sizeof(float)));
    return *out == nullptr ? "out of host memory" : "";
  }
  std::string error = check(cudaMalloc(out, bytes + sizeof(float)));
  if (error.empty()) error = check(cudaMemset(*out, 0, bytes + sizeof(float)));
  return error;
}

void release(bool device, void* p) {
  if (p == nullptr) return;
  if (device) cudaFree(p); else std::free(p);
}

}  // namespace

std::string reserve_scratch(bool device, size_t bytes, void** scratch, size_t* capacity) {
  if (bytes <= *capacity) return "";
  release(device, *scratch);
  *scratch = nullptr;
  *capacity = 0;
  float* p = nullptr;
  const std::string error = allocate(device, bytes, &p);
  if (!error.empty()) return error;
  *scratch = p;
  *capacity = bytes;
  return "";
}

std::string upload_scratch(bool device, const void* from, size_t bytes, void** scratch, size_t* capacity) {
  const std::string error = reserve_scratch(device, bytes, scratch, capacity);
  if (!error.empty()) return error;
  if (!device) {
    std::memcpy(*scratch, from, bytes);
    return "";
  }
  return check(cudaMemcpy(*scratch, from, bytes, cudaMemcpyHostToDevice));
}

std::string Table::create(bool on_device, int32_t rows_, int dim_, int state_blocks_, Table** out) {
  auto* t = new Table();
  t->device = on_device;
  t->rows = rows_;
  t->dim = dim_;
  t->state_blocks = state_blocks_;
  const size_t bytes = static_cast<size_t>(rows_) * dim_ * sizeof(float);
  std::string error = allocate(on_device, bytes, &t->weights);
  for (int s = 0; error.empty() && s < state_blocks_; s++) error = allocate(on_device, bytes, &t->state[s]);
  if (!error.empty()) {
    delete t;
    return error;
  }
  *out = t;
  return "";
}

Table::~Table() {
  release(device, weights);
  for (float* s : state) release(device, s);
  for (void* s : scratch) release(device, s);
}

std::string Table::copy(float* block, const float* host, bool to_block) {
  const size_t bytes = static_cast<size_t>(rows) * dim * sizeof(float);
  if (!device) {
    if (to_block) std::memcpy(block, host, bytes); else std::memcpy(const_cast<float*>(host), block, bytes);
    return "";
  }
  return to_block ? check(cudaMemcpy(block, host, bytes, cudaMemcpyHostToDevice))
                  : check(cudaMemcpy(const_cast<float*>(host), block, bytes, cudaMemcpyDeviceToHost));
}

std::string Table::lookup(const int32_t* rows_in, int64_t batch, int k, float scale, float* out) {
  const int64_t n = batch * dim;
  std::string error = upload_scratch(device, rows_in, sizeof(int32_t) * batch * k, &scratch[0], &capacity[0]);
  if (!error.empty()) return error;
  const auto* rows_at = static_cast<const int32_t*>(scratch[0]);
  if (!device) {
    for (int64_t i = 0; i < n; i++) out[i] = gather_element(weights, rows_at, k, dim, scale, i);
    return "";
  }
  float* d_out = nullptr;
  error = allocate(true, sizeof(float) * n, &d_out);
  if (error.empty() && n > 0) {
    gather_kernel<<<static_cast<unsigned>((n + kThreads - 1) / kThreads), kThreads>>>(weights, rows_at, k, dim,
                                                                                         scale, n, d_out);
    error = check(cudaGetLastError());
  }
  if (error.empty()) error = check(cudaMemcpy(out, d_out, sizeof(float) * n, cudaMemcpyDeviceToHost));
  release(true, d_out);
  return error;
}

std::string Table::update(const float* grads, int64_t grad_rows, const int32_t* uniq, int32_t count,
                          const int32_t* offsets, const int32_t* entries, int32_t entry_count, int optimizer,
                          const StepParams& p) {
  std::string error = upload_scratch(device, grads, sizeof(float) * grad_rows * dim, &scratch[1], &capacity[1]);
  if (error.empty()) error = upload_scratch(device, uniq, sizeof(int32_t) * count, &scratch[2], &capacity[2]);
  if (error.empty()) error = upload_scratch(device, offsets, sizeof(int32_t) * (count + 1), &scratch[3], &capacity[3]);
  if (error.empty()) error = upload_scratch(device, entries, sizeof(int32_t) * entry_count, &scratch[4], &capacity[4]);
  if (!error.empty()) return error;
  const auto* g = static_cast<const float*>(scratch[1]);
  const auto* u = static_cast<const int32_t*>(scratch[2]);
  const auto* o = static_cast<const int32_t*>(scratch[3]);
  const auto* e = static_cast<const int32_t*>(scratch[4]);
  const int64_t n = static_cast<int64_t>(count) * dim;
  if (!device) {
    for (int64_t i = 0; i < n; i++) update_element(weights, state[0], state[1], g, u, o, e, dim, optimizer, p, i);
    return "";
  }
  if (n == 0) return "";
  update_kernel<<<static_cast<unsigned>((n + kThreads - 1) / kThreads), kThreads>>>(
      weights, state[0], state[1], g, u, o, e, dim, optimizer, p, n);
  error = check(cudaGetLastError());
  // The one synchronisation of a step: errors surface here, as typed errors, never as a crash.
  if (error.empty()) error = check(cudaDeviceSynchronize());
  return error;
}

}  // namespace bloom
