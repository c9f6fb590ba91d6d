import { hashers } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import { runMicroBenchmarks } from './micro.js';

describe('micro-benchmarks', () => {
  it('time every registered hasher and both table kernels, with positive medians', async () => {
    const results = await runMicroBenchmarks(() => {});
    const names = results.map((r) => r.benchmark);
    for (const hasher of hashers.list()) expect(names).toContain(`hash ${hasher}`);
    expect(names).toContain('bloom k 4, m 2e5: backward + lazy Adam');
    expect(results.filter((r) => r.group.startsWith('table kernels'))).toHaveLength(4);
    for (const r of results) expect(r.medianMicroseconds).toBeGreaterThan(0);
  }, 120_000);
});
