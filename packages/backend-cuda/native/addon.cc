// The Node-API surface of @bloom/backend-cuda: device discovery, and host entry points that run the kernels'
// arithmetic (row_math.cuh) on the CPU so that machines without a GPU test it against the TypeScript reference.
#include <node_api.h>

#include <string>

#include "row_math.cuh"
#include "napi_util.h"
#include "table.h"

namespace bloom {
namespace napi {
void define_trainer(napi_env env, napi_value exports);
}  // namespace napi
int device_count(std::string& reason);
std::string device_name(int device);
std::string map_rows_on_device(const RowMapSpec& map, const int32_t* ids, int64_t n, int32_t* rows);
}  // namespace bloom

namespace {

using bloom::napi::args;
using bloom::napi::number;
using bloom::napi::table_of;
using bloom::napi::throw_error;
using bloom::napi::typed_array;

napi_value DeviceCount(napi_env env, napi_callback_info) {
  std::string reason;
  const int count = bloom::device_count(reason);
  napi_value result, count_value, reason_value;
  napi_create_object(env, &result);
  napi_create_int32(env, count, &count_value);
  napi_create_string_utf8(env, reason.c_str(), reason.size(), &reason_value);
  napi_set_named_property(env, result, "count", count_value);
  napi_set_named_property(env, result, "reason", reason_value);
  return result;
}

napi_value DeviceName(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (args(env, info, 1, argv) == nullptr) return nullptr;
  const std::string name = bloom::device_name(static_cast<int>(number(env, argv[0])));
  napi_value result;
  napi_create_string_utf8(env, name.c_str(), name.size(), &result);
  return result;
}

// mapRows(side: Int32Array [48], ids: Int32Array, out: Int32Array [ids x k], onDevice: boolean): a side's rows
// of `ids` by the kernels' map_row (hashing on the device, or the same function on the host).
napi_value MapRows(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (args(env, info, 4, argv) == nullptr) return nullptr;
  size_t ns = 0, n = 0, out_length = 0;
  auto* side = typed_array<int32_t>(env, argv[0], napi_int32_array, &ns, "side");
  if (side == nullptr) return nullptr;
  auto* ids = typed_array<int32_t>(env, argv[1], napi_int32_array, &n, "ids");
  if (ids == nullptr) return nullptr;
  auto* out = typed_array<int32_t>(env, argv[2], napi_int32_array, &out_length, "out");
  if (out == nullptr) return nullptr;
  bloom::RowMapSpec map{};
  if (ns != 48 || side[0] == bloom::kRowTable) return throw_error(env, "side: expected a 48-int rule");
  map.kind = side[0];
  map.hasher = side[1];
  map.k = side[2];
  map.buckets = side[3];
  map.first_row = side[4];
  map.has_padding = side[5];
  map.padding_idx = side[6];
  for (int j = 0; j < bloom::kMaxHashes; j++) map.seeds[j] = static_cast<uint32_t>(side[16 + j]);
  if (map.k < 1 || map.k > bloom::kMaxHashes || out_length != n * map.k) return throw_error(env, "mapRows: shapes disagree");
  bool on_device = false;
  napi_get_value_bool(env, argv[3], &on_device);
  if (on_device) {
    const std::string error = bloom::map_rows_on_device(map, ids, static_cast<int64_t>(n), out);
    if (!error.empty()) return throw_error(env, "CUDA: " + error);
  } else {
    for (size_t i = 0; i < n * map.k; i++) out[i] = bloom::map_row(map, ids[i / map.k], static_cast<int>(i % map.k));
  }
  return nullptr;
}

// philox(block: Uint32Array [6]): counter (4 words) and key (2) in, the 4 output words written over the counter.
napi_value Philox(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (args(env, info, 1, argv) == nullptr) return nullptr;
  size_t n = 0;
  auto* block = typed_array<uint32_t>(env, argv[0], napi_uint32_array, &n, "block");
  if (block == nullptr) return nullptr;
  if (n != 6) return throw_error(env, "block: expected 6 words");
  bloom::philox4x32_10(block, block[4], block[5]);
  return nullptr;
}

// optimizerHost(kind: 0 sgd | 1 adagrad | 2 adam, w, state0, state1, grads, params: Float64Array): updates in place
napi_value OptimizerHost(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (args(env, info, 6, argv) == nullptr) return nullptr;
  const int kind = static_cast<int>(number(env, argv[0]));
  size_t n = 0, n0 = 0, n1 = 0, ng = 0, np = 0;
  auto* w = typed_array<float>(env, argv[1], napi_float32_array, &n, "w");
  if (w == nullptr) return nullptr;
  auto* s0 = typed_array<float>(env, argv[2], napi_float32_array, &n0, "state0");
  if (s0 == nullptr) return nullptr;
  auto* s1 = typed_array<float>(env, argv[3], napi_float32_array, &n1, "state1");
  if (s1 == nullptr) return nullptr;
  auto* g = typed_array<float>(env, argv[4], napi_float32_array, &ng, "grads");
  if (g == nullptr) return nullptr;
  auto* p = typed_array<double>(env, argv[5], napi_float64_array, &np, "params");
  if (p == nullptr) return nullptr;
  if (ng != n || (kind >= 1 && n0 != n) || (kind == 2 && n1 != n)) return throw_error(env, "lengths differ");
  for (size_t i = 0; i < n; i++) {
    if (kind == 0) {
      bloom::sgd_element(w[i], g[i], static_cast<float>(p[0]), static_cast<float>(p[1]));
    } else if (kind == 1) {
      bloom::adagrad_element(w[i], s0[i], g[i], static_cast<float>(p[0]), static_cast<float>(p[1]),
                             static_cast<float>(p[2]));
    } else {
      bloom::adam_element(w[i], s0[i], s1[i], g[i], static_cast<float>(p[0]), static_cast<float>(p[1]),
                          static_cast<float>(p[2]), static_cast<float>(p[3]), static_cast<float>(p[4]),
                          static_cast<float>(p[5]));
    }
  }
  return nullptr;
}

// tableCreate(onDevice: boolean, rows: number, dim: number, stateBlocks: number) => handle
napi_value TableCreate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (args(env, info, 4, argv) == nullptr) return nullptr;
  bool on_device = false;
  napi_get_value_bool(env, argv[0], &on_device);
  bloom::Table* table = nullptr;
  const std::string error =
      bloom::Table::create(on_device, static_cast<int32_t>(number(env, argv[1])), static_cast<int>(number(env, argv[2])),
                           static_cast<int>(number(env, argv[3])), &table);
  if (!error.empty()) return throw_error(env, error);
  return bloom::napi::make_handle(env, table);
}

// tableFree(handle): releases the table now (later calls with the handle throw).
napi_value TableFree(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (args(env, info, 1, argv) == nullptr) return nullptr;
  bloom::napi::release_object<bloom::Table>(env, argv[0]);
  return nullptr;
}

// tableCopy(handle, block: 0 weights | 1 state0 | 2 state1, data: Float32Array [rows * dim], toTable: boolean)
napi_value TableCopy(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (args(env, info, 4, argv) == nullptr) return nullptr;
  bloom::Table* table = table_of(env, argv[0]);
  if (table == nullptr) return nullptr;
  const int block = static_cast<int>(number(env, argv[1]));
  size_t n = 0;
  auto* data = typed_array<float>(env, argv[2], napi_float32_array, &n, "data");
  if (data == nullptr) return nullptr;
  if (n != static_cast<size_t>(table->rows) * table->dim) return throw_error(env, "data: expected rows * dim floats");
  float* target = block == 0 ? table->weights : block <= table->state_blocks ? table->state[block - 1] : nullptr;
  if (target == nullptr) return throw_error(env, "block: no such block");
  bool to_table = false;
  napi_get_value_bool(env, argv[3], &to_table);
  const std::string error = table->copy(target, data, to_table);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// What both lookups take: a table handle, rows [batch * k], k, and `out` [batch * dim] at argument `out_at`.
struct LookupArgs {
  bloom::Table* table;
  const int32_t* rows;
  int64_t batch;
  int k;
  float* out;
};

// Unpacks and checks a lookup's arguments; false after throwing.
bool lookup_args(napi_env env, napi_value* argv, int out_at, LookupArgs* a) {
  a->table = table_of(env, argv[0]);
  if (a->table == nullptr) return false;
  size_t n = 0, out_length = 0;
  a->rows = typed_array<int32_t>(env, argv[1], napi_int32_array, &n, "rows");
  if (a->rows == nullptr) return false;
  a->k = static_cast<int>(number(env, argv[2]));
  a->out = typed_array<float>(env, argv[out_at], napi_float32_array, &out_length, "out");
  if (a->out == nullptr) return false;
  if (a->k < 1 || n % a->k != 0 || out_length != n / a->k * a->table->dim) {
    throw_error(env, "lookup: shapes disagree");
    return false;
  }
  a->batch = static_cast<int64_t>(n / a->k);
  return true;
}

// tableLookup(handle, rows: Int32Array [batch * k], k: number, scale: number, out: Float32Array [batch * dim])
napi_value TableLookup(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  LookupArgs a{};
  if (args(env, info, 5, argv) == nullptr || !lookup_args(env, argv, 4, &a)) return nullptr;
  const std::string error = a.table->lookup(a.rows, a.batch, a.k, static_cast<float>(number(env, argv[3])), a.out);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// tableUpdate(handle, grads: Float32Array, uniq: Int32Array, offsets: Int32Array, entries: Int32Array,
//             optimizer: 0 | 1 | 2, params: Float64Array [lr, wd, eps, b1, b2, stepSize, invSqrtC2, share])
napi_value TableUpdate(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (args(env, info, 7, argv) == nullptr) return nullptr;
  bloom::Table* table = table_of(env, argv[0]);
  if (table == nullptr) return nullptr;
  size_t ng = 0, nu = 0, no = 0, ne = 0, np = 0;
  auto* grads = typed_array<float>(env, argv[1], napi_float32_array, &ng, "grads");
  if (grads == nullptr) return nullptr;
  auto* uniq = typed_array<int32_t>(env, argv[2], napi_int32_array, &nu, "uniq");
  if (uniq == nullptr) return nullptr;
  auto* offsets = typed_array<int32_t>(env, argv[3], napi_int32_array, &no, "offsets");
  if (offsets == nullptr) return nullptr;
  auto* entries = typed_array<int32_t>(env, argv[4], napi_int32_array, &ne, "entries");
  if (entries == nullptr) return nullptr;
  const int optimizer = static_cast<int>(number(env, argv[5]));
  auto* p = typed_array<double>(env, argv[6], napi_float64_array, &np, "params");
  if (p == nullptr) return nullptr;
  if (no != nu + 1 || np != 8 || ng % table->dim != 0) return throw_error(env, "update: shapes disagree");
  const bloom::StepParams params = bloom::step_params_from(p);
  const std::string error = table->update(grads, static_cast<int64_t>(ng / table->dim), uniq, static_cast<int32_t>(nu),
                                          offsets, entries, static_cast<int32_t>(ne), optimizer, params);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// tableMatmulLookup(handle, rows: Int32Array [batch * k], k: number, out: Float32Array [batch * dim]): X W.
napi_value TableMatmulLookup(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  LookupArgs a{};
  if (args(env, info, 4, argv) == nullptr || !lookup_args(env, argv, 3, &a)) return nullptr;
  const std::string error = a.table->matmul_lookup(a.rows, a.batch, a.k, a.out);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

// tableMatmulUpdate(handle, rows: Int32Array, k, grads: Float32Array [batch * dim], uniq: Int32Array,
//                   optimizer: 0 | 1 | 2, params: Float64Array [8]): the update of rows `uniq` from X^T G.
napi_value TableMatmulUpdate(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (args(env, info, 7, argv) == nullptr) return nullptr;
  bloom::Table* table = table_of(env, argv[0]);
  if (table == nullptr) return nullptr;
  size_t n = 0, ng = 0, nu = 0, np = 0;
  auto* rows = typed_array<int32_t>(env, argv[1], napi_int32_array, &n, "rows");
  if (rows == nullptr) return nullptr;
  const int k = static_cast<int>(number(env, argv[2]));
  auto* grads = typed_array<float>(env, argv[3], napi_float32_array, &ng, "grads");
  if (grads == nullptr) return nullptr;
  auto* uniq = typed_array<int32_t>(env, argv[4], napi_int32_array, &nu, "uniq");
  if (uniq == nullptr) return nullptr;
  const int optimizer = static_cast<int>(number(env, argv[5]));
  auto* p = typed_array<double>(env, argv[6], napi_float64_array, &np, "params");
  if (p == nullptr) return nullptr;
  if (k < 1 || n % k != 0 || ng != n / k * table->dim || np != 8) return throw_error(env, "update: shapes disagree");
  const bloom::StepParams params = bloom::step_params_from(p);
  const std::string error = table->matmul_update(rows, static_cast<int64_t>(n / k), k, grads, uniq,
                                                 static_cast<int32_t>(nu), optimizer, params);
  if (!error.empty()) return throw_error(env, error);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"deviceCount", nullptr, DeviceCount, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"deviceName", nullptr, DeviceName, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapRows", nullptr, MapRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"philox", nullptr, Philox, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"optimizerHost", nullptr, OptimizerHost, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableCreate", nullptr, TableCreate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableCopy", nullptr, TableCopy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableLookup", nullptr, TableLookup, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableUpdate", nullptr, TableUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableMatmulLookup", nullptr, TableMatmulLookup, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableMatmulUpdate", nullptr, TableMatmulUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tableFree", nullptr, TableFree, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  bloom::napi::define_trainer(env, exports);
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
