import { BackendUnavailableError, backends } from '@bloom/core';
import { describe, expect, it } from 'vitest';
import './index.js';

// On machines without the bindings (this one and CI: their install script needs storage.googleapis.com).
describe('tensorflow backend without bindings', () => {
  it('is registered, reports why it is unavailable, and refuses to start with the same reason', async () => {
    const definition = backends.get('tensorflow');
    const availability = await definition.availability();
    expect(availability.available).toBe(false);
    const reason = (availability as { reason: string }).reason;
    expect(reason).toMatch(
      /@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed/,
    );
    expect(reason).toMatch(/install @tensorflow\/tfjs-node/);
    await expect(definition.create()).rejects.toThrow(BackendUnavailableError);
    await expect(definition.create()).rejects.toThrow(/Backend 'tensorflow' is unavailable: .*not installed/);
  });
});
