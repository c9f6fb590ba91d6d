import {
  type Availability,
  type BackendAdapter,
  BackendUnavailableError,
  backends,
  ConfigError,
} from '@bloom/core';

// Backends shipped as Bloom packages, imported on demand so a run loads only the one it uses.
const packages: Record<string, string> = {
  cpu: '@bloom/backend-cpu',
  wasm: '@bloom/backend-wasm',
  webgpu: '@bloom/backend-webgpu',
  cuda: '@bloom/backend-cuda',
  tensorflow: '@bloom/backend-tensorflow',
};

/** Every backend this CLI knows of: those shipped as Bloom packages and any a plugin registered. */
export function knownBackends(): string[] {
  return [...new Set([...Object.keys(packages), ...backends.list()])].sort();
}

/** Imports the package of a known backend not yet registered; false when that package is not installed. */
async function ensureRegistered(name: string): Promise<boolean> {
  if (backends.has(name)) return true;
  const specifier = packages[name];
  if (specifier === undefined) return false;
  try {
    await import(specifier);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
  return backends.has(name);
}

function unknownBackend(name: string): ConfigError {
  return new ConfigError(
    '--backend',
    `one of ${knownBackends().join(', ')} (or a backend a --plugin registers)`,
    name,
  );
}

/**
 * Creates the named backend's adapter, importing its package first when it is a known one not yet registered.
 * @throws ConfigError listing the backends; BackendUnavailableError with the reason it cannot run.
 */
export async function loadBackend(name: string): Promise<BackendAdapter> {
  if (!(await ensureRegistered(name))) {
    if (packages[name] !== undefined) {
      throw new BackendUnavailableError(name, `its package ${packages[name]} is not installed`);
    }
    throw unknownBackend(name);
  }
  return backends.get(name).create();
}

/** Whether the named backend can run here, and why not (its package missing, or its own probe's reason). */
export async function backendAvailability(name: string): Promise<Availability> {
  if (!(await ensureRegistered(name))) {
    return {
      available: false,
      reason:
        packages[name] === undefined
          ? `no backend named '${name}' is registered (a --plugin may provide it)`
          : `its package ${packages[name]} is not installed`,
    };
  }
  return backends.get(name).availability();
}
