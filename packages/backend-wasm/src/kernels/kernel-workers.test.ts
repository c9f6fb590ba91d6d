import { describe, expect, it } from 'vitest';
import { KernelMemory, sequenceKernelsModule } from './kernel-memory.js';
import { KernelRecorder, KernelWorkers, kernelWorkersAvailable } from './kernel-workers.js';

describe.skipIf(!kernelWorkersAvailable())('KernelWorkers', () => {
  it('replays each worker its own recorded kernel calls on the shared memory, every generation', () => {
    const memory = KernelMemory.create(1 << 16)!;
    const workers = KernelWorkers.create(memory.wasmMemory, sequenceKernelsModule(), 2)!;
    try {
      memory.f32(0, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
      // Worker 0 sums the two rows of [[1, 2, 3, 4], [5, 6, 7, 8]] into floats 16..19 (adding to what is there);
      // worker 1 zeroes floats 32..35.
      const sums = new KernelRecorder();
      sums.kernels.column_sums(0, 2, 4, 64, 1);
      const zero = new KernelRecorder();
      zero.kernels.fill_zero(128, 4);
      workers.load(0, sums.take(), sums.calls);
      workers.load(1, zero.take(), zero.calls);
      memory.f32(128, 4).fill(9);
      for (let generation = 0; generation < 3; generation++) {
        workers.start();
        workers.finish();
      }
      expect(Array.from(memory.f32(64, 4))).toEqual([18, 24, 30, 36]);
      expect(Array.from(memory.f32(128, 4))).toEqual([0, 0, 0, 0]);
    } finally {
      workers.dispose();
    }
  });

  // Replays that finish at once give the widest window for a lost wake-up between the caller's check and its
  // wait; that race once hung a two-thread training run. It must complete every generation, never hang.
  it('completes thousands of back-to-back generations without losing a wake-up', () => {
    const memory = KernelMemory.create(1 << 16)!;
    const workers = KernelWorkers.create(memory.wasmMemory, sequenceKernelsModule(), 2)!;
    try {
      for (let w = 0; w < 2; w++) workers.load(w, new Float64Array(0), 0);
      for (let generation = 0; generation < 5000; generation++) {
        workers.start();
        workers.finish();
      }
      // A replay of nothing answers in microseconds: a wait that ran out its second lost its wake-up.
      expect(workers.stalls).toBe(0);
    } finally {
      workers.dispose();
    }
  }, 120_000);
});
