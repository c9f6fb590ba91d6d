import { describe, expect, it } from 'vitest';
import { AlreadyRegisteredError, BloomError, NotRegisteredError } from './errors.js';
import { hashers } from './registries.js';
import { createRegistry } from './registry.js';

interface Thing {
  readonly name: string;
  readonly value: number;
}

describe('Registry', () => {
  it('registers, gets, lists, checks and unregisters entries', () => {
    const registry = createRegistry<Thing>('thing');
    registry.register({ name: 'b', value: 2 });
    registry.register({ name: 'a', value: 1 });
    expect(registry.get('a').value).toBe(1);
    expect(registry.has('b')).toBe(true);
    expect(registry.list()).toEqual(['a', 'b']);
    expect(registry.entries().map((e) => e.value)).toEqual([1, 2]);
    expect(registry.unregister('a')).toBe(true);
    expect(registry.unregister('a')).toBe(false);
    expect(registry.has('a')).toBe(false);
  });

  it('refuses a taken name unless replacement is explicit', () => {
    const registry = createRegistry<Thing>('thing');
    registry.register({ name: 'a', value: 1 });
    expect(() => registry.register({ name: 'a', value: 2 })).toThrow(AlreadyRegisteredError);
    expect(() => registry.register({ name: 'a', value: 2 })).toThrow(
      "Thing 'a' is already registered; pass { replace: true } to replace it",
    );
    registry.register({ name: 'a', value: 3 }, { replace: true });
    expect(registry.get('a').value).toBe(3);
  });

  it('names what is registered, and the fix, when a name is missing', () => {
    const registry = createRegistry<Thing>('thing', (name) => `install '@x/${name}'`);
    registry.register({ name: 'a', value: 1 });
    let error: unknown;
    try {
      registry.get('zz');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotRegisteredError);
    expect(error).toBeInstanceOf(BloomError);
    expect((error as BloomError).code).toBe('BLOOM_NOT_REGISTERED');
    expect((error as Error).message).toBe("Thing 'zz' is not registered (have: a); install '@x/zz'");
  });

  it('rejects entries without a name', () => {
    const registry = createRegistry<Thing>('thing');
    expect(() => registry.register({ name: '', value: 1 })).toThrow(TypeError);
  });

  it('keeps isolated instances apart from the process-wide ones', () => {
    const isolated = createRegistry<Thing>('hasher');
    isolated.register({ name: 'only-here', value: 1 });
    expect(hashers.has('only-here')).toBe(false);
    expect(() => hashers.get('only-here')).toThrow(/import '@bloom\/hashers'/);
  });
});
