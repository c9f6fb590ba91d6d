// The networks' element functions, shared by their forward and backward kernels. Plain f32 functions with no
// WebAssembly specifics, so the same arithmetic compiles for a CPU or a CUDA trainer later.

// @ts-expect-error: decorator
@inline
export function sigmoid(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}

// @ts-expect-error: decorator
@inline
export function tanh(x: f32): f32 {
  return Mathf.tanh(x);
}

// @ts-expect-error: decorator
@inline
export function f32At(base: usize, index: i32): f32 {
  return load<f32>(base + ((<usize>index) << 2));
}

// @ts-expect-error: decorator
@inline
export function setF32(base: usize, index: i32, value: f32): void {
  store<f32>(base + ((<usize>index) << 2), value);
}

// @ts-expect-error: decorator
@inline
export function i32At(base: usize, index: i32): i32 {
  return load<i32>(base + ((<usize>index) << 2));
}
