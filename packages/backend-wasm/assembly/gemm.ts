// The dense products of the sequence networks: C (+)= A B over row-major float matrices, as a register-blocked
// SIMD micro-kernel. A 4 x 8 tile of C lives in eight f32x4 accumulators across the whole k loop, so each step
// loads two vectors of B and four broadcast scalars of A for eight multiplies and eight adds (Node 20 has no
// relaxed-SIMD fma). At 128 bits the arithmetic is cheap enough that the loop's other instructions bound it, so
// the operands are packed first into the order the micro-kernel reads them (see gemm).

/**
 * C[m, n] = A[m, k] B[k, n], or C += A B when `accumulate` is 1. Leading dimensions (`lda`, `ldb`, `ldc`) are in
 * floats, so a product may read and write sub-blocks of larger matrices. Pointers are byte offsets. `pack` is
 * scratch of at least (k n + 4 k) floats: B's 8-column panels are copied there once ([k, 8] each) and each block of
 * four rows of A as [k, 4], so the micro-kernel reads two sequential streams with immediate offsets, which keeps
 * its instruction count (the limit at this width) near the arithmetic's.
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
  pack: usize,
): void {
  const sa = (<usize>lda) << 2;
  const sb = (<usize>ldb) << 2;
  const sc = (<usize>ldc) << 2;
  const panels = n >> 3;
  const blocks = m >> 2;
  if (panels > 0 && blocks > 0) {
    const packedA = pack;
    const packedB = pack + ((<usize>k) << 4);
    const panelBytes = (<usize>k) << 5;
    for (let q = 0; q < panels; q++) packPanel(b + ((<usize>q) << 5), packedB + <usize>q * panelBytes, k, sb);
    for (let block = 0; block < blocks; block++) {
      const rows = a + <usize>(block << 2) * sa;
      packRows(rows, packedA, k, sa);
      const out = c + <usize>(block << 2) * sc;
      for (let q = 0; q < panels; q++) {
        tile4x8(packedA, packedB + <usize>q * panelBytes, out + ((<usize>q) << 5), k, sc, accumulate);
      }
    }
  }
  // The columns past the last full panel, for the rows in blocks of four; then the rows past the last block.
  const m4 = blocks << 2;
  for (let i = 0; i < m4; i += 4) {
    rows4(a + <usize>i * sa, b, c + <usize>i * sc, panels << 3, n, k, sa, sb, sc, accumulate);
  }
  for (let i = m4; i < m; i++) rows1(a + <usize>i * sa, b, c + <usize>i * sc, n, k, sb, accumulate);
}

// Copies B[:, 8 columns] (k rows, stride sb) to [k, 8].
function packPanel(from: usize, to: usize, k: i32, sb: usize): void {
  let source = from;
  let target = to;
  for (let p = 0; p < k; p++) {
    v128.store(target, v128.load(source));
    v128.store(target, v128.load(source, 16), 16);
    source += sb;
    target += 32;
  }
}

// Copies four rows of A (stride sa) to [k, 4], element p of each row side by side.
function packRows(from: usize, to: usize, k: i32, sa: usize): void {
  for (let p = 0; p < k; p++) {
    const at = from + ((<usize>p) << 2);
    const target = to + ((<usize>p) << 4);
    store<f32>(target, load<f32>(at));
    store<f32>(target, load<f32>(at + sa), 4);
    store<f32>(target, load<f32>(at + 2 * sa), 8);
    store<f32>(target, load<f32>(at + 3 * sa), 12);
  }
}

// The micro-kernel: a 4 x 8 tile of C in eight accumulators over the whole k loop, from packed A and B.
function tile4x8(pa: usize, pb: usize, c: usize, k: i32, sc: usize, accumulate: i32): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let ap = pa;
  let bp = pb;
  const end = pa + ((<usize>k) << 4);
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let s = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    ap += 16;
    bp += 32;
  }
  store8(c, c00, c01, accumulate);
  store8(c + sc, c10, c11, accumulate);
  store8(c + 2 * sc, c20, c21, accumulate);
  store8(c + 3 * sc, c30, c31, accumulate);
}

// Four rows of C from column `from` on, unpacked: a 4 x 4 tile at a time, then single columns.
function rows4(
  a: usize,
  b: usize,
  c: usize,
  from: i32,
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
  let j = from;
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
