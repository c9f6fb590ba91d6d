// The dense products of the sequence networks: C (+)= A B over row-major float matrices, as a register-blocked
// SIMD micro-kernel. A 4 x 8 tile of C lives in eight f32x4 accumulators across the whole k loop, so each step
// loads two vectors of B and four broadcast scalars of A for eight multiplies and eight adds (Node 20 has no
// relaxed-SIMD fma). At 128 bits the arithmetic is cheap enough that the loop's other instructions bound it, so
// the operands are packed first into the order the micro-kernel reads them (see gemm).

/** Flags of {@link gemm}: add to C rather than overwrite it; read A as [k, m]; read B as [n, k]. */
export const ACCUMULATE = 1;
export const TRANSPOSE_A = 2;
export const TRANSPOSE_B = 4;
const K_CHUNK = 256;

/**
 * C[m, n] = op(A) op(B), or C += op(A) op(B) with ACCUMULATE, where op transposes A (stored [k, m]) with
 * TRANSPOSE_A and B (stored [n, k]) with TRANSPOSE_B. Leading dimensions (`lda`, `ldb`, `ldc`) are in floats,
 * so a product may read and write sub-blocks of larger matrices. Pointers are byte offsets. `pack` is scratch of
 * at least (k (n + 8) + 4 k + 32) floats: for each chunk of k, op(B)'s 8-column panels are copied there once
 * ([chunk, 8] each, zero past n) and each block of four rows of op(A) as [chunk, 4] (zero past m), so the micro-kernel reads two sequential
 * streams with immediate offsets, which keeps its instruction count (the limit at this width) near the
 * arithmetic's; the transposes cost nothing beyond the packing.
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
  flags: i32,
  pack: usize,
): void {
  const sc = (<usize>ldc) << 2;
  const panels = (n + 7) >> 3;
  const tile = pack;
  const packedA = pack + 128;
  const transposeA = flags & TRANSPOSE_A;
  const transposeB = flags & TRANSPOSE_B;
  // k in chunks, so that a packed panel ([chunk, 8], 8 KiB) stays in L1 across the row blocks that read it.
  for (let k0 = 0; k0 < k; k0 += K_CHUNK) {
    const depth = min(K_CHUNK, k - k0);
    const accumulate = k0 > 0 ? 1 : flags & ACCUMULATE;
    const packedB = packedA + ((<usize>depth) << 4);
    const panelBytes = (<usize>depth) << 5;
    // op(B) rows from k0 on, op(A) columns from k0 on, wherever the storage puts them.
    const bFrom = b + ((<usize>(transposeB ? k0 : k0 * ldb)) << 2);
    const aFrom = a + ((<usize>(transposeA ? k0 * lda : k0)) << 2);
    for (let q = 0; q < panels; q++) {
      packPanel(bFrom, packedB + <usize>q * panelBytes, q << 3, n, depth, ldb, transposeB);
    }
    for (let i = 0; i < m; i += 4) {
      packRows(aFrom, packedA, i, m, depth, lda, transposeA);
      const rows = min(4, m - i);
      for (let q = 0; q < panels; q++) {
        const columns = min(8, n - (q << 3));
        const out = c + <usize>i * sc + ((<usize>q) << 5);
        if (rows === 4 && columns === 8) {
          tile4x8(packedA, packedB + <usize>q * panelBytes, out, depth, sc, accumulate);
        } else {
          // An edge tile: computed whole into scratch, then only its rows and columns inside C are written.
          tile4x8(packedA, packedB + <usize>q * panelBytes, tile, depth, 32, 0);
          for (let r = 0; r < rows; r++) {
            for (let j = 0; j < columns; j++) {
              const at = out + <usize>r * sc + ((<usize>j) << 2);
              const value = load<f32>(tile + ((<usize>(r * 8 + j)) << 2));
              store<f32>(at, accumulate ? load<f32>(at) + value : value);
            }
          }
        }
      }
    }
  }
}

// Copies columns [j, j + 8) of op(B) (k rows) to [k, 8], zeros past column n.
function packPanel(b: usize, to: usize, j: i32, n: i32, k: i32, ldb: i32, transposed: i32): void {
  let target = to;
  if (!transposed && j + 8 <= n) {
    let source = b + ((<usize>j) << 2);
    const stride = (<usize>ldb) << 2;
    for (let p = 0; p < k; p++) {
      v128.store(target, v128.load(source));
      v128.store(target, v128.load(source, 16), 16);
      source += stride;
      target += 32;
    }
    return;
  }
  for (let p = 0; p < k; p++) {
    for (let column = 0; column < 8; column++) {
      const jj = j + column;
      let value: f32 = 0;
      if (jj < n) value = load<f32>(b + ((<usize>(transposed ? jj * ldb + p : p * ldb + jj)) << 2));
      store<f32>(target + ((<usize>column) << 2), value);
    }
    target += 32;
  }
}

// Copies rows [i, i + 4) of op(A) (k columns) to [k, 4], element p of each row side by side; zeros past row m.
function packRows(a: usize, to: usize, i: i32, m: i32, k: i32, lda: i32, transposed: i32): void {
  if (transposed && i + 4 <= m) {
    // op(A) row r at column p is A[p, i + r]: four neighbours in memory.
    let source = a + ((<usize>i) << 2);
    const stride = (<usize>lda) << 2;
    for (let p = 0; p < k; p++) {
      v128.store(to + ((<usize>p) << 4), v128.load(source));
      source += stride;
    }
    return;
  }
  if (!transposed && i + 4 <= m) {
    packRowBlock(a + <usize>i * ((<usize>lda) << 2), to, k, (<usize>lda) << 2);
    return;
  }
  for (let r = 0; r < 4; r++) {
    const row = i + r;
    for (let p = 0; p < k; p++) {
      let value: f32 = 0;
      if (row < m) value = load<f32>(a + ((<usize>(transposed ? p * lda + row : row * lda + p)) << 2));
      store<f32>(to + ((<usize>((p << 2) + r)) << 2), value);
    }
  }
}

// Four whole rows (stride `sa` bytes) to [k, 4]: 4 x 4 blocks transposed in registers, then the tail one by one.
function packRowBlock(rows: usize, to: usize, k: i32, sa: usize): void {
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const at = rows + ((<usize>p) << 2);
    const r0 = v128.load(at);
    const r1 = v128.load(at + sa);
    const r2 = v128.load(at + 2 * sa);
    const r3 = v128.load(at + 3 * sa);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const target = to + ((<usize>p) << 4);
    v128.store(target, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(target, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
    v128.store(target, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
    v128.store(target, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
  }
  for (; p < k; p++) {
    const at = rows + ((<usize>p) << 2);
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

// @ts-ignore: decorator
@inline
function store8(at: usize, lo: v128, hi: v128, accumulate: i32): void {
  store4(at, lo, accumulate);
  store4(at + 16, hi, accumulate);
}

// @ts-ignore: decorator
@inline
function store4(at: usize, value: v128, accumulate: i32): void {
  v128.store(at, accumulate ? f32x4.add(v128.load(at), value) : value);
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

/** Adds the row vector `bias` [n] to every row of C [m, n] (in place), four columns at a time. */
export function add_rows(c: usize, m: i32, n: i32, bias: usize): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const at = row + ((<usize>j) << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(bias + ((<usize>j) << 2))));
    }
    for (; j < n; j++) {
      const at = row + ((<usize>j) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(bias + ((<usize>j) << 2)));
    }
  }
}

/** Zeroes n floats at `at` (so that a recorded sequence of kernel calls can clear its buffers too). */
export function fill_zero(at: usize, n: i32): void {
  memory.fill(at, 0, (<usize>n) << 2);
}

