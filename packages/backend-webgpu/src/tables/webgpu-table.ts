/// <reference types="@webgpu/types" />
import {
  type CombineMode,
  ConfigError,
  INT32_MAX,
  requireInteger,
  requireKnownOptions,
  TABLE_OPTIONS,
  type TableMemory,
  type TableOptions,
} from '@bloom/core';
import {
  checkBatch,
  checkLength,
  createRowOptimizer,
  RowSlots,
  segmentRows,
  stepParams,
  type TensorTable,
} from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { ChunkedBlock } from './chunked-block.js';
import { COPY_DST, COPY_SRC, STORAGE, UNIFORM } from './gpu-usage.js';
import { GATHER, type GpuOptimizer, UPDATE, WORKGROUP } from './shaders.js';

// Eight u32 then eight f32: the layout of every shader's Params.
const PARAMS_BYTES = 64;

// Pipelines are compiled once per device and shader.
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function pipeline(device: GPUDevice, code: string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  let found = cache.get(code);
  if (found === undefined) {
    found = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    });
    cache.set(code, found);
  }
  return found;
}

/**
 * A GPU-resident table of the webgpu adapter: weights and optimizer state live in GPU buffers, and lookups and
 * sparse updates are WGSL compute shaders (see shaders.ts). Row indices are validated on the host before the GPU
 * sees them; duplicates are grouped on the host (a counting sort) and summed by the thread that owns the row.
 * Lookups come back as tensors and gradients go in as tensors (`TensorTable`), so rows never cross to the host;
 * the synchronous typed-array methods throw. Weights and each state block are split by rows into buffers that fit
 * one storage binding ({@link ChunkedBlock}), and the shaders run once per chunk.
 */
export class WebGpuTable implements TensorTable {
  readonly rows: number;
  readonly dim: number;
  readonly options: TableOptions;
  readonly #device: GPUDevice;
  readonly #optimizer: GpuOptimizer;
  readonly #stateLayout: readonly { readonly name: string; readonly width: number }[];
  readonly #stateInit: number;
  readonly #frozenRow: number;
  readonly #slots: RowSlots;
  readonly #rowsPerChunk: number;
  readonly #weights: ChunkedBlock;
  #state: ChunkedBlock[] = [];
  #step = 0;
  readonly #scratch = new Map<string, GPUBuffer>();
  #disposed = false;

  private constructor(
    options: TableOptions,
    device: GPUDevice,
    init: Float32Array | undefined,
    maxChunkBytes: number,
  ) {
    requireKnownOptions('table', options, TABLE_OPTIONS);
    this.rows = requireInteger('rows', options.rows, 1, INT32_MAX);
    this.dim = requireInteger('dim', options.dim, 1, 1 << 16);
    this.options = options;
    this.#device = device;
    const optimizer = createRowOptimizer(options.optimizer);
    this.#optimizer = options.optimizer.kind;
    this.#stateLayout = optimizer.stateLayout(this.dim);
    this.#stateInit = optimizer.stateInit;
    this.#frozenRow = options.frozenRow ?? -1;
    if (this.#frozenRow !== -1) requireInteger('frozenRow', this.#frozenRow, 0, this.rows - 1);
    this.#slots = new RowSlots(this.rows);
    this.#rowsPerChunk = Math.max(1, Math.floor(maxChunkBytes / (this.dim * 4)));
    this.#weights = new ChunkedBlock(device, this.rows, this.dim, this.#rowsPerChunk);
    const weights = new Float32Array(this.rows * this.dim);
    if (init !== undefined) {
      checkLength('init', init, weights.length);
      weights.set(init);
    }
    if (this.#frozenRow >= 0) weights.fill(0, this.#frozenRow * this.dim, (this.#frozenRow + 1) * this.dim);
    this.#weights.write(weights);
  }

  /**
   * A table on `device`, or the reason it cannot be one (only the sparse update of gather tables runs on the GPU).
   * @param maxChunkBytes - The most bytes of one block in one buffer: by default the device's storage binding
   *   and buffer limits; tests pass less to exercise several chunks.
   */
  static create(
    options: TableOptions,
    init: Float32Array | undefined,
    device: GPUDevice,
    maxChunkBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize),
  ): WebGpuTable | string {
    if ((options.updateMode ?? 'sparse') !== 'sparse') return 'the dense update mode runs on the host';
    if ((options.formulation ?? 'gather') !== 'gather')
      return `the ${options.formulation} formulation runs on the host`;
    if (options.dim * 4 > maxChunkBytes) {
      return `a row of ${options.dim} floats exceeds one ${maxChunkBytes}-byte buffer`;
    }
    return new WebGpuTable(options, device, init, maxChunkBytes);
  }

  lookupTensor(rows: Int32Array, k: number, combine: CombineMode): tf.Tensor2D {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    if (batch === 0) return tf.zeros([0, d]);
    const device = this.#device;
    const rowsBuffer = this.#buffer('rows', rows.byteLength, STORAGE | COPY_DST);
    // Exactly the tensor's size (tfjs reads back whole buffers), with COPY_DST too: tfjs copies it into a buffer
    // of the same usage.
    const out = device.createBuffer({ size: batch * d * 4, usage: STORAGE | COPY_SRC | COPY_DST });
    device.queue.writeBuffer(rowsBuffer, 0, rows);
    const groups = this.#groups(batch * d);
    this.#weights.buffers.forEach((chunk, c) => {
      const { start, end } = this.#weights.range(c);
      this.#params([batch, k, d, groups.x, start, end, c === 0 ? 1 : 0], [combine === 'mean' ? 1 / k : 1]);
      this.#dispatch(GATHER, [chunk, rowsBuffer, out, this.#scratch.get('params')!], groups);
    });
    // tfjs copies the buffer into one of its own and submits the copy now, after the gather; destroying `out`
    // then frees it once that work is done.
    const tensor = tf.tensor({ buffer: out }, [batch, d], 'float32') as tf.Tensor2D;
    out.destroy();
    return tensor;
  }

  applyGradientsTensor(rows: Int32Array, k: number, combine: CombineMode, grads: tf.Tensor): void {
    const batch = checkBatch(rows, k, this.rows);
    const d = this.dim;
    if (grads.size !== batch * d) {
      throw new ConfigError('grads', `a tensor of ${batch} x ${d} floats`, grads.shape.join(' x '));
    }
    this.#allocateState();
    this.#step++;
    const { uniq, offsets, entries } = segmentRows(rows, k, this.#frozenRow, this.#slots);
    if (uniq.length === 0) return;
    const device = this.#device;
    const uniqBuffer = this.#buffer('uniq', uniq.byteLength, STORAGE | COPY_DST);
    const offsetsBuffer = this.#buffer('offsets', offsets.byteLength, STORAGE | COPY_DST);
    const entriesBuffer = this.#buffer('entries', entries.byteLength, STORAGE | COPY_DST);
    device.queue.writeBuffer(uniqBuffer, 0, uniq);
    device.queue.writeBuffer(offsetsBuffer, 0, offsets);
    device.queue.writeBuffer(entriesBuffer, 0, entries);
    const p = stepParams(this.options.optimizer, this.#step);
    const rowwise = this.#optimizer === 'rowwise-adagrad';
    const groups = this.#groups(rowwise ? uniq.length : uniq.length * d);
    const floats = [
      combine === 'mean' ? 1 / k : 1,
      p.lr,
      p.weightDecay,
      p.beta1,
      p.beta2,
      p.eps,
      p.stepSize,
      p.invSqrtC2,
    ];
    // The gradient tensor's own buffer (tfjs submits its pending work first, so it is computed before the update).
    const gpu = this.#gradientBuffer(grads);
    try {
      this.#weights.buffers.forEach((chunk, c) => {
        const { start, end } = this.#weights.range(c);
        this.#params([uniq.length, d, groups.x, start, end], floats);
        const shared = [gpu.buffer, uniqBuffer, offsetsBuffer, entriesBuffer, this.#scratch.get('params')!];
        this.#dispatch(
          UPDATE[this.#optimizer],
          [chunk, ...shared, ...this.#state.map((b) => b.buffers[c]!)],
          groups,
        );
      });
    } finally {
      gpu.release();
    }
  }

  /**
   * The GPU buffer holding `grads`: the tensor's own (a copy tfjs makes and `release` gives back) or, for a tensor
   * whose values are still on the host (made from an array, or a small op tfjs ran on the CPU), a scratch buffer
   * they are uploaded to.
   */
  #gradientBuffer(grads: tf.Tensor): { buffer: GPUBuffer; release: () => void } {
    try {
      const data = grads.dataToGPU();
      return { buffer: data.buffer!, release: () => data.tensorRef.dispose() };
    } catch (error) {
      if (!/not on GPU/.test(String(error))) throw error;
      const values = grads.dataSync() as Float32Array; // host values: no GPU read-back
      const buffer = this.#buffer('grads', values.byteLength, STORAGE | COPY_DST);
      this.#device.queue.writeBuffer(buffer, 0, values);
      return { buffer, release: () => {} };
    }
  }

  async read(): Promise<Float32Array> {
    return this.#weights.read();
  }

  async write(weights: Float32Array): Promise<void> {
    checkLength('weights', weights, this.rows * this.dim);
    this.#weights.write(weights);
  }

  async readState(): Promise<Record<string, Float32Array>> {
    if (this.#state.length === 0) return {};
    const out: Record<string, Float32Array> = { step: Float32Array.of(this.#step) };
    for (const [i, { name }] of this.#stateLayout.entries()) out[name] = await this.#state[i]!.read();
    return out;
  }

  async writeState(state: Record<string, Float32Array>): Promise<void> {
    this.#allocateState();
    for (const [i, { name, width }] of this.#stateLayout.entries()) {
      const value = state[name];
      if (value === undefined) throw new ConfigError(`state.${name}`, 'a Float32Array', value);
      checkLength(`state.${name}`, value, this.rows * width);
      this.#state[i]!.write(value);
    }
    this.#step = state.step?.[0] ?? 0;
  }

  memory(): TableMemory {
    if (this.#disposed) return { weightBytes: 0, optimizerStateBytes: 0, scratchBytes: 0 };
    return {
      weightBytes: this.#weights.byteLength,
      optimizerStateBytes: this.#state.reduce((sum, b) => sum + b.byteLength, 0),
      scratchBytes: [...this.#scratch.values()].reduce((sum, b) => sum + b.size, 0),
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const block of [this.#weights, ...this.#state]) block.destroy();
    for (const buffer of this.#scratch.values()) buffer.destroy();
    this.#state = [];
    this.#scratch.clear();
  }

  // State blocks are allocated on the first update (a table only looked up never pays for them).
  #allocateState(): void {
    if (this.#state.length > 0 || this.#stateLayout.length === 0) return;
    this.#state = this.#stateLayout.map(
      ({ width }) => new ChunkedBlock(this.#device, this.rows, width, this.#rowsPerChunk, this.#stateInit),
    );
  }

  /** A scratch buffer of at least `bytes` (kept and regrown by doubling). */
  #buffer(name: string, bytes: number, usage: number): GPUBuffer {
    const needed = Math.max(16, Math.ceil(bytes / 4) * 4);
    const current = this.#scratch.get(name);
    if (current !== undefined && current.size >= needed) return current;
    current?.destroy();
    const size = Math.max(needed, 2 * (current?.size ?? 0));
    const buffer = this.#device.createBuffer({ size, usage });
    this.#scratch.set(name, buffer);
    return buffer;
  }

  /** Writes the uniform parameters: unsigned ints first, then floats, as the shaders' Params lay them out. */
  #params(uints: readonly number[], floats: readonly number[]): void {
    const data = new ArrayBuffer(PARAMS_BYTES);
    new Uint32Array(data, 0, uints.length).set(uints);
    new Float32Array(data, 32, floats.length).set(floats);
    const buffer = this.#buffer('params', PARAMS_BYTES, UNIFORM | COPY_DST);
    this.#device.queue.writeBuffer(buffer, 0, data);
  }

  /** A 2-D grid of workgroups covering `threads` (x capped at the device's per-dimension limit). */
  #groups(threads: number): { x: number; y: number } {
    const total = Math.max(1, Math.ceil(threads / WORKGROUP));
    const cap = this.#device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(total, cap);
    return { x, y: Math.ceil(total / x) };
  }

  #dispatch(code: string, buffers: readonly GPUBuffer[], groups: { x: number; y: number }): void {
    const device = this.#device;
    const compiled = pipeline(device, code);
    const bindGroup = device.createBindGroup({
      layout: compiled.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(compiled);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups.x, groups.y);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }
}
