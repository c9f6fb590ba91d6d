import { type HasherDefinition, hashers, type Registry } from '@bloom/core';
import { multiplicative } from './multiplicative.js';
import { murmur3 } from './murmur3.js';
import { xxhash32 } from './xxhash32.js';
import { xxhash64 } from './xxhash64.js';

/** The built-in hashers, in the order they are listed. */
export const builtinHashers: readonly HasherDefinition[] = [multiplicative, murmur3, xxhash32, xxhash64];

/**
 * Registers the built-in hashers that are not registered yet, so that it is safe to call twice and never
 * replaces a hasher a user registered under the same name.
 */
export function registerBuiltinHashers(registry: Registry<HasherDefinition> = hashers): void {
  for (const definition of builtinHashers) {
    if (!registry.has(definition.name)) registry.register(definition);
  }
}
