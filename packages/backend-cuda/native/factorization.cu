// The fused factorization trainer. Per minibatch, all on the device and in one stream, with no synchronisation:
// draw negatives (Philox), map ids to rows (the strategies' own hashing), gather and combine rows, score, the loss
// and its gradients per example, the minibatch's mean loss into a device slot, then for each of the four tables a
// stable radix sort of its row references (CUB) that groups duplicates, and the sparse optimizer update by the
// thread that owns each distinct row and column. Without a GPU the same element functions run in host loops and a
// stable sort stands in for CUB's, so CI checks this file's logic against the TypeScript trainer.
#include <cuda_runtime.h>

#include <algorithm>
#include <cub/cub.cuh>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "factorization.h"
#include "factorization_math.cuh"
#include "kernels.cuh"

namespace bloom {
namespace {

constexpr int kThreads = 256;

unsigned blocks(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

// Example ids of a minibatch: positives from the loaded chunk, negatives drawn uniformly from [0, num_items).
BLOOM_HD void batch_ids_element(const int32_t* users, const int32_t* items, int64_t first, int64_t batch, int n,
                                uint64_t seed, uint64_t rng_step, int32_t num_items, int32_t* batch_users,
                                int32_t* batch_items, int64_t i) {
  if (i < batch) {
    batch_users[i] = users[first + i];
    batch_items[i] = items[first + i];
  } else {
    batch_items[i] = sample_negative(seed, rng_step, static_cast<uint64_t>(i - batch), num_items);
  }
}

__global__ void batch_ids_kernel(const int32_t* users, const int32_t* items, int64_t first, int64_t batch, int n,
                                 uint64_t seed, uint64_t rng_step, int32_t num_items, int32_t* batch_users,
                                 int32_t* batch_items, int64_t slots) {
  BLOOM_GRID(slots) batch_ids_element(users, items, first, batch, n, seed, rng_step, num_items, batch_users,
                                      batch_items, i);
}

__global__ void score_kernel(const float* u, const float* items, const float* bu, const float* bi, int64_t batch,
                             int n, int d, int64_t slots, float* scores) {
  BLOOM_GRID(slots) scores[i] = score_element(u, items, bu, bi, batch, n, d, i);
}

__global__ void loss_kernel(int loss, const float* scores, const float* ratings, int64_t batch, int n, float inv_b,
                            float* dscores, float* example_loss) {
  BLOOM_GRID(batch) example_loss[i] = loss_element(loss, scores, ratings, batch, n, inv_b, i, dscores);
}

// The minibatch's mean loss into its slot: one block, a fixed summation order, so reruns agree bit for bit.
__global__ void mean_kernel(const float* values, int64_t n, float* out) {
  __shared__ float partial[kThreads];
  float sum = 0.0f;
  for (int64_t i = threadIdx.x; i < n; i += kThreads) sum += values[i];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width /= 2) {
    if (threadIdx.x < width) partial[threadIdx.x] += partial[threadIdx.x + width];
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = partial[0] / static_cast<float>(n);
}

__global__ void grads_kernel(const float* u, const float* items, const float* dscores, int64_t batch, int n, int d,
                             float* grad_u, float* grad_i, float* grad_bu) {
  const int64_t slots = batch * (1 + n);
  BLOOM_GRID(slots * d) {
    grad_i[i] = item_grad_element(u, dscores, batch, n, d, i);
    if (i < batch * d) grad_u[i] = user_grad_element(items, dscores, batch, n, d, i);
    if (i < batch) grad_bu[i] = user_bias_grad(dscores, batch, n, i);
  }
}

__global__ void gradient_rows_kernel(int64_t entries, int k, int32_t* values) {
  BLOOM_GRID(entries) values[i] = static_cast<int32_t>(i / k);
}

__global__ void segment_update_kernel(float* weights, float* state0, float* state1, const float* grads,
                                      const int32_t* uniq, const int32_t* offsets, const int32_t* entries,
                                      const int32_t* runs, int32_t frozen, int d, int optimizer, StepParams p,
                                      int64_t limit) {
  const int64_t n = static_cast<int64_t>(*runs) * d;
  BLOOM_GRID(limit) {
    if (i >= n) return;
    if (uniq[i / d] != frozen) update_element(weights, state0, state1, grads, uniq, offsets, entries, d, optimizer, p, i);
  }
}

__global__ void validate_kernel(const int32_t* ids, int64_t n, int32_t limit, unsigned long long* first_bad) {
  BLOOM_GRID(n) {
    if (ids[i] < 0 || ids[i] >= limit) atomicMin(first_bad, static_cast<unsigned long long>(i));
  }
}

int bits_for(int32_t rows) {
  int bits = 1;
  while (bits < 31 && (int64_t{1} << bits) < rows) bits++;
  return bits;
}

}  // namespace

std::string Trainer::reserve(Buffer& buffer, size_t bytes) {
  if (bytes <= buffer.bytes) return "";
  release(buffer);
  const size_t size = bytes + 16;
  if (device_) {
    const std::string error = check(cudaMalloc(&buffer.data, size));
    if (!error.empty()) return "cannot allocate " + std::to_string(size) + " bytes of device memory: " + error;
  } else {
    buffer.data = std::calloc(size, 1);
    if (buffer.data == nullptr) return "out of host memory";
  }
  buffer.bytes = bytes;
  return "";
}

void Trainer::release(Buffer& buffer) {
  if (buffer.data != nullptr) {
    if (device_) cudaFree(buffer.data); else std::free(buffer.data);
  }
  buffer = Buffer{};
}

Trainer::~Trainer() {
  for (Buffer* b : {&users_, &items_, &ratings_, &losses_, &batch_users_, &batch_items_, &rows_u_, &rows_i_, &vec_u_,
                    &vec_i_, &bias_u_, &bias_i_, &scores_, &dscores_, &example_loss_, &grad_u_, &grad_i_, &grad_bu_,
                    &keys_, &values_, &sorted_values_, &uniq_, &counts_, &offsets_, &runs_, &bad_, &temp_})
    release(*b);
  for (Buffer& b : row_tables_) release(b);
}

std::string Trainer::create(bool on_device, const Side sides[4], const std::vector<int32_t> row_tables[4], int loss,
                            int negatives, int32_t num_items, uint64_t seed, Trainer** out) {
  auto* t = new Trainer();
  t->device_ = on_device;
  t->loss_ = loss;
  t->negatives_ = negatives;
  t->num_items_ = num_items;
  t->seed_ = seed;
  for (int s = 0; s < 4; s++) {
    t->sides_[s] = sides[s];
    if (row_tables[s].empty()) continue;
    const size_t bytes = row_tables[s].size() * sizeof(int32_t);
    std::string error = t->reserve(t->row_tables_[s], bytes);
    if (error.empty()) {
      if (on_device) error = check(cudaMemcpy(t->row_tables_[s].data, row_tables[s].data(), bytes, cudaMemcpyHostToDevice));
      else std::memcpy(t->row_tables_[s].data, row_tables[s].data(), bytes);
    }
    if (!error.empty()) {
      delete t;
      return error;
    }
    t->sides_[s].map.table = static_cast<const int32_t*>(t->row_tables_[s].data);
  }
  *out = t;
  return "";
}

std::string Trainer::load(const int32_t* users, const int32_t* items, const float* ratings, int64_t count,
                          int* bad_side, int64_t* bad_at) {
  *bad_side = -1;
  *bad_at = -1;
  std::string error = reserve(users_, sizeof(int32_t) * count);
  if (error.empty()) error = reserve(items_, sizeof(int32_t) * count);
  if (error.empty() && ratings != nullptr) error = reserve(ratings_, sizeof(float) * count);
  if (!error.empty()) return error;
  loaded_ = count;
  const int32_t* ids[2] = {users, items};
  Buffer* targets[2] = {&users_, &items_};
  for (int s = 0; s < 2; s++) {
    const int32_t limit = sides_[s].num_ids;
    if (!device_) {
      std::memcpy(targets[s]->data, ids[s], sizeof(int32_t) * count);
      const auto* loaded = static_cast<const int32_t*>(targets[s]->data);
      for (int64_t i = 0; i < count && *bad_side < 0; i++) {
        if (loaded[i] < 0 || loaded[i] >= limit) {
          *bad_side = s;
          *bad_at = i;
        }
      }
      continue;
    }
    if (error.empty()) error = reserve(bad_, sizeof(unsigned long long));
    if (error.empty()) error = check(cudaMemcpy(targets[s]->data, ids[s], sizeof(int32_t) * count, cudaMemcpyHostToDevice));
    if (error.empty()) error = check(cudaMemset(bad_.data, 0xff, sizeof(unsigned long long)));
    if (error.empty() && count > 0) {
      validate_kernel<<<blocks(count), kThreads>>>(static_cast<const int32_t*>(targets[s]->data), count, limit,
                                                   static_cast<unsigned long long*>(bad_.data));
      error = check(cudaGetLastError());
    }
    unsigned long long first = ~0ull;
    if (error.empty()) error = check(cudaMemcpy(&first, bad_.data, sizeof(first), cudaMemcpyDeviceToHost));
    if (!error.empty()) return error;
    if (first != ~0ull && *bad_side < 0) {
      *bad_side = s;
      *bad_at = static_cast<int64_t>(first);
    }
  }
  if (ratings != nullptr) {
    if (device_) error = check(cudaMemcpy(ratings_.data, ratings, sizeof(float) * count, cudaMemcpyHostToDevice));
    else std::memcpy(ratings_.data, ratings, sizeof(float) * count);
  }
  return error;
}

std::string Trainer::run(int64_t first, int64_t batches, int64_t batch_size, uint64_t rng_step, const double* params) {
  std::string error = reserve(losses_, sizeof(float) * batches);
  for (int64_t j = 0; error.empty() && j < batches; j++) {
    const int64_t from = (first + j) * batch_size;
    const int64_t batch = std::min(batch_size, loaded_ - from);
    if (batch <= 0) return "minibatch " + std::to_string(first + j) + " is past the loaded examples";
    error = step(from, batch, j, rng_step + j, params + j * 32);
  }
  return error;
}

std::string Trainer::losses(float* out, int64_t count) {
  if (count * sizeof(float) > losses_.bytes) return "more losses asked for than minibatches run";
  if (!device_) {
    std::memcpy(out, losses_.data, sizeof(float) * count);
    return "";
  }
  // The synchronisation point: errors of any kernel launched since the last one surface here.
  std::string error = check(cudaDeviceSynchronize());
  if (error.empty()) error = check(cudaMemcpy(out, losses_.data, sizeof(float) * count, cudaMemcpyDeviceToHost));
  return error;
}

std::string Trainer::step(int64_t first_example, int64_t batch, int64_t loss_slot, uint64_t rng_step,
                          const double* params) {
  const int n = negatives_;
  const int64_t slots = batch * (1 + n);
  const Side& users = sides_[kUsers];
  const Side& items = sides_[kItems];
  const int d = users.table->dim;
  const int ku = users.map.k, ki = items.map.k;
  std::string error;
  for (auto [buffer, bytes] : std::initializer_list<std::pair<Buffer*, size_t>>{
           {&batch_users_, sizeof(int32_t) * batch},
           {&batch_items_, sizeof(int32_t) * slots},
           {&rows_u_, sizeof(int32_t) * batch * ku},
           {&rows_i_, sizeof(int32_t) * slots * ki},
           {&vec_u_, sizeof(float) * batch * d},
           {&vec_i_, sizeof(float) * slots * d},
           {&bias_u_, sizeof(float) * batch},
           {&bias_i_, sizeof(float) * slots},
           {&scores_, sizeof(float) * slots},
           {&dscores_, sizeof(float) * slots},
           {&example_loss_, sizeof(float) * batch},
           {&grad_u_, sizeof(float) * batch * d},
           {&grad_i_, sizeof(float) * slots * d},
           {&grad_bu_, sizeof(float) * batch}}) {
    if (error.empty()) error = reserve(*buffer, bytes);
  }
  if (!error.empty()) return error;
  auto i32 = [](Buffer& b) { return static_cast<int32_t*>(b.data); };
  auto f32 = [](Buffer& b) { return static_cast<float*>(b.data); };
  const float inv_b = 1.0f / static_cast<float>(batch);
  // This minibatch's ratings (explicit losses): the loaded chunk's from its first example.
  const float* ratings = ratings_.data == nullptr ? nullptr : static_cast<const float*>(ratings_.data) + first_example;
  const Side& user_bias = sides_[kUserBias];
  const Side& item_bias = sides_[kItemBias];
  float* loss_out = f32(losses_) + loss_slot;
  if (!device_) {
    for (int64_t i = 0; i < slots; i++)
      batch_ids_element(i32(users_), i32(items_), first_example, batch, n, seed_, rng_step, num_items_,
                        i32(batch_users_), i32(batch_items_), i);
    for (int64_t i = 0; i < batch * ku; i++) i32(rows_u_)[i] = map_row(users.map, i32(batch_users_)[i / ku], i % ku);
    for (int64_t i = 0; i < slots * ki; i++) i32(rows_i_)[i] = map_row(items.map, i32(batch_items_)[i / ki], i % ki);
    for (int64_t i = 0; i < batch * d; i++)
      f32(vec_u_)[i] = gather_element(users.table->weights, i32(rows_u_), ku, d, users.scale, i);
    for (int64_t i = 0; i < slots * d; i++)
      f32(vec_i_)[i] = gather_element(items.table->weights, i32(rows_i_), ki, d, items.scale, i);
    for (int64_t i = 0; i < batch; i++)
      f32(bias_u_)[i] = gather_element(user_bias.table->weights, i32(batch_users_), 1, 1, 1.0f, i);
    for (int64_t i = 0; i < slots; i++)
      f32(bias_i_)[i] = gather_element(item_bias.table->weights, i32(batch_items_), 1, 1, 1.0f, i);
    for (int64_t i = 0; i < slots; i++)
      f32(scores_)[i] = score_element(f32(vec_u_), f32(vec_i_), f32(bias_u_), f32(bias_i_), batch, n, d, i);
    float sum = 0.0f;
    for (int64_t b = 0; b < batch; b++)
      sum += loss_element(loss_, f32(scores_), ratings, batch, n, inv_b, b, f32(dscores_));
    *loss_out = sum / static_cast<float>(batch);
    for (int64_t i = 0; i < slots * d; i++) f32(grad_i_)[i] = item_grad_element(f32(vec_u_), f32(dscores_), batch, n, d, i);
    for (int64_t i = 0; i < batch * d; i++) f32(grad_u_)[i] = user_grad_element(f32(vec_i_), f32(dscores_), batch, n, d, i);
    for (int64_t b = 0; b < batch; b++) f32(grad_bu_)[b] = user_bias_grad(f32(dscores_), batch, n, b);
  } else {
    batch_ids_kernel<<<blocks(slots), kThreads>>>(i32(users_), i32(items_), first_example, batch, n, seed_, rng_step,
                                                  num_items_, i32(batch_users_), i32(batch_items_), slots);
    map_rows_kernel<<<blocks(batch * ku), kThreads>>>(users.map, i32(batch_users_), batch, i32(rows_u_));
    map_rows_kernel<<<blocks(slots * ki), kThreads>>>(items.map, i32(batch_items_), slots, i32(rows_i_));
    gather_kernel<<<blocks(batch * d), kThreads>>>(users.table->weights, i32(rows_u_), ku, d, users.scale, batch * d,
                                                   f32(vec_u_));
    gather_kernel<<<blocks(slots * d), kThreads>>>(items.table->weights, i32(rows_i_), ki, d, items.scale, slots * d,
                                                   f32(vec_i_));
    gather_kernel<<<blocks(batch), kThreads>>>(user_bias.table->weights, i32(batch_users_), 1, 1, 1.0f, batch,
                                               f32(bias_u_));
    gather_kernel<<<blocks(slots), kThreads>>>(item_bias.table->weights, i32(batch_items_), 1, 1, 1.0f, slots,
                                               f32(bias_i_));
    score_kernel<<<blocks(slots), kThreads>>>(f32(vec_u_), f32(vec_i_), f32(bias_u_), f32(bias_i_), batch, n, d, slots,
                                              f32(scores_));
    loss_kernel<<<blocks(batch), kThreads>>>(loss_, f32(scores_), ratings, batch, n, inv_b, f32(dscores_),
                                             f32(example_loss_));
    mean_kernel<<<1, kThreads>>>(f32(example_loss_), batch, loss_out);
    grads_kernel<<<blocks(slots * d), kThreads>>>(f32(vec_u_), f32(vec_i_), f32(dscores_), batch, n, d, f32(grad_u_),
                                                  f32(grad_i_), f32(grad_bu_));
    error = check(cudaGetLastError());
  }
  const double* p = params;
  if (error.empty()) error = update_side(users, i32(rows_u_), batch * ku, f32(grad_u_), p);
  if (error.empty()) error = update_side(items, i32(rows_i_), slots * ki, f32(grad_i_), p + 8);
  if (error.empty()) error = update_side(user_bias, i32(batch_users_), batch, f32(grad_bu_), p + 16);
  // The item biases' gradients are the score gradients themselves.
  if (error.empty()) error = update_side(item_bias, i32(batch_items_), slots, f32(dscores_), p + 24);
  return error;
}

std::string Trainer::update_side(const Side& side, const int32_t* rows, int64_t entries, const float* grads,
                                 const double* params) {
  Table& table = *side.table;
  const int d = table.dim;
  const int k = side.map.k;
  const StepParams p = step_params_from(params);
  std::string error;
  for (Buffer* b : {&keys_, &values_, &sorted_values_, &uniq_, &counts_}) {
    if (error.empty()) error = reserve(*b, sizeof(int32_t) * entries);
  }
  if (error.empty()) error = reserve(offsets_, sizeof(int32_t) * (entries + 1));
  if (error.empty()) error = reserve(runs_, sizeof(int32_t));
  if (!error.empty()) return error;
  auto* keys = static_cast<int32_t*>(keys_.data);
  auto* values = static_cast<int32_t*>(values_.data);
  auto* sorted = static_cast<int32_t*>(sorted_values_.data);
  auto* uniq = static_cast<int32_t*>(uniq_.data);
  auto* counts = static_cast<int32_t*>(counts_.data);
  auto* offsets = static_cast<int32_t*>(offsets_.data);
  auto* runs = static_cast<int32_t*>(runs_.data);
  if (!device_) {
    // A stable sort of (row, gradient row) by row, as CUB's radix sort orders them.
    std::vector<int32_t> order(entries);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [rows](int32_t a, int32_t b) { return rows[a] < rows[b]; });
    int32_t count = 0;
    offsets[0] = 0;
    for (int64_t e = 0; e < entries; e++) {
      const int32_t row = rows[order[e]];
      if (e == 0 || row != uniq[count - 1]) {
        uniq[count++] = row;
        offsets[count] = offsets[count - 1];
      }
      offsets[count]++;
      sorted[e] = order[e] / k;
    }
    for (int64_t i = 0; i < static_cast<int64_t>(count) * d; i++) {
      if (uniq[i / d] != side.frozen)
        update_element(table.weights, table.state[0], table.state[1], grads, uniq, offsets, sorted, d, side.optimizer,
                       p, i);
    }
    return "";
  }
  const int bits = bits_for(table.rows);
  size_t sort_bytes = 0, encode_bytes = 0, scan_bytes = 0;
  cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, rows, keys, values, sorted, entries, 0, bits);
  cub::DeviceRunLengthEncode::Encode(nullptr, encode_bytes, keys, uniq, counts, runs, entries);
  cub::DeviceScan::InclusiveSum(nullptr, scan_bytes, counts, offsets + 1, entries);
  size_t temp_bytes = std::max(sort_bytes, std::max(encode_bytes, scan_bytes));
  error = reserve(temp_, temp_bytes);
  if (!error.empty()) return error;
  temp_bytes = temp_.bytes;
  gradient_rows_kernel<<<blocks(entries), kThreads>>>(entries, k, values);
  error = check(cub::DeviceRadixSort::SortPairs(temp_.data, temp_bytes, rows, keys, values, sorted, entries, 0, bits));
  if (error.empty()) error = check(cudaMemsetAsync(counts, 0, sizeof(int32_t) * entries));
  if (error.empty()) error = check(cudaMemsetAsync(offsets, 0, sizeof(int32_t)));
  temp_bytes = temp_.bytes;
  if (error.empty()) error = check(cub::DeviceRunLengthEncode::Encode(temp_.data, temp_bytes, keys, uniq, counts, runs, entries));
  temp_bytes = temp_.bytes;
  if (error.empty()) error = check(cub::DeviceScan::InclusiveSum(temp_.data, temp_bytes, counts, offsets + 1, entries));
  if (!error.empty()) return error;
  segment_update_kernel<<<blocks(entries * d), kThreads>>>(table.weights, table.state[0], table.state[1], grads, uniq,
                                                           offsets, sorted, runs, side.frozen, d, side.optimizer, p,
                                                           entries * d);
  return check(cudaGetLastError());
}

}  // namespace bloom
