import { BackendUnavailableError } from '@bloom/core';
import { expect, it, vi } from 'vitest';

// A known backend whose package is absent (here: present but registering nothing, as a missing one would leave
// the registry): the error names the package to install.
vi.mock('@bloom/backend-cuda', () => ({}));

it('names the package to install when a known backend is not installed', async () => {
  const { backendAvailability, loadBackend } = await import('./load-backend.js');
  await expect(loadBackend('cuda')).rejects.toThrow(BackendUnavailableError);
  await expect(loadBackend('cuda')).rejects.toThrow(
    /Backend 'cuda' is unavailable: its package @bloom\/backend-cuda is not installed/,
  );
  expect(await backendAvailability('cuda')).toEqual({
    available: false,
    reason: 'its package @bloom/backend-cuda is not installed',
  });
});
