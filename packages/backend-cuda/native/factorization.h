// The fused factorization trainer: a BilinearNet's four tables (table.h) trained minibatch after minibatch where
// they live, with no host round trip inside a minibatch. See factorization.cu.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "row_math.cuh"
#include "table.h"

namespace bloom {

// One of the net's embeddings: its table, how ids map to rows, and how the k rows combine.
struct Side {
  Table* table = nullptr;
  RowMapSpec map{};
  int32_t num_ids = 0;   // ids are in [0, num_ids)
  float scale = 1.0f;    // 1 for sum, 1 / k for mean
  int32_t frozen = -1;   // the padding row, never updated
  int optimizer = 0;     // Optimizer
};

enum SideIndex : int { kUsers = 0, kItems = 1, kUserBias = 2, kItemBias = 3 };

class Trainer {
 public:
  // `row_tables[s]`, when not empty, holds side s's rows of every id (kRowTable maps), copied to the device.
  static std::string create(bool on_device, const Side sides[4], const std::vector<int32_t> row_tables[4], int loss,
                            int negatives, int32_t num_items, uint64_t seed, Trainer** out);
  ~Trainer();

  // Uploads a chunk of examples in one copy and validates its ids on the device (one synchronisation per chunk).
  // `bad_side` / `bad_at` name the first out-of-range id (side kUsers or kItems), or are -1.
  std::string load(const int32_t* users, const int32_t* items, const float* ratings, int64_t count, int* bad_side,
                   int64_t* bad_at);
  // Launches minibatches [first, first + batches) of `batch_size` over the loaded chunk, with no synchronisation;
  // minibatch j's mean loss goes to losses slot j. `params` holds 4 sides x 8 floats (row_math's StepParams order)
  // per minibatch; `rng_step` numbers the first minibatch for negative sampling.
  std::string run(int64_t first, int64_t batches, int64_t batch_size, uint64_t rng_step, const double* params);
  // Waits for the launched work and copies losses [0, count) out: where device errors surface.
  std::string losses(float* out, int64_t count);

 private:
  struct Buffer {
    void* data = nullptr;
    size_t bytes = 0;
  };
  std::string reserve(Buffer& buffer, size_t bytes);
  std::string step(int64_t first_example, int64_t batch, int64_t loss_slot, uint64_t rng_step, const double* params);
  std::string update_side(const Side& side, const int32_t* rows, int64_t entries, const float* grads,
                          const double* params);
  void release(Buffer& buffer);

  bool device_ = false;
  Side sides_[4];
  int loss_ = 0;
  int negatives_ = 0;
  int32_t num_items_ = 0;
  uint64_t seed_ = 0;
  int64_t loaded_ = 0;
  Buffer row_tables_[4], users_, items_, ratings_, losses_, batch_users_, batch_items_, rows_u_, rows_i_, vec_u_,
      vec_i_, bias_u_, bias_i_, scores_, dscores_, example_loss_, grad_u_, grad_i_, grad_bu_, keys_,
      values_, sorted_values_, uniq_, counts_, offsets_, runs_, bad_, temp_;
};

}  // namespace bloom
