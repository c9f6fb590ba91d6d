// WGSL compute shaders of the GPU-resident tables. Threads are numbered across a 2-D grid of 64-wide workgroups
// (x up to the device's per-dimension limit, then y), so that a dispatch of millions of threads never exceeds
// the 65535-workgroup limit that makes stock tfjs-webgpu fail on large tables.

/** Workgroup width of every shader. */
export const WORKGROUP = 64;

const THREAD_INDEX = /* wgsl */ `
fn threadIndex(wg: vec3<u32>, li: u32) -> u32 {
  return (wg.y * p.groupsX + wg.x) * ${WORKGROUP}u + li;
}`;

/**
 * out[b, c] = scale * sum_j weights[rows[b k + j], c]: thread per output float. Runs once per chunk of the table
 * (rows [rowStart, rowEnd) in this binding); the first chunk writes `out`, the others add to it.
 * Params (uniform): eight u32 (count = B, k, d, groupsX, rowStart, rowEnd, first, pad), then scale (f32).
 */
export const GATHER = /* wgsl */ `
struct Params {
  count: u32, k: u32, d: u32, groupsX: u32, rowStart: u32, rowEnd: u32, first: u32, pad0: u32,
  scale: f32, pad1: f32, pad2: f32, pad3: f32,
}
@group(0) @binding(0) var<storage, read> weights: array<f32>;
@group(0) @binding(1) var<storage, read> rows: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${THREAD_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = threadIndex(wg, li);
  if (i >= p.count * p.d) { return; }
  let b = i / p.d;
  let c = i - b * p.d;
  var s = 0.0;
  for (var j = 0u; j < p.k; j = j + 1u) {
    let r = rows[b * p.k + j];
    if (r >= p.rowStart && r < p.rowEnd) {
      s = s + weights[(r - p.rowStart) * p.d + c];
    }
  }
  out[i] = select(out[i], 0.0, p.first == 1u) + s * p.scale;
}`;

/** The optimizers with a GPU update; their state blocks are [rows, d] each except row-wise Adagrad's [rows, 1]. */
export type GpuOptimizer = 'sgd' | 'adagrad' | 'rowwise-adagrad' | 'adam';

// Shared by the updates: the distinct rows (uniq), and for each the entries (gradient rows) that hit it, as CSR
// (offsets[u] .. offsets[u + 1] into entries). Duplicates are summed by the thread that owns the row, so no
// float atomics are needed and the sum is deterministic.
const UPDATE_PRELUDE = /* wgsl */ `
struct Params {
  count: u32, d: u32, groupsX: u32, rowStart: u32, rowEnd: u32, pad0: u32, pad1: u32, pad2: u32,
  share: f32, lr: f32, wd: f32, b1: f32, b2: f32, eps: f32, stepSize: f32, invSqrtC2: f32,
}
@group(0) @binding(0) var<storage, read_write> weights: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read> uniq: array<u32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read> entries: array<u32>;
@group(0) @binding(5) var<uniform> p: Params;
${THREAD_INDEX}
// The summed gradient of distinct row u, column c, with its share (1/k for mean) and L2 decay of weight w.
fn gradient(u: u32, c: u32, w: f32) -> f32 {
  var g = 0.0;
  for (var e = offsets[u]; e < offsets[u + 1u]; e = e + 1u) {
    g = g + grads[entries[e] * p.d + c];
  }
  return g * p.share + p.wd * w;
}`;

// Thread per (distinct row, column); each dispatch updates the rows of one chunk, [rowStart, rowEnd).
const ELEMENTWISE_HEAD = /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = threadIndex(wg, li);
  if (i >= p.count * p.d) { return; }
  let u = i / p.d;
  let c = i - u * p.d;
  let row = uniq[u];
  if (row < p.rowStart || row >= p.rowEnd) { return; }
  let at = (row - p.rowStart) * p.d + c;
  let w = weights[at];
  let g = gradient(u, c, w);`;

/**
 * The update shaders by optimizer: the same formulas as @bloom/embeddings' TypeScript optimizers (torch's), in
 * float32. State blocks bind at 6 (and 7).
 */
export const UPDATE: Record<GpuOptimizer, string> = {
  sgd: /* wgsl */ `${UPDATE_PRELUDE}
${ELEMENTWISE_HEAD}
  weights[at] = w - p.lr * g;
}`,
  adagrad: /* wgsl */ `${UPDATE_PRELUDE}
@group(0) @binding(6) var<storage, read_write> accumulator: array<f32>;
${ELEMENTWISE_HEAD}
  let a = accumulator[at] + g * g;
  accumulator[at] = a;
  weights[at] = w - p.lr * g / (sqrt(a) + p.eps);
}`,
  adam: /* wgsl */ `${UPDATE_PRELUDE}
@group(0) @binding(6) var<storage, read_write> m: array<f32>;
@group(0) @binding(7) var<storage, read_write> v: array<f32>;
${ELEMENTWISE_HEAD}
  let mi = p.b1 * m[at] + (1.0 - p.b1) * g;
  let vi = p.b2 * v[at] + (1.0 - p.b2) * g * g;
  m[at] = mi;
  v[at] = vi;
  weights[at] = w - p.stepSize * mi / (sqrt(vi) * p.invSqrtC2 + p.eps);
}`,
  // Thread per distinct row: the accumulator takes the mean square of the row's gradient (FBGEMM's row-wise).
  'rowwise-adagrad': /* wgsl */ `${UPDATE_PRELUDE}
@group(0) @binding(6) var<storage, read_write> accumulator: array<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let u = threadIndex(wg, li);
  if (u >= p.count) { return; }
  let row = uniq[u];
  if (row < p.rowStart || row >= p.rowEnd) { return; }
  let local = row - p.rowStart;
  let base = local * p.d;
  var squares = 0.0;
  for (var c = 0u; c < p.d; c = c + 1u) {
    let g = gradient(u, c, weights[base + c]);
    squares = squares + g * g;
  }
  let a = accumulator[local] + squares / f32(p.d);
  accumulator[local] = a;
  let scale = p.lr / (sqrt(a) + p.eps);
  for (var c = 0u; c < p.d; c = c + 1u) {
    let w = weights[base + c];
    weights[base + c] = w - scale * gradient(u, c, w);
  }
}`,
};
