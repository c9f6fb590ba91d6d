// The CUDA side of the addon: device discovery, and a first kernel (bloom rows by murmur3 on the device) that
// runs the same row_math.cuh functions the host entry points test.
#include <cuda_runtime.h>

#include <string>

#include "row_math.cuh"

namespace bloom {

// rows[b k + j] = floor_mod(murmur3(ids[b], seeds[j]), m)
__global__ void murmur3_rows_kernel(const int32_t* ids, int n, const uint32_t* seeds, int k, int32_t m,
                                    int32_t* rows) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n * k) return;
  rows[i] = floor_mod(murmur3_int32(ids[i / k], seeds[i % k]), m);
}

// The number of CUDA devices, or -1 with the runtime's reason (no driver, no device) in `reason`.
int device_count(std::string& reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    reason = cudaGetErrorString(status);
    return -1;
  }
  return count;
}

std::string device_name(int device) {
  cudaDeviceProp properties{};
  if (cudaGetDeviceProperties(&properties, device) != cudaSuccess) return "";
  return std::string(properties.name) + " (sm_" + std::to_string(properties.major) +
         std::to_string(properties.minor) + ", " + std::to_string(properties.totalGlobalMem >> 20) + " MiB)";
}

// Runs murmur3_rows_kernel on the device; returns the CUDA error string, or "" on success.
std::string murmur3_rows_on_device(const int32_t* ids, int n, const uint32_t* seeds, int k, int32_t m,
                                   int32_t* rows) {
  int32_t* d_ids = nullptr;
  uint32_t* d_seeds = nullptr;
  int32_t* d_rows = nullptr;
  cudaError_t status = cudaMalloc(&d_ids, sizeof(int32_t) * n);
  if (status == cudaSuccess) status = cudaMalloc(&d_seeds, sizeof(uint32_t) * k);
  if (status == cudaSuccess) status = cudaMalloc(&d_rows, sizeof(int32_t) * n * k);
  if (status == cudaSuccess) status = cudaMemcpy(d_ids, ids, sizeof(int32_t) * n, cudaMemcpyHostToDevice);
  if (status == cudaSuccess) status = cudaMemcpy(d_seeds, seeds, sizeof(uint32_t) * k, cudaMemcpyHostToDevice);
  if (status == cudaSuccess) {
    const int threads = 256;
    murmur3_rows_kernel<<<(n * k + threads - 1) / threads, threads>>>(d_ids, n, d_seeds, k, m, d_rows);
    status = cudaGetLastError();
  }
  if (status == cudaSuccess) status = cudaMemcpy(rows, d_rows, sizeof(int32_t) * n * k, cudaMemcpyDeviceToHost);
  cudaFree(d_ids);
  cudaFree(d_seeds);
  cudaFree(d_rows);
  return status == cudaSuccess ? "" : cudaGetErrorString(status);
}

}  // namespace bloom
