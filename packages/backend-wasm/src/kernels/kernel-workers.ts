import { SEQUENCE_KERNEL_NAMES, type SequenceKernels } from './sequence-kernels.js';

/**
 * A stand-in for the sequence kernels that records each call (its kernel's index, argument count and arguments)
 * instead of running it. A replica's step calls the same kernels with the same pointers every time for a given
 * batch size, so its calls are recorded once and replayed by a worker thread on the shared memory each step.
 */
export class KernelRecorder {
  readonly kernels: SequenceKernels;
  #calls: number[] = [];
  #count = 0;
  /** The call indices whose results the trainer reads back (the losses). */
  readonly returning: number[] = [];

  constructor() {
    const kernels: Record<string, (...args: number[]) => number> = {};
    SEQUENCE_KERNEL_NAMES.forEach((name, index) => {
      kernels[name] = (...args: number[]) => {
        if (name === 'tied_loss' || name === 'softmax_xent') this.returning.push(this.#count);
        this.#calls.push(index, args.length, ...args);
        this.#count++;
        return 0;
      };
    });
    this.kernels = kernels as unknown as SequenceKernels;
  }

  /** Forgets every recorded call (before recording a new batch size). */
  reset(): void {
    this.#calls = [];
    this.#count = 0;
    this.returning.length = 0;
  }

  /** The recorded calls, encoded for {@link KernelWorkers.load}. */
  take(): Float64Array {
    return Float64Array.from(this.#calls);
  }

  /** How many calls were recorded (the size of a worker's result slots). */
  get calls(): number {
    return this.#count;
  }
}

// The worker: instantiates the kernels on the shared memory, then waits on its control word for each generation,
// replays its recorded calls and signals completion. Plain CommonJS, evaluated from this string, so that it needs
// no file of its own (the package runs from TypeScript sources in tests and from dist when installed).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, module, control, names, spinMs } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
const state = new Int32Array(control, 0, 4);
let seen = 0;
for (;;) {
  // Spinning a while before sleeping: a sleeping thread takes tens of microseconds to wake.
  const until = performance.now() + spinMs;
  while (Atomics.load(state, 0) === seen && performance.now() < until);
  Atomics.wait(state, 0, seen);
  seen = Atomics.load(state, 0);
  if (seen < 0) break;
  const length = state[2];
  const results = new Float64Array(control, 16, state[3]);
  const calls = new Float64Array(control, 16 + 8 * state[3], length);
  let at = 0;
  let call = 0;
  try {
    while (at < length) {
      const kernel = kernels[calls[at]];
      const argc = calls[at + 1];
      const args = [];
      for (let i = 0; i < argc; i++) args.push(calls[at + 2 + i]);
      const value = kernel(...args);
      if (value !== undefined) results[call] = value;
      at += 2 + argc;
      call++;
    }
    Atomics.store(state, 1, seen);
  } catch (error) {
    Atomics.store(state, 1, -seen);
  }
  Atomics.notify(state, 1);
}
`;

// A replica's share of one minibatch takes milliseconds; a minute without an answer means the worker is gone.
const FINISH_TIMEOUT_MS = 60_000;

interface WorkerHandle {
  readonly worker: { terminate(): Promise<number>; unref(): void };
  control: SharedArrayBuffer;
  state: Int32Array;
}

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => WorkerHandle['worker'];
}

/** node:worker_threads where the runtime has it (Node), else undefined (a browser: one thread). */
function workerThreads(): WorkerThreads | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  return process?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
}

/** Whether worker threads can run kernels here (Node's worker_threads and shared memory). */
export function kernelWorkersAvailable(): boolean {
  return workerThreads() !== undefined && typeof SharedArrayBuffer === 'function';
}

/**
 * Worker threads that replay recorded kernel calls on one shared WebAssembly memory: `load` gives each worker its
 * calls, `start` wakes them all, `finish` waits for them and rethrows a failure. Generations are counted in a
 * control word per worker (Atomics.wait and notify), so a step costs no message passing.
 */
export class KernelWorkers {
  readonly #handles: WorkerHandle[];
  readonly #memory: object;
  readonly #module: object;
  readonly #names: readonly string[];
  readonly #spinMs: number;
  #generation = 0;
  /** Waits in {@link finish} that ran out their second without the worker's answer (slow or lost wake-ups). */
  stalls = 0;

  private constructor(
    memory: object,
    module: object,
    count: number,
    names: readonly string[],
    spinMs: number,
  ) {
    this.#memory = memory;
    this.#module = module;
    this.#names = names;
    this.#spinMs = spinMs;
    this.#handles = Array.from({ length: count }, () => this.#spawn(1024));
  }

  /**
   * `count` workers on `memory` running `module`, or null without threads. A call's kernel is its index in `names`
   * (the module's exports; by default the sequence kernels', as {@link KernelRecorder} numbers them). With
   * `spinMs`, a worker that finished spins that long for its next call before sleeping, and {@link finish} spins
   * as long before it sleeps: for callers that start the workers many times a millisecond apart, where waking a
   * sleeping thread (tens of microseconds) would cost more than the work.
   */
  static create(
    memory: object,
    module: object,
    count: number,
    names: readonly string[] = SEQUENCE_KERNEL_NAMES,
    spinMs = 0,
  ): KernelWorkers | null {
    if (!kernelWorkersAvailable() || count <= 0) return null;
    return new KernelWorkers(memory, module, count, names, spinMs);
  }

  get size(): number {
    return this.#handles.length;
  }

  /** Gives worker w the calls to replay from now on, with room for `results` return values. */
  load(w: number, calls: Float64Array, results: number): void {
    let handle = this.#handles[w]!;
    const bytes = 16 + 8 * (results + calls.length);
    if (bytes > handle.control.byteLength) {
      void handle.worker.terminate();
      handle = this.#spawn(2 * bytes);
      this.#handles[w] = handle;
    }
    handle.state[2] = calls.length;
    handle.state[3] = results;
    new Float64Array(handle.control, 16 + 8 * results, calls.length).set(calls);
  }

  /** Wakes every worker to replay its calls once. */
  start(): void {
    this.#generation++;
    for (const { state } of this.#handles) {
      Atomics.store(state, 0, this.#generation);
      Atomics.notify(state, 0);
    }
  }

  /** Waits for every worker's replay; throws if a worker's kernel call failed. */
  finish(): void {
    for (const { state } of this.#handles) {
      // Wait on the very value that was compared: rereading it could see the worker's final store, and a wait on
      // that value would never be woken (its notify has already happened).
      let done = Atomics.load(state, 1);
      const spinUntil = performance.now() + this.#spinMs;
      while (Math.abs(done) !== this.#generation && performance.now() < spinUntil)
        done = Atomics.load(state, 1);
      const deadline = Date.now() + FINISH_TIMEOUT_MS;
      while (Math.abs(done) !== this.#generation) {
        // Bounded waits: a worker that died or a lost wake-up becomes an error instead of a hung process.
        if (Date.now() > deadline) {
          throw new Error(
            `a worker thread did not finish its share of the kernels within ${FINISH_TIMEOUT_MS / 1000} s`,
          );
        }
        if (Atomics.wait(state, 1, done, 1000) === 'timed-out') this.stalls++;
        done = Atomics.load(state, 1);
      }
      if (done < 0) throw new Error('a worker thread failed running its kernels');
    }
  }

  /** Return value `call` of worker w's last replay. */
  result(w: number, call: number): number {
    return new Float64Array(this.#handles[w]!.control, 16, call + 1)[call]!;
  }

  /** Stops the workers. */
  dispose(): void {
    for (const { state, worker } of this.#handles) {
      Atomics.store(state, 0, -1);
      Atomics.notify(state, 0);
      void worker.terminate();
    }
    this.#handles.length = 0;
  }

  #spawn(bytes: number): WorkerHandle {
    const { Worker } = workerThreads()!;
    const control = new SharedArrayBuffer(Math.ceil(bytes / 8) * 8);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        memory: this.#memory,
        module: this.#module,
        control,
        names: this.#names,
        spinMs: this.#spinMs,
      },
    });
    // The workers must not keep the process alive after training; dispose() stops them too.
    worker.unref();
    return { worker, control, state: new Int32Array(control, 0, 4) };
  }
}
