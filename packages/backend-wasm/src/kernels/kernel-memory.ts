import type { OptimizerKernel } from '@bloom/embeddings';
import { ROW_KERNELS_BASE64 } from './row-kernels-bytes.js';
import type { SequenceKernels } from './sequence-kernels.js';
import { SEQUENCE_KERNELS_BASE64 } from './sequence-kernels-bytes.js';

/** An optimizer kernel: updates the n rows listed at `rows` (gradients [n, d]), then its own float parameters. */
type OptimizerKernelFunction = (
  data: number,
  stride: number,
  rows: number,
  n: number,
  grads: number,
  d: number,
  frozen: number,
  ...params: number[]
) => void;

/**
 * One table's part in `bilinear_scatter` and `bias_scatter` (users first, then items): where its slots are, rows per
 * id, where its summed rows go, how many distinct rows, and the combine's share (1/k for mean, else 1).
 */
export type ScatterSide = [slots: number, k: number, summed: number, count: number, share: number];

/** The exports of wasm/row-kernels.wat; every pointer is a byte offset into the instance's memory. */
export interface RowKernels {
  gather(
    data: number,
    stride: number,
    rows: number,
    k: number,
    batch: number,
    d: number,
    scale: number,
    out: number,
  ): void;
  gather_dot(
    data: number,
    stride: number,
    rows: number,
    k: number,
    batch: number,
    d: number,
    scale: number,
    v: number,
    out: number,
  ): void;
  scatter_sum(
    grads: number,
    slots: number,
    batch: number,
    k: number,
    d: number,
    summed: number,
    count: number,
    share: number,
  ): void;
  first_out_of_range(rows: number, n: number, limit: number): number;
  assign_slots(rows: number, n: number, frozen: number, map: number, slots: number, unique: number): number;
  clear_slots(map: number, unique: number, count: number): void;
  assign_slots_hashed(
    rows: number,
    n: number,
    frozen: number,
    keys: number,
    vals: number,
    shift: number,
    slots: number,
    unique: number,
  ): number;
  sgd: OptimizerKernelFunction;
  adagrad: OptimizerKernelFunction;
  adam: OptimizerKernelFunction;
  bilinear_scores(
    u: number,
    p: number,
    q: number,
    bu: number,
    bp: number,
    bq: number,
    b: number,
    n: number,
    d: number,
    pos: number,
    neg: number,
  ): void;
  bilinear_backward(
    u: number,
    items: number,
    dpos: number,
    dneg: number,
    b: number,
    n: number,
    d: number,
    du: number,
    ditems: number,
  ): void;
  bilinear_scatter(
    u: number,
    items: number,
    dpos: number,
    dneg: number,
    b: number,
    n: number,
    d: number,
    stride: number,
    tmp: number,
    ...sides: [...ScatterSide, ...ScatterSide]
  ): void;
  bias_scatter(
    dpos: number,
    dneg: number,
    b: number,
    n: number,
    ...sides: [...ScatterSide, ...ScatterSide]
  ): void;
}

/** The optimizer kernels: each updates n listed rows, `(data, stride, rows, n, grads, d, frozen, ...params)`. */
export type { OptimizerKernel };

/** The slice of the WebAssembly API used here, typed locally so that no consumer needs the DOM typings. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65536;
/** The most a memory is allowed to reach: wasm32 addresses 4 GiB, and V8 grants at most that. */
export const MAX_KERNEL_MEMORY_BYTES = 4 * 2 ** 30 - PAGE;

let compiled: object | null | undefined;
let sequenceCompiled: object | undefined;

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Whether this runtime runs the row kernels (WebAssembly with SIMD); compiled once on first call. */
export function rowKernelsAvailable(): boolean {
  if (compiled === undefined) {
    const api = wasmApi();
    const bytes = decode(ROW_KERNELS_BASE64);
    compiled = api?.validate(bytes) ? new api.Module(bytes) : null;
  }
  return compiled !== null;
}

/**
 * A WebAssembly memory of its own with the row kernels bound to it: a table's rows and scratch, or a model's
 * scratch, live here so that the kernels run on them in place. Growing the memory detaches every view on it, so
 * owners make views afresh (see {@link f32}) after any call that may grow it ({@link reserve}).
 */
export class KernelMemory {
  readonly kernels: RowKernels;
  readonly #memory: WasmMemory;
  #sequenceKernels: SequenceKernels | undefined;

  private constructor(memory: WasmMemory, kernels: RowKernels) {
    this.#memory = memory;
    this.kernels = kernels;
  }

  /** A memory of at least `bytes`, or null where the row kernels are unavailable. */
  static create(bytes: number): KernelMemory | null {
    if (!rowKernelsAvailable()) return null;
    const api = wasmApi()!;
    // Shared, so that worker threads may run kernels on it too (the kernels import it as shared memory); a
    // shared memory needs its maximum declared: WebAssembly's 4 GiB.
    const memory = new api.Memory({
      initial: Math.max(1, Math.ceil(bytes / PAGE)),
      maximum: 65536,
      shared: true,
    });
    const instance = new api.Instance(compiled!, { env: { memory } });
    return new KernelMemory(memory, instance.exports as RowKernels);
  }

  /**
   * The sequence trainer's kernels bound to this memory, instantiated on first use (the module is compiled once
   * per process; it needs the same WebAssembly features as the row kernels, and writes nothing on instantiation).
   */
  get sequenceKernels(): SequenceKernels {
    if (this.#sequenceKernels === undefined) {
      const api = wasmApi()!;
      const instance = new api.Instance(sequenceKernelsModule(), { env: { memory: this.#memory } });
      this.#sequenceKernels = instance.exports as SequenceKernels;
    }
    return this.#sequenceKernels;
  }

  /** The WebAssembly.Memory itself (shared), for worker threads that run kernels on it. */
  get wasmMemory(): object {
    return this.#memory;
  }

  /** Current size in bytes. */
  get byteLength(): number {
    return this.#memory.buffer.byteLength;
  }

  /** The memory's buffer (changes identity when the memory grows). */
  get buffer(): ArrayBuffer {
    return this.#memory.buffer;
  }

  /**
   * Grows the memory to hold at least `bytes` (new bytes are zero).
   * @returns whether it grew, which detached every view on it.
   * @throws RangeError beyond {@link MAX_KERNEL_MEMORY_BYTES}.
   */
  reserve(bytes: number): boolean {
    const have = this.#memory.buffer.byteLength;
    if (bytes <= have) return false;
    if (bytes > MAX_KERNEL_MEMORY_BYTES) {
      throw new RangeError(`a kernel memory of ${bytes} bytes exceeds WebAssembly's 4 GiB`);
    }
    // Grow by at least half again, so that a memory growing step by step is not regrown every step.
    const target = Math.min(MAX_KERNEL_MEMORY_BYTES, Math.max(bytes, Math.floor(have * 1.5)));
    this.#memory.grow(Math.ceil((target - have) / PAGE));
    return true;
  }

  /** A float view of `length` floats at byte offset `at`. */
  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, at, length);
  }

  /** An int32 view of `length` ints at byte offset `at`. */
  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.#memory.buffer, at, length);
  }
}

/** The compiled sequence kernels (compiled once per process), for instances on this thread or a worker's. */
export function sequenceKernelsModule(): object {
  sequenceCompiled ??= new (wasmApi()!.Module)(decode(SEQUENCE_KERNELS_BASE64));
  return sequenceCompiled;
}

/** The compiled row kernels, for instances on a worker thread (null where the runtime lacks WebAssembly SIMD). */
export function rowKernelsModule(): object | null {
  return rowKernelsAvailable() ? compiled! : null;
}

/** The row kernels a worker thread runs for a fused step (see {@link KernelWorkers}), in call-index order. */
export const ROW_KERNEL_NAMES = [
  'gather',
  'bilinear_scores',
  'bilinear_scatter',
  'bias_scatter',
  'sgd',
  'adagrad',
  'adam',
] as const satisfies readonly (keyof RowKernels)[];

/** Rounds a byte count up to whole 64-byte cache lines, so that threads' buffers never share a line. */
export function alignLine(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** Rounds a byte count up to a multiple of 16 (one SIMD vector), so regions start aligned. */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
