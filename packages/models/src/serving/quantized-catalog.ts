import { CATALOG_KERNELS_BASE64 } from './catalog-kernels-bytes.js';

/** The most candidates one selection may ask for (k plus the items left out). */
export const MAX_SELECTION = 1024;

interface CatalogKernels {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  catalog_bounds(
    items: number,
    d: number,
    n: number,
    user: number,
    su: number,
    a: number,
    b: number,
    scales: number,
    l1: number,
    bias: number,
    upper: number,
    top: number,
    count: number,
  ): number;
  catalog_candidates(upper: number, n: number, threshold: number, out: number): number;
}

/** The slice of the WebAssembly API used here, typed locally so that no consumer needs the DOM typings. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

// f32 rounding: a dot product of d terms is off by at most about d units in the last place of its terms' sum.
const ROUNDING = 1.2e-7;

/**
 * An int8 copy of a catalogue's item vectors (one scale per item), for choosing, in a quarter of the bytes, the
 * few items that can be in a user's top `count`, exactly. With x = scale_i q_i + dx (|dx| <= scale_i / 2 per
 * component) and u = su q_u + du (|du| <= su / 2), the quantized score s_i = su scale_i (q_u . q_i) + bias_i is
 * within e_i = scale_i (|u|_1 + d su / 2) / 2 + |x_i|_1 su / 2 (plus rounding) of the exact u . x_i + bias_i.
 * So no item whose upper bound s_i + e_i is below the count-th largest lower bound s_j - e_j can be in the top
 * count: the candidates are the rest, and ranking them by their exact scores gives the exact top count.
 * A snapshot: build a new one after the weights change.
 */
export class QuantizedCatalog {
  readonly size: number;
  readonly dim: number;
  readonly #kernels: CatalogKernels;
  readonly #padded: number;
  readonly #at: {
    scales: number;
    l1: number;
    bias: number;
    upper: number;
    out: number;
    user: number;
    top: number;
  };
  readonly #biasMargin: number;

  /**
   * @param vectors - [n x d] the catalogue's item vectors, row-major.
   * @param biases - [n] each item's score offset (its bias; 0 for none).
   */
  constructor(vectors: Float32Array, biases: Float32Array, dim: number) {
    const n = biases.length;
    this.size = n;
    this.dim = dim;
    const padded = Math.ceil(dim / 16) * 16;
    this.#padded = padded;
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const bytes = Uint8Array.from(atob(CATALOG_KERNELS_BASE64), (c) => c.charCodeAt(0));
    this.#kernels = new wasm.Instance(new wasm.Module(bytes), {}).exports as unknown as CatalogKernels;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    const scales = align(n * padded);
    const l1 = scales + align(4 * n);
    const bias = l1 + align(4 * n);
    const upper = bias + align(4 * n);
    const out = upper + align(4 * n);
    const user = out + align(4 * n);
    const top = user + padded;
    const end = top + 4 * MAX_SELECTION;
    const { memory } = this.#kernels;
    const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    this.#at = { scales, l1, bias, upper, out, user, top };
    const q = new Int8Array(memory.buffer, 0, n * padded);
    const scaleOf = new Float32Array(memory.buffer, scales, n);
    const l1Of = new Float32Array(memory.buffer, l1, n);
    new Float32Array(memory.buffer, bias, n).set(biases);
    let maxBias = 0;
    for (let i = 0; i < n; i++) {
      let max = 0;
      let sum = 0;
      for (let c = 0; c < dim; c++) {
        const x = Math.abs(vectors[i * dim + c]!);
        if (x > max) max = x;
        sum += x;
      }
      const scale = max / 127;
      scaleOf[i] = scale;
      l1Of[i] = sum;
      if (scale > 0)
        for (let c = 0; c < dim; c++) q[i * padded + c] = Math.round(vectors[i * dim + c]! / scale);
      maxBias = Math.max(maxBias, Math.abs(biases[i]!));
    }
    // Rounding of the biases themselves, where the sums are compared.
    this.#biasMargin = 4 * ROUNDING * (1 + maxBias);
  }

  /**
   * The catalogue positions (ascending) of every item that can be among the `count` best for user vector `u` by
   * exact score u . x_i + bias_i; usually a few more than count.
   */
  candidates(u: Float32Array, count: number): Int32Array {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SELECTION) {
      throw new RangeError(`count must be an integer in [1, ${MAX_SELECTION}], got ${count}`);
    }
    const { buffer } = this.#kernels.memory;
    const d = this.dim;
    let max = 0;
    let l1 = 0;
    for (let c = 0; c < d; c++) {
      const x = Math.abs(u[c]!);
      if (x > max) max = x;
      l1 += x;
    }
    const su = max / 127;
    const user = new Int8Array(buffer, this.#at.user, this.#padded).fill(0);
    if (su > 0) for (let c = 0; c < d; c++) user[c] = Math.round(u[c]! / su);
    new Float32Array(buffer, this.#at.top, count).fill(Number.NEGATIVE_INFINITY);
    // The bound's two terms, widened for the rounding of the exact score (d + 8 terms of at most |u|_1 127 scale).
    const a = 1.001 * ((l1 + (d * su) / 2) / 2 + l1 * 127 * (d + 8) * ROUNDING);
    const b = 1.001 * (su / 2);
    const at = this.#at;
    const threshold = this.#kernels.catalog_bounds(
      0,
      this.#padded,
      this.size,
      at.user,
      su,
      a,
      b,
      at.scales,
      at.l1,
      at.bias,
      at.upper,
      at.top,
      count,
    );
    const found = this.#kernels.catalog_candidates(at.upper, this.size, threshold - this.#biasMargin, at.out);
    return new Int32Array(buffer, at.out, found).slice();
  }
}
