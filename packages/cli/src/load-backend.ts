import { type BackendAdapter, backends, ConfigError } from '@bloom/core';

// Backends shipped as Bloom packages, imported on demand so a run loads only the one it uses.
const packages: Record<string, string> = { cpu: '@bloom/backend-cpu', wasm: '@bloom/backend-wasm' };

/**
 * Creates the named backend's adapter, importing its package first when it is a known one not yet registered.
 * @throws ConfigError listing the registered backends; BackendUnavailableError with the reason it cannot run.
 */
export async function loadBackend(name: string): Promise<BackendAdapter> {
  if (!backends.has(name) && packages[name] !== undefined) await import(packages[name]);
  if (!backends.has(name)) {
    const known = [...new Set([...backends.list(), ...Object.keys(packages)])].sort();
    throw new ConfigError(
      '--backend',
      `one of ${known.join(', ')} (or a backend a --plugin registers)`,
      name,
    );
  }
  return backends.get(name).create();
}
