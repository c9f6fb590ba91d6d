import { align16, alignLine, KernelMemory, MAX_KERNEL_MEMORY_BYTES } from './kernel-memory.js';

// Room kept past the regions for a step's scratch, so that a table admitted to an arena can always be used.
const SCRATCH_HEADROOM = 256 * 2 ** 20;

/**
 * A kernel memory shared by several tables and a fused step's buffers: fixed regions, allocated once each and
 * never moved (a table's rows with room for its optimizer state, a step's buffers), then scratch past the last
 * of them that any call may reuse. One memory lets one kernel call read a batch's user rows, item rows and the
 * step's buffers in place; regions are not freed before the whole arena is.
 */
export class KernelArena {
  #end = 0;

  private constructor(readonly memory: KernelMemory) {}

  /** An empty arena, or null where the row kernels are unavailable. */
  static create(): KernelArena | null {
    const memory = KernelMemory.create(0);
    return memory === null ? null : new KernelArena(memory);
  }

  /**
   * A fixed region of `bytes` (on a 64-byte cache line, zeroed while fresh), or null when the arena cannot hold it with
   * room for scratch left under WebAssembly's 4 GiB. May grow the memory, which detaches every view on it.
   */
  allocate(bytes: number): number | null {
    // On a cache line of its own, so that threads writing different regions never share a line.
    const at = alignLine(this.#end);
    const end = at + align16(bytes);
    if (!(end + SCRATCH_HEADROOM <= MAX_KERNEL_MEMORY_BYTES)) return null;
    this.memory.reserve(end);
    this.#end = end;
    return at;
  }

  /**
   * `bytes` of scratch past the regions (growing the memory if needed, which detaches every view on it). Its
   * contents last until the next call that takes scratch from this arena.
   */
  scratch(bytes: number): number {
    this.memory.reserve(this.#end + bytes);
    return this.#end;
  }

  /** Bytes of the memory past the fixed regions. */
  get scratchBytes(): number {
    return this.memory.byteLength - this.#end;
  }
}
