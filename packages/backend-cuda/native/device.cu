// The CUDA side of the addon: device discovery, and the strategies' row rules (hashing) as a kernel over the same
// row_math.cuh function the host entry points test.
#include <cuda_runtime.h>

#include <string>

#include "kernels.cuh"
#include "row_math.cuh"

namespace bloom {

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

// Runs map_rows_kernel on the device; returns the CUDA error string, or "" on success.
std::string map_rows_on_device(const RowMapSpec& map, const int32_t* ids, int64_t n, int32_t* rows) {
  int32_t* d_ids = nullptr;
  int32_t* d_rows = nullptr;
  const int64_t total = n * map.k;
  cudaError_t status = cudaMalloc(&d_ids, sizeof(int32_t) * (n + 1));
  if (status == cudaSuccess) status = cudaMalloc(&d_rows, sizeof(int32_t) * (total + 1));
  if (status == cudaSuccess) status = cudaMemcpy(d_ids, ids, sizeof(int32_t) * n, cudaMemcpyHostToDevice);
  if (status == cudaSuccess && total > 0) {
    const int threads = 256;
    map_rows_kernel<<<static_cast<unsigned>((total + threads - 1) / threads), threads>>>(map, d_ids, n, d_rows);
    status = cudaGetLastError();
  }
  if (status == cudaSuccess) status = cudaMemcpy(rows, d_rows, sizeof(int32_t) * total, cudaMemcpyDeviceToHost);
  cudaFree(d_ids);
  cudaFree(d_rows);
  return status == cudaSuccess ? "" : cudaGetErrorString(status);
}

}  // namespace bloom
