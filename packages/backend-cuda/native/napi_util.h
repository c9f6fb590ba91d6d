// Helpers shared by the addon's Node-API entry points: argument unpacking with typed errors, table handles.
#pragma once
#include <node_api.h>

#include <string>

#include "table.h"

namespace bloom {
namespace napi {

inline napi_value throw_error(napi_env env, const std::string& message) {
  napi_throw_error(env, "BLOOM_CUDA", message.c_str());
  return nullptr;
}

// The data and element count of a typed array argument of the expected type, or nullptr after throwing.
template <typename T>
inline T* typed_array(napi_env env, napi_value value, napi_typedarray_type expected, size_t* length, const char* name) {
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  napi_typedarray_type type;
  void* data = nullptr;
  if (is_typed) napi_get_typedarray_info(env, value, &type, length, &data, nullptr, nullptr);
  if (!is_typed || type != expected) {
    throw_error(env, std::string(name) + ": expected a typed array of the right element type");
    return nullptr;
  }
  return static_cast<T*>(data);
}

inline napi_value args(napi_env env, napi_callback_info info, size_t expected, napi_value* argv) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < expected) return throw_error(env, "too few arguments");
  return argv[0];
}

inline double number(napi_env env, napi_value value) {
  double out = 0;
  napi_get_value_double(env, value, &out);
  return out;
}

// Native objects (tables, trainers) as external handles to a slot: `release` deletes the object at once, and the
// slot itself goes with the handle, so neither a double free nor a use after free is possible from JavaScript.
template <typename T>
struct Slot {
  T* object;
};

// A handle owning `object` (deleted when released, or when the handle is garbage-collected).
template <typename T>
inline napi_value make_handle(napi_env env, T* object) {
  napi_value handle;
  napi_create_external(
      env, new Slot<T>{object},
      [](napi_env, void* data, void*) {
        auto* slot = static_cast<Slot<T>*>(data);
        delete slot->object;
        delete slot;
      },
      nullptr, &handle);
  return handle;
}

// The live object behind a handle, or nullptr after throwing "not a live <what> handle".
template <typename T>
inline T* live_object(napi_env env, napi_value value, const char* what) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == nullptr ||
      static_cast<Slot<T>*>(data)->object == nullptr) {
    throw_error(env, std::string("not a live ") + what + " handle");
    return nullptr;
  }
  return static_cast<Slot<T>*>(data)->object;
}

// Deletes the object behind a handle now; later calls with the handle throw. A released handle is left alone.
template <typename T>
inline void release_object(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) == napi_ok && data != nullptr) {
    auto* slot = static_cast<Slot<T>*>(data);
    delete slot->object;
    slot->object = nullptr;
  }
}

inline bloom::Table* table_of(napi_env env, napi_value value) { return live_object<bloom::Table>(env, value, "table"); }

}  // namespace napi
}  // namespace bloom
