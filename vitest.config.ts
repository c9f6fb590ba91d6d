import { defineConfig } from 'vitest/config';

// One run covers every package; workspace packages resolve to their TypeScript source
// through the "@bloom/source" export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ['@bloom/source'] },
  ssr: { resolve: { conditions: ['@bloom/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
