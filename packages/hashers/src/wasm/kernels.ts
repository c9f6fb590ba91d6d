import { KERNELS_BASE64 } from './kernels-bytes.js';

/** The bulk bucket kernels in wasm/kernels.wat. */
export type BucketKernel =
  | 'murmur3_buckets'
  | 'xxhash32_buckets'
  | 'multiplicative_buckets'
  | 'xxhash64_buckets';

type KernelFunction = (ids: number, n: number, param: number, buckets: number, out: number) => void;

/** The slice of the WebAssembly API used here, typed locally so that no consumer needs the DOM typings. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

type FamilyKernel = (
  ids: number,
  n: number,
  seeds: number,
  k: number,
  buckets: number,
  shift: number,
  out: number,
) => void;

type StringsKernel = (
  bytes: number,
  offsets: number,
  n: number,
  seeds: number,
  k: number,
  buckets: number,
  shift: number,
  out: number,
) => void;

interface Kernels {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly functions: Record<BucketKernel, KernelFunction> & {
    murmur3_family_buckets: FamilyKernel;
    murmur3_strings_family: StringsKernel;
  };
}

// Ids per kernel call. Ids and buckets (plus 3 lanes of slack each, as kernels round up to whole vectors) fit
// in the module's fixed 1 MiB memory, which never grows, so views on it stay valid.
const CHUNK = 65536;
const IDS_AT = 0;
const OUT_AT = (CHUNK + 4) * 4;
// Below this many ids, copying in and out costs more than the kernel saves.
const MIN_IDS = 32;

let kernels: Kernels | null | undefined;
let enabled = true;

function load(): Kernels | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = Uint8Array.from(atob(KERNELS_BASE64), (c) => c.charCodeAt(0));
    // Runtimes without WebAssembly SIMD fall back to the TypeScript loops.
    if (wasm === undefined || !wasm.validate(bytes)) return null;
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const exports = instance.exports as Kernels['functions'] & Pick<Kernels, 'memory'>;
    return { memory: exports.memory, functions: exports };
  } catch {
    return null;
  }
}

/** Whether the WebAssembly SIMD kernels are loaded and enabled in this runtime. */
export function wasmKernelsAvailable(): boolean {
  if (kernels === undefined) kernels = load();
  return enabled && kernels !== null;
}

/**
 * Turns the WebAssembly kernels off (or back on): bulk hashing then runs the TypeScript loops, which compute
 * identical results. For comparisons and for runtimes where you would rather not instantiate WebAssembly.
 */
export function setWasmKernelsEnabled(value: boolean): void {
  enabled = value;
}

/**
 * Runs a bucket kernel over `ids`, writing `out[offset + i * stride]`.
 * @returns false, having done nothing, when the kernels are unavailable or the batch is too small to gain.
 */
export function runBucketKernel(
  name: BucketKernel,
  ids: Int32Array,
  param: number,
  buckets: number,
  out: Int32Array,
  offset: number,
  stride: number,
): boolean {
  if (ids.length < MIN_IDS || !wasmKernelsAvailable()) return false;
  const { memory, functions } = kernels!;
  const kernel = functions[name];
  const idsView = new Int32Array(memory.buffer, IDS_AT, CHUNK);
  const outView = new Int32Array(memory.buffer, OUT_AT, CHUNK);
  for (let start = 0; start < ids.length; start += CHUNK) {
    const n = Math.min(CHUNK, ids.length - start);
    idsView.set(ids.subarray(start, start + n));
    kernel(IDS_AT, n, param, buckets, OUT_AT);
    if (stride === 1) {
      out.set(outView.subarray(0, n), offset + start);
    } else {
      for (let i = 0, o = offset + start * stride; i < n; i++, o += stride) out[o] = outView[i]!;
    }
  }
  return true;
}

// The family kernel's seeds, after the ids and buckets regions (a family has at most 64 hashes; see HashFamily).
const SEEDS_AT = OUT_AT + (CHUNK + 4) * 4;
const MAX_SEEDS = 64;

/**
 * A MurmurHash3 family over `ids` in one kernel pass: `out[i * k + j] = floorMod(murmur3(ids[i], seeds[j]),
 * buckets) + shift`, for the k = `seeds.length` seeds.
 * @returns false, having done nothing, when the kernels are unavailable or the batch is too small to gain.
 */
export function runMurmur3FamilyKernel(
  ids: Int32Array,
  seeds: readonly number[],
  buckets: number,
  shift: number,
  out: Int32Array,
): boolean {
  const k = seeds.length;
  if (ids.length < MIN_IDS || k > MAX_SEEDS || !wasmKernelsAvailable()) return false;
  const { memory, functions } = kernels!;
  // Ids per call such that their k buckets (and 3 more ids' slack) fit the buckets region.
  const chunk = Math.floor(CHUNK / k) - 4;
  const idsView = new Int32Array(memory.buffer, IDS_AT, CHUNK);
  const outView = new Int32Array(memory.buffer, OUT_AT, CHUNK);
  new Int32Array(memory.buffer, SEEDS_AT, k).set(seeds.map((seed) => seed | 0));
  for (let start = 0; start < ids.length; start += chunk) {
    const n = Math.min(chunk, ids.length - start);
    idsView.set(ids.subarray(start, start + n));
    functions.murmur3_family_buckets(IDS_AT, n, SEEDS_AT, k, buckets, shift, OUT_AT);
    out.set(outView.subarray(0, n * k), start * k);
  }
  return true;
}

// The strings kernel's keys' UTF-8 bytes, after the seeds, to the end of the 1 MiB memory (16 bytes of slack).
const BYTES_AT = SEEDS_AT + MAX_SEEDS * 4;
const BYTES_END = (1 << 20) - 16;
const encoder = new TextEncoder();

/**
 * A MurmurHash3 family over the UTF-8 bytes of `keys` in one kernel pass per batch: `out[i * k + j] =
 * floorMod(murmur3(utf8(keys[i]), seeds[j]), buckets) + shift`. Keys are encoded straight into the kernel's
 * memory, and each key's bytes are read once for four seeds at a time.
 * @returns the number of leading keys hashed (all of them, or none when the kernels are unavailable or there are
 *   too few keys to gain); a key too long for the kernel's memory stops the batch there, for the caller to hash.
 */
export function runMurmur3StringsKernel(
  keys: readonly string[],
  seeds: readonly number[],
  buckets: number,
  shift: number,
  out: Int32Array,
): number {
  const k = seeds.length;
  if (keys.length < MIN_IDS || k > MAX_SEEDS || !wasmKernelsAvailable()) return 0;
  const { memory, functions } = kernels!;
  const batch = Math.floor(CHUNK / k) - 4;
  const offsets = new Int32Array(memory.buffer, IDS_AT, CHUNK + 4);
  const outView = new Int32Array(memory.buffer, OUT_AT, CHUNK);
  const bytes = new Uint8Array(memory.buffer, BYTES_AT, BYTES_END - BYTES_AT);
  const seedView = new Int32Array(memory.buffer, SEEDS_AT, MAX_SEEDS);
  seedView.fill(0);
  seedView.set(seeds.map((seed) => seed | 0));
  let done = 0;
  while (done < keys.length) {
    let n = 0;
    let used = 0;
    offsets[0] = 0;
    while (done + n < keys.length && n < batch) {
      const key = keys[done + n]!;
      const written = writeUtf8(key, bytes, used);
      if (written < 0) break;
      used += written;
      offsets[++n] = used;
    }
    if (n === 0) return done; // a key longer than the whole region
    functions.murmur3_strings_family(BYTES_AT, IDS_AT, n, SEEDS_AT, k, buckets, shift, OUT_AT);
    out.set(outView.subarray(0, n * k), done * k);
    done += n;
  }
  return done;
}

// Writes `key`'s UTF-8 bytes at `bytes[at]`: ASCII by hand (ids usually are, and a view per key costs more than
// the copy), the rest through TextEncoder. @returns the bytes written, or -1 when they do not fit.
function writeUtf8(key: string, bytes: Uint8Array, at: number): number {
  const length = key.length;
  if (at + length <= bytes.length) {
    let c = 0;
    for (; c < length; c++) {
      const code = key.charCodeAt(c);
      if (code >= 0x80) break;
      bytes[at + c] = code;
    }
    if (c === length) return length;
  }
  const { read, written } = encoder.encodeInto(key, bytes.subarray(at));
  return read === length ? written : -1;
}
