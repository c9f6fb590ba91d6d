// The dense products of the sequence networks: C (+)= A B over row-major float matrices, as a register-blocked
// SIMD micro-kernel. A 4 x 8 tile of C lives in eight f32x4 accumulators across the whole k loop, so each step
// loads two vectors of B and four broadcast scalars of A for eight multiply-adds: the loads stay under the
// arithmetic, which is what bounds a GEMM at WebAssembly's 128-bit width (Node 20 has no relaxed-SIMD fma).

/**
 * C[m, n] = A[m, k] B[k, n], or C += A B when `accumulate` is 1. Leading dimensions (`lda`, `ldb`, `ldc`) are in
 * floats, so a product may read and write sub-blocks of larger matrices. Pointers are byte offsets.
 */
export function gemm(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  lda: i32,
  ldb: i32,
  ldc: i32,
  accumulate: i32,
): void {
  const strideA = (<usize>lda) << 2;
  const strideC = (<usize>ldc) << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    rows4(a + <usize>i * strideA, b, c + <usize>i * strideC, n, k, strideA, (<usize>ldb) << 2, strideC, accumulate);
  }
  for (; i < m; i++) {
    rows1(a + <usize>i * strideA, b, c + <usize>i * strideC, n, k, (<usize>ldb) << 2, accumulate);
  }
}

// Four rows of C: 4 x 8 tiles, then a 4 x 4 tile, then single columns.
function rows4(
  a: usize,
  b: usize,
  c: usize,
  n: i32,
  k: i32,
  sa: usize,
  sb: usize,
  sc: usize,
  accumulate: i32,
): void {
  const a1 = a + sa;
  const a2 = a1 + sa;
  const a3 = a2 + sa;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let c00 = f32x4.splat(0);
    let c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0);
    let c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0);
    let c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0);
    let c31 = f32x4.splat(0);
    let pb = b + ((<usize>j) << 2);
    const end = (<usize>k) << 2;
    for (let p: usize = 0; p < end; p += 4) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      pb += sb;
      const s0 = v128.load32_splat(a + p);
      const s1 = v128.load32_splat(a1 + p);
      const s2 = v128.load32_splat(a2 + p);
      const s3 = v128.load32_splat(a3 + p);
      c00 = f32x4.add(c00, f32x4.mul(s0, b0));
      c01 = f32x4.add(c01, f32x4.mul(s0, b1));
      c10 = f32x4.add(c10, f32x4.mul(s1, b0));
      c11 = f32x4.add(c11, f32x4.mul(s1, b1));
      c20 = f32x4.add(c20, f32x4.mul(s2, b0));
      c21 = f32x4.add(c21, f32x4.mul(s2, b1));
      c30 = f32x4.add(c30, f32x4.mul(s3, b0));
      c31 = f32x4.add(c31, f32x4.mul(s3, b1));
    }
    const pc = c + ((<usize>j) << 2);
    store8(pc, c00, c01, accumulate);
    store8(pc + sc, c10, c11, accumulate);
    store8(pc + 2 * sc, c20, c21, accumulate);
    store8(pc + 3 * sc, c30, c31, accumulate);
  }
  for (; j + 4 <= n; j += 4) {
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let c2 = f32x4.splat(0);
    let c3 = f32x4.splat(0);
    let pb = b + ((<usize>j) << 2);
    for (let p: usize = 0; p < (<usize>k) << 2; p += 4) {
      const b0 = v128.load(pb);
      pb += sb;
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a + p), b0));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + p), b0));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + p), b0));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + p), b0));
    }
    const pc = c + ((<usize>j) << 2);
    store4(pc, c0, accumulate);
    store4(pc + sc, c1, accumulate);
    store4(pc + 2 * sc, c2, accumulate);
    store4(pc + 3 * sc, c3, accumulate);
  }
  for (; j < n; j++) {
    const at = (<usize>j) << 2;
    column(a, b + at, c + at, k, sb, accumulate);
    column(a1, b + at, c + sc + at, k, sb, accumulate);
    column(a2, b + at, c + 2 * sc + at, k, sb, accumulate);
    column(a3, b + at, c + 3 * sc + at, k, sb, accumulate);
  }
}

// One row of C: 8-wide, then 4-wide, then single columns.
function rows1(a: usize, b: usize, c: usize, n: i32, k: i32, sb: usize, accumulate: i32): void {
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let pb = b + ((<usize>j) << 2);
    for (let p: usize = 0; p < (<usize>k) << 2; p += 4) {
      const s = v128.load32_splat(a + p);
      c0 = f32x4.add(c0, f32x4.mul(s, v128.load(pb)));
      c1 = f32x4.add(c1, f32x4.mul(s, v128.load(pb, 16)));
      pb += sb;
    }
    store8(c + ((<usize>j) << 2), c0, c1, accumulate);
  }
  for (; j + 4 <= n; j += 4) {
    let c0 = f32x4.splat(0);
    let pb = b + ((<usize>j) << 2);
    for (let p: usize = 0; p < (<usize>k) << 2; p += 4) {
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a + p), v128.load(pb)));
      pb += sb;
    }
    store4(c + ((<usize>j) << 2), c0, accumulate);
  }
  for (; j < n; j++) {
    const at = (<usize>j) << 2;
    column(a, b + at, c + at, k, sb, accumulate);
  }
}

// @ts-expect-error: decorator
@inline
function column(a: usize, b: usize, c: usize, k: i32, sb: usize, accumulate: i32): void {
  let sum: f32 = accumulate ? load<f32>(c) : 0;
  let pb = b;
  for (let p: usize = 0; p < (<usize>k) << 2; p += 4) {
    sum += load<f32>(a + p) * load<f32>(pb);
    pb += sb;
  }
  store<f32>(c, sum);
}

// @ts-expect-error: decorator
@inline
function store8(at: usize, lo: v128, hi: v128, accumulate: i32): void {
  store4(at, lo, accumulate);
  store4(at + 16, hi, accumulate);
}

// @ts-expect-error: decorator
@inline
function store4(at: usize, value: v128, accumulate: i32): void {
  v128.store(at, accumulate ? f32x4.add(v128.load(at), value) : value);
}

/** B[n, m] = A[m, n]ᵀ (row-major, dense). The backward products read transposed operands through it. */
export function transpose(a: usize, b: usize, m: i32, n: i32): void {
  for (let i = 0; i < m; i++) {
    const row = a + (<usize>(i * n) << 2);
    for (let j = 0; j < n; j++) {
      store<f32>(b + (<usize>(j * m + i) << 2), load<f32>(row + ((<usize>j) << 2)));
    }
  }
}

/** out[j] (+)= sum over the m rows of A[i, j] (a bias's gradient); adds when `accumulate` is 1. */
export function column_sums(a: usize, m: i32, n: i32, out: usize, accumulate: i32): void {
  if (!accumulate) memory.fill(out, 0, (<usize>n) << 2);
  for (let i = 0; i < m; i++) {
    const row = a + (<usize>(i * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const at = out + ((<usize>j) << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(row + ((<usize>j) << 2))));
    }
    for (; j < n; j++) {
      const at = out + ((<usize>j) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(row + ((<usize>j) << 2)));
    }
  }
}

/** Adds the row vector `bias` [n] to every row of C [m, n] (in place). */
export function add_rows(c: usize, m: i32, n: i32, bias: usize): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * n) << 2);
    for (let j = 0; j < n; j++) {
      const at = row + ((<usize>j) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(bias + ((<usize>j) << 2)));
    }
  }
}
