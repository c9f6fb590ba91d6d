import { describeRequiring } from '@bloom/conformance';
import { type CombineMode, IdRangeError, isHostTable, type OptimizerConfig, Rng } from '@bloom/core';
import {
  createBloomStrategy,
  GatherTable,
  RowSlots,
  SparseEmbedding,
  segmentRows,
  sparseStep,
  type TensorTable,
} from '@bloom/embeddings';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type WebGpuAdapter, WebGpuTable, webgpuBackend } from './index.js';

// Dawn needs a GPU or Mesa's EGL (llvmpipe): a machine without either skips with Dawn's reason; CI installs EGL
// and sets BLOOM_REQUIRE_WEBGPU=1, which turns a missing adapter into a failure.
const availability = await webgpuBackend.availability();
const missing = availability.available ? undefined : availability.reason;

describeRequiring('GPU-resident tables', missing, 'BLOOM_REQUIRE_WEBGPU', () => {
  let adapter: WebGpuAdapter;
  beforeAll(async () => {
    adapter = (await webgpuBackend.create()) as WebGpuAdapter;
  });

  function maxError(a: Float32Array, b: Float32Array): number {
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
    return worst;
  }

  function gpuTable(options: Parameters<WebGpuAdapter['createTable']>[0], init?: Float32Array): TensorTable {
    const table = adapter.createTable({ ...options, access: 'tensor' }, init);
    expect(table, adapter.lastHostReason).toBeInstanceOf(WebGpuTable);
    return table as WebGpuTable;
  }

  describe('segmentRows', () => {
    it('groups references by distinct row in first-seen order, leaving the frozen row out', () => {
      const s = segmentRows(Int32Array.of(5, 2, 5, 0, 2, 5), 2, 0, new RowSlots(8));
      expect(Array.from(s.uniq)).toEqual([5, 2]);
      expect(Array.from(s.offsets)).toEqual([0, 3, 5]);
      // Entries name the example (reference i / k): row 5 at references 0, 2, 5; row 2 at 1, 4.
      expect(Array.from(s.entries)).toEqual([0, 1, 2, 0, 2]);
    });
  });

  // The WGSL kernels against the TypeScript table (itself pinned to tfjs and a scalar reference by the conformance
  // suite), through the tensor methods: no row crosses to the host except for these comparisons.
  describe('WebGpuTable on Dawn', () => {
    const optimizers: OptimizerConfig[] = [
      { kind: 'sgd', lr: 0.1, weightDecay: 0.01 },
      { kind: 'adagrad', lr: 0.1, initialAccumulator: 0.1, weightDecay: 0.01 },
      { kind: 'rowwise-adagrad', lr: 0.1 },
      { kind: 'adam', lr: 0.01, weightDecay: 0.01 },
    ];
    for (const optimizer of optimizers)
      it(`lookups and updates equal GatherTable's (${optimizer.kind})`, async () => {
        const rng = new Rng(21);
        for (const [dim, k, combine] of [
          [5, 1, 'sum'],
          [8, 3, 'mean'],
        ] as [number, number, CombineMode][]) {
          const rows = 23;
          const options = { rows, dim, optimizer, frozenRow: 2 };
          const init = Float32Array.from({ length: rows * dim }, () => rng.next() - 0.5);
          init.fill(0, 2 * dim, 3 * dim);
          const gpu = gpuTable(options, init);
          const host = new GatherTable(options, init);
          for (const batch of [4, 40, 9]) {
            const ids = Int32Array.from({ length: batch * k }, () => rng.nextInt(rows));
            const grads = Float32Array.from({ length: batch * dim }, () => rng.next() - 0.5);
            const looked = gpu.lookupTensor(ids, k, combine);
            expect(looked.shape).toEqual([batch, dim]);
            expect(
              maxError((await looked.data()) as Float32Array, host.lookup(ids, k, combine)),
            ).toBeLessThan(1e-6);
            looked.dispose();
            const g = tf.tensor2d(grads, [batch, dim]);
            gpu.applyGradientsTensor(ids, k, combine, g);
            g.dispose();
            host.applyGradients(ids, k, combine, grads);
            expect(maxError(await gpu.read(), await host.read()), `d ${dim} batch ${batch}`).toBeLessThan(
              1e-5,
            );
          }
          const [a, b] = [await gpu.readState(), await host.readState()];
          expect(Object.keys(a)).toEqual(Object.keys(b));
          for (const name of Object.keys(b)) expect(maxError(a[name]!, b[name]!), name).toBeLessThan(1e-5);
          expect(gpu.memory().optimizerStateBytes).toBe(host.memory().optimizerStateBytes);
          gpu.dispose();
        }
      });

    it('tiles dispatches past 65535 workgroups', async () => {
      const dim = 64;
      const batch = 70_000; // 4.48M threads: 70000 workgroups of 64
      const init = Float32Array.from({ length: 10 * dim }, (_, i) => i);
      const gpu = gpuTable({ rows: 10, dim, optimizer: { kind: 'sgd', lr: 1 } }, init);
      const ids = Int32Array.from({ length: batch }, (_, i) => i % 10);
      const looked = gpu.lookupTensor(ids, 1, 'sum');
      const values = (await looked.data()) as Float32Array;
      looked.dispose();
      expect(values[(batch - 1) * dim + dim - 1]).toBe(init[9 * dim + dim - 1]);
      expect(values[12_345 * dim + 7]).toBe(init[5 * dim + 7]);
      gpu.dispose();
    });

    it('validates rows on the host before the GPU sees them, and changes nothing then', async () => {
      const init = Float32Array.from({ length: 12 }, (_, i) => i);
      const gpu = gpuTable({ rows: 4, dim: 3, optimizer: { kind: 'adam', lr: 0.1 } }, init);
      expect(() => gpu.lookupTensor(Int32Array.of(0, 4), 1, 'sum')).toThrow(IdRangeError);
      const g = tf.ones([2, 3]);
      expect(() => gpu.applyGradientsTensor(Int32Array.of(-1, 1), 1, 'sum', g)).toThrow(IdRangeError);
      expect(() => gpu.applyGradientsTensor(Int32Array.of(1), 1, 'sum', g)).toThrow(
        /grads: expected a tensor of 1 x 3/,
      );
      g.dispose();
      // A GPU-resident table has no synchronous typed-array methods at all (it is no HostTable).
      expect(isHostTable(gpu)).toBe(false);
      expect(Array.from(await gpu.read())).toEqual(Array.from(init));
      expect(await gpu.readState()).toEqual({});
      gpu.dispose();
    });

    it('splits tables larger than one buffer into chunks, with the same lookups and updates', async () => {
      const rng = new Rng(31);
      for (const optimizer of [
        { kind: 'adam', lr: 0.01 },
        { kind: 'rowwise-adagrad', lr: 0.1 },
      ] as OptimizerConfig[]) {
        const rows = 50;
        const dim = 4;
        const options = { rows, dim, optimizer, frozenRow: 0 };
        const init = Float32Array.from({ length: rows * dim }, () => rng.next() - 0.5);
        init.fill(0, 0, dim);
        // 7 rows per buffer: 8 chunks, the last one short.
        const gpu = WebGpuTable.create(options, init, adapter.gpu, 7 * dim * 4) as WebGpuTable;
        const host = new GatherTable(options, init);
        for (let step = 0; step < 3; step++) {
          const ids = Int32Array.from({ length: 60 }, () => rng.nextInt(rows));
          const grads = Float32Array.from({ length: 30 * dim }, () => rng.next() - 0.5);
          const looked = gpu.lookupTensor(ids, 2, 'mean');
          expect(maxError((await looked.data()) as Float32Array, host.lookup(ids, 2, 'mean'))).toBeLessThan(
            1e-6,
          );
          looked.dispose();
          const g = tf.tensor2d(grads, [30, dim]);
          gpu.applyGradientsTensor(ids, 2, 'mean', g);
          g.dispose();
          host.applyGradients(ids, 2, 'mean', grads);
        }
        expect(maxError(await gpu.read(), await host.read())).toBeLessThan(1e-5);
        const [a, b] = [await gpu.readState(), await host.readState()];
        for (const name of Object.keys(b)) expect(maxError(a[name]!, b[name]!), name).toBeLessThan(1e-5);
        await gpu.writeState(b);
        expect(maxError((await gpu.readState()).m ?? new Float32Array(0), b.m ?? new Float32Array(0))).toBe(
          0,
        );
        gpu.dispose();
      }
    });

    it('keeps host tables for host access and the dense mode', () => {
      const options = { rows: 4, dim: 2, optimizer: { kind: 'sgd', lr: 1 } } as const;
      expect(adapter.createTable(options)).toBeInstanceOf(GatherTable);
      expect(adapter.createTable({ ...options, access: 'tensor', updateMode: 'dense' })).toBeInstanceOf(
        GatherTable,
      );
      expect(adapter.lastHostReason).toMatch(/dense update mode/);
    });

    it('trains through SparseEmbedding and sparseStep with the table on the GPU, leaking no tensors', async () => {
      const strategy = createBloomStrategy({
        numEmbeddings: 200,
        dim: 8,
        compressionRatio: 0.3,
        numHashes: 2,
      });
      const make = (access: 'host' | 'tensor') =>
        SparseEmbedding.create({ strategy, adapter, optimizer: { kind: 'adam', lr: 0.05 }, seed: 4, access });
      const [onGpu, onHost] = [make('tensor'), make('host')];
      expect(onGpu.table).toBeInstanceOf(WebGpuTable);
      const rng = new Rng(5);
      const before = tf.memory().numTensors;
      for (let step = 0; step < 5; step++) {
        const pos = Int32Array.from({ length: 32 }, () => rng.nextInt(200));
        const neg = Int32Array.from({ length: 32 }, () => rng.nextInt(200));
        for (const e of [onGpu, onHost]) {
          // Two lookups into one table (positives and negatives): one optimizer step with their gradients summed.
          await sparseStep(
            [
              { embedding: e, ids: pos },
              { embedding: e, ids: neg },
            ],
            ([p, n]) => tf.mean(tf.sigmoid(tf.sub(tf.sum(n!, 1), tf.sum(p!, 1)))) as tf.Scalar,
          );
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(maxError(await onGpu.table.read(), await onHost.table.read())).toBeLessThan(1e-5);
      onGpu.dispose();
      onHost.dispose();
    });
  });
});
