// Node-API entry points of the fused factorization trainer (factorization.h): trainerCreate, trainerLoad,
// trainerRun, trainerLosses and trainerFree, handles as tables have them (napi_util.h).
#include <node_api.h>

#include <string>
#include <vector>

#include "factorization.h"
#include "napi_util.h"

namespace bloom {
namespace napi {
namespace {

// One side's description in trainerCreate's `sides` (Int32Array, 4 x kSideInts): kind, hasher, k, buckets,
// first row, has padding, padding id, frozen row, optimizer, number of ids, then 32 seeds from kSeedsAt.
constexpr int kSideInts = 48;
constexpr int kSeedsAt = 16;

Trainer* trainer_of(napi_env env, napi_value value) { return live_object<Trainer>(env, value, "trainer"); }

napi_value element(napi_env env, napi_value array, uint32_t i) {
  napi_value out = nullptr;
  napi_get_element(env, array, i, &out);
  return out;
}

bool is_null(napi_env env, napi_value value) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  return type == napi_null || type == napi_undefined;
}

// trainerCreate(onDevice, tables: [4 handles], sides: Int32Array [4 x 48], scales: Float32Array [4],
//               rowTables: [4 x (Int32Array | null)], config: Float64Array [loss, negatives, numItems, seedLow,
//               seedHigh]) => handle
napi_value TrainerCreate(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (args(env, info, 6, argv) == nullptr) return nullptr;
  bool on_device = false;
  napi_get_value_bool(env, argv[0], &on_device);
  size_t ns = 0, nscale = 0, nc = 0;
  auto* sides = typed_array<int32_t>(env, argv[2], napi_int32_array, &ns, "sides");
  if (sides == nullptr) return nullptr;
  auto* scales = typed_array<float>(env, argv[3], napi_float32_array, &nscale, "scales");
  if (scales == nullptr) return nullptr;
  auto* config = typed_array<double>(env, argv[5], napi_float64_array, &nc, "config");
  if (config == nullptr) return nullptr;
  if (ns != 4 * kSideInts || nscale != 4 || nc != 5) return throw_error(env, "trainerCreate: shapes disagree");
  Side parsed[4];
  std::vector<int32_t> row_tables[4];
  for (int s = 0; s < 4; s++) {
    Table* table = table_of(env, element(env, argv[1], s));
    if (table == nullptr) return nullptr;
    const int32_t* at = sides + s * kSideInts;
    Side& side = parsed[s];
    side.table = table;
    side.map.kind = at[0];
    side.map.hasher = at[1];
    side.map.k = at[2];
    side.map.buckets = at[3];
    side.map.first_row = at[4];
    side.map.has_padding = at[5];
    side.map.padding_idx = at[6];
    side.frozen = at[7];
    side.optimizer = at[8];
    side.num_ids = at[9];
    if (side.map.k < 1 || side.map.k > kMaxHashes) return throw_error(env, "trainerCreate: k out of range");
    for (int j = 0; j < kMaxHashes; j++) side.map.seeds[j] = static_cast<uint32_t>(at[kSeedsAt + j]);
    side.scale = scales[s];
    napi_value row_table = element(env, argv[4], s);
    if (!is_null(env, row_table)) {
      size_t length = 0;
      auto* rows = typed_array<int32_t>(env, row_table, napi_int32_array, &length, "rowTables");
      if (rows == nullptr) return nullptr;
      if (length != static_cast<size_t>(side.num_ids) * side.map.k)
        return throw_error(env, "rowTables: expected ids x k rows");
      row_tables[s].assign(rows, rows + length);
    }
  }
  const uint64_t seed = static_cast<uint64_t>(config[3]) | (static_cast<uint64_t>(config[4]) << 32);
  Trainer* trainer = nullptr;
  const std::string error = Trainer::create(on_device, parsed, row_tables, static_cast<int>(config[0]),
                                            static_cast<int>(config[1]), static_cast<int32_t>(config[2]), seed,
                                            &trainer);
  if (!error.empty()) return throw_error(env, error);
  return make_handle(env, trainer);
}

// trainerLoad(handle, users: Int32Array, items: Int32Array, ratings: Float32Array | null)
//   => null, or [side (0 users, 1 items), position] of the first id out of range
napi_value TrainerLoad(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (args(env, info, 4, argv) == nullptr) return nullptr;
  Trainer* trainer = trainer_of(env, argv[0]);
  if (trainer == nullptr) return nullptr;
  size_t nu = 0, ni = 0, nr = 0;
  auto* users = typed_array<int32_t>(env, argv[1], napi_int32_array, &nu, "users");
  if (users == nullptr) return nullptr;
  auto* items = typed_array<int32_t>(env, argv[2], napi_int32_array, &ni, "items");
  if (items == nullptr) return nullptr;
  float* ratings = nullptr;
  if (!is_null(env, argv[3])) {
    ratings = typed_array<float>(env, argv[3], napi_float32_array, &nr, "ratings");
    if (ratings == nullptr) return nullptr;
    if (nr != nu) return throw_error(env, "trainerLoad: ratings and users differ in length");
  }
  if (nu != ni) return throw_error(env, "trainerLoad: users and items differ in length");
  int bad_side = -1;
  int64_t bad_at = -1;
  const std::string error = trainer->load(users, items, ratings, static_cast<int64_t>(nu), &bad_side, &bad_at);
  if (!error.empty()) return throw_error(env, error);
  napi_value result;
  if (bad_side < 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_value side, at;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, bad_side, &side);
  napi_create_double(env, static_cast<double>(bad_at), &at);
  napi_set_element(env, result, 0, side);
  napi_set_element(env, result, 1, at);
  return result;
}

// trainerRun(handle, firstBatch, batches, batchSize, rngStep, params: Float64Array [batches x 4 x 8])
napi_value TrainerRun(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (args(env, info, 6, argv) == nullptr) return nullptr;
  Trainer* trainer = trainer_of(env, argv[0]);
  if (trainer == nullptr) return nullptr;
  const auto first = static_cast<int64_t>(number(env, argv[1]));
  const auto batches = static_cast<int64_t>(number(env, argv[2]));
  const auto batch_size = static_cast<int64_t>(number(env, argv[3]));
  const auto rng_step = static_cast<uint64_t>(number(env, argv[4]));
  size_t np = 0;
  auto* params = typed_array<double>(env, argv[5], napi_float64_array, &np, "params");
  if (params == nullptr) return nullptr;
  if (batches < 1 || batch_size < 1 || np != static_cast<size_t>(batches) * 32)
    return throw_error(env, "trainerRun: shapes disagree");
  const std::string error = trainer->run(first, batches, batch_size, rng_step, params);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// trainerLosses(handle, out: Float32Array): waits for the device and copies the last run's minibatch losses.
napi_value TrainerLosses(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (args(env, info, 2, argv) == nullptr) return nullptr;
  Trainer* trainer = trainer_of(env, argv[0]);
  if (trainer == nullptr) return nullptr;
  size_t n = 0;
  auto* out = typed_array<float>(env, argv[1], napi_float32_array, &n, "out");
  if (out == nullptr) return nullptr;
  const std::string error = trainer->losses(out, static_cast<int64_t>(n));
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// trainerFree(handle): releases the trainer's buffers now (later calls with the handle throw).
napi_value TrainerFree(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (args(env, info, 1, argv) == nullptr) return nullptr;
  release_object<Trainer>(env, argv[0]);
  return nullptr;
}

}  // namespace

void define_trainer(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"trainerCreate", nullptr, TrainerCreate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trainerLoad", nullptr, TrainerLoad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trainerRun", nullptr, TrainerRun, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trainerLosses", nullptr, TrainerLosses, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trainerFree", nullptr, TrainerFree, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
}

}  // namespace napi
}  // namespace bloom
