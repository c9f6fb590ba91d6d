import { type KernelMemory, ROW_KERNEL_NAMES, rowKernelsModule } from './kernel-memory.js';
import { KernelWorkers } from './kernel-workers.js';

/** The row kernels that can be shared out to worker threads. */
export type RowKernelName = (typeof ROW_KERNEL_NAMES)[number];

/** Queues a row kernel call (its name and arguments) instead of running it. */
export type RowKernelDispatch = (name: RowKernelName, args: readonly number[]) => void;

// A fused step's phases come a fraction of a millisecond apart (the host's share between them: rows, loss,
// numbering), so the threads spin across such gaps instead of sleeping.
const SPIN_MS = 2;

const KERNEL_INDEX = new Map<string, number>(ROW_KERNEL_NAMES.map((name, i) => [name, i]));

/**
 * Row kernel calls shared out over this thread and `threads - 1` worker threads on one shared memory, one phase
 * at a time: `queue` each thread's calls, then `run` starts the workers on theirs, runs thread 0's here and waits
 * for all of them. Calls queued to one thread run in order; calls of different threads must touch disjoint memory
 * (the caller splits work by examples, columns or rows). With one thread (or where the runtime has no worker
 * threads) every call runs here, in queue order.
 */
export class RowKernelThreads {
  readonly threads: number;
  readonly #memory: KernelMemory;
  readonly #workers: KernelWorkers | null;
  /** Thread 0's calls, run here. */
  readonly #main: [RowKernelName, readonly number[]][] = [];
  /** Each worker's calls, encoded as KernelWorkers replays them: kernel index, argument count, arguments. */
  readonly #queues: number[][];

  private constructor(memory: KernelMemory, workers: KernelWorkers | null) {
    this.#memory = memory;
    this.#workers = workers;
    this.threads = 1 + (workers?.size ?? 0);
    this.#queues = Array.from({ length: this.threads - 1 }, () => []);
  }

  /** Up to `threads` threads on `memory` (one where worker threads are unavailable). */
  static create(memory: KernelMemory, threads: number): RowKernelThreads {
    const module = threads > 1 ? rowKernelsModule() : null;
    const workers =
      module === null
        ? null
        : KernelWorkers.create(memory.wasmMemory, module, threads - 1, ROW_KERNEL_NAMES, SPIN_MS);
    return new RowKernelThreads(memory, workers);
  }

  /** Queues `name(...args)` on thread `thread` (0 is this one). */
  queue(thread: number, name: RowKernelName, args: readonly number[]): void {
    if (thread === 0) {
      this.#main.push([name, args]);
      return;
    }
    const queue = this.#queues[thread - 1]!;
    queue.push(KERNEL_INDEX.get(name)!, args.length);
    for (const arg of args) queue.push(arg);
  }

  /** Runs every queued call and empties the queues; throws if a worker's call failed. */
  run(): void {
    const workers = this.#workers;
    const busy = workers !== null && this.#queues.some((q) => q.length > 0);
    if (busy) {
      this.#queues.forEach((queue, w) => {
        // The kernels return nothing the caller reads: no result slots.
        workers.load(w, Float64Array.from(queue), 0);
        queue.length = 0;
      });
      workers.start();
    }
    try {
      const kernels = this.#memory.kernels as unknown as Record<string, (...args: number[]) => unknown>;
      for (const [name, args] of this.#main) kernels[name]!(...args);
    } finally {
      this.#main.length = 0;
      if (busy) workers.finish();
    }
  }

  /** Stops the worker threads. */
  dispose(): void {
    this.#workers?.dispose();
  }
}

/** Splits [0, n) into `parts` contiguous ranges as even as can be: range t is [from, to). */
export function evenRanges(n: number, parts: number): [from: number, to: number][] {
  return Array.from({ length: parts }, (_, t) => [
    Math.floor((n * t) / parts),
    Math.floor((n * (t + 1)) / parts),
  ]);
}

/**
 * Splits d columns into at most `parts` bands whose widths are multiples of 16 floats (a 64-byte cache line, where
 * d allows a band each) or of 4 (a SIMD vector), but for the last: each thread's band keeps the kernels' vector
 * loop, and rows that start on a line never share one between threads. [from, to) per band.
 */
export function columnBands(d: number, parts: number): [from: number, to: number][] {
  const unit = d >= 16 * parts ? 16 : 4;
  const units = Math.floor(d / unit);
  const bands = Math.max(1, Math.min(parts, units));
  return evenRanges(units, bands).map(([from, to], t) => [unit * from, t === bands - 1 ? d : unit * to]);
}
