import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bloom } from '../test-support.js';

// The examples of docs/extending.md, run as users run them: loaded with --plugin, then used by name.
const example = (name: string) =>
  fileURLToPath(new URL(`../../../../docs/examples/${name}`, import.meta.url));

describe('docs/examples plugins', () => {
  it('a custom strategy trains through bloom train by its registered name', async () => {
    const { code, json } = await bloom(
      '--plugin',
      example('hashing-trick-strategy.mjs'),
      'train',
      '--embedding',
      'hashing-trick',
      '--compression',
      '0.3',
      '--dataset',
      'synthetic',
      '--epochs',
      '2',
      '--backend',
      'cpu',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ table_rows: 30, epochs: 2 }); // 0.3 x 100 synthetic items
  });

  it('a custom backend is found by name, and its tables do the work', async () => {
    const plugin = example('counting-backend.mjs');
    const { code, json } = await bloom(
      '--plugin',
      plugin,
      'train',
      '--backend',
      'counting',
      '--dataset',
      'synthetic',
      '--epochs',
      '1',
      '--batch-size',
      '1000',
      '--no-eval',
      '--json',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ backend: 'counting', device: 'CPU (counting)' });
    const { counts } = await import(plugin);
    // One fused step per batch looks up and updates the user, item and both bias tables.
    expect(counts.updates).toBeGreaterThan(0);
    expect(counts.lookups).toBeGreaterThanOrEqual(counts.updates);
  });
});
