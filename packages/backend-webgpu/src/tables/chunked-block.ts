/// <reference types="@webgpu/types" />

import { COPY_DST, COPY_SRC, MAP_READ, STORAGE } from './gpu-usage.js';

/**
 * A [rows, width] float block of a GPU table (its weights, or one optimizer state block), split by rows into
 * buffers of at most `rowsPerChunk` rows, because one storage binding holds at most the device's
 * `maxStorageBufferBindingSize` (128 MiB on llvmpipe). Shaders run once per chunk, on the rows in its range.
 */
export class ChunkedBlock {
  readonly buffers: GPUBuffer[] = [];

  /** @param fill - Initial value of every float (new buffers are zero). */
  constructor(
    private readonly device: GPUDevice,
    readonly rows: number,
    readonly width: number,
    readonly rowsPerChunk: number,
    fill = 0,
  ) {
    for (let start = 0; start < rows; start += rowsPerChunk) {
      const chunkRows = Math.min(rowsPerChunk, rows - start);
      const buffer = device.createBuffer({
        size: chunkRows * width * 4,
        usage: STORAGE | COPY_SRC | COPY_DST,
      });
      if (fill !== 0) device.queue.writeBuffer(buffer, 0, new Float32Array(chunkRows * width).fill(fill));
      this.buffers.push(buffer);
    }
  }

  /** The first row of chunk `c`, and one past its last. */
  range(c: number): { start: number; end: number } {
    const start = c * this.rowsPerChunk;
    return { start, end: Math.min(this.rows, start + this.rowsPerChunk) };
  }

  /** Writes all rows (`values` is [rows, width]). */
  write(values: Float32Array): void {
    this.buffers.forEach((buffer, c) => {
      const { start, end } = this.range(c);
      this.device.queue.writeBuffer(buffer, 0, values, start * this.width, (end - start) * this.width);
    });
  }

  /** Reads all rows back ([rows, width]) through a mapped staging buffer per chunk. */
  async read(): Promise<Float32Array> {
    const out = new Float32Array(this.rows * this.width);
    for (const [c, buffer] of this.buffers.entries()) {
      const staging = this.device.createBuffer({ size: buffer.size, usage: MAP_READ | COPY_DST });
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(1); // GPUMapMode.READ
      out.set(new Float32Array(staging.getMappedRange()), this.range(c).start * this.width);
      staging.unmap();
      staging.destroy();
    }
    return out;
  }

  get byteLength(): number {
    return this.rows * this.width * 4;
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
  }
}
