import { describe, expect, it } from 'vitest';
import { KernelArena } from './kernel-arena.js';
import { MAX_KERNEL_MEMORY_BYTES, rowKernelsAvailable } from './kernel-memory.js';

describe.skipIf(!rowKernelsAvailable())('KernelArena', () => {
  it('hands out aligned, disjoint regions, and scratch past the last of them', () => {
    const arena = KernelArena.create()!;
    const a = arena.allocate(10)!;
    const b = arena.allocate(100_000)!;
    expect([a % 64, b % 64]).toEqual([0, 0]);
    expect(b).toBeGreaterThanOrEqual(a + 10);
    expect(arena.memory.byteLength).toBeGreaterThanOrEqual(b + 100_000);
    const scratch = arena.scratch(1 << 20);
    expect(scratch).toBeGreaterThanOrEqual(b + 100_000);
    expect(arena.memory.byteLength).toBeGreaterThanOrEqual(scratch + (1 << 20));
    // A region allocated after scratch was taken moves the scratch past it.
    const c = arena.allocate(64)!;
    expect(c).toBeGreaterThanOrEqual(b + 100_000);
    expect(arena.scratch(16)).toBeGreaterThanOrEqual(c + 64);
  });

  it('refuses a region that would leave no room for scratch under 4 GiB, and stays usable', () => {
    const arena = KernelArena.create()!;
    expect(arena.allocate(MAX_KERNEL_MEMORY_BYTES)).toBeNull();
    expect(arena.allocate(Number.NaN)).toBeNull();
    expect(arena.allocate(32)).toBe(0);
  });
});
