import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { requireKnownOptions } from './validate.js';

describe('requireKnownOptions', () => {
  const allowed = ['numEmbeddings', 'dim', 'compressionRatio', 'numHashes'];

  it('accepts known options, absent ones and no options at all', () => {
    expect(() => requireKnownOptions('bloom', { dim: 4, compressionRatio: 0.2 }, allowed)).not.toThrow();
    expect(() => requireKnownOptions('bloom', {}, allowed)).not.toThrow();
    expect(() => requireKnownOptions('bloom', undefined, allowed)).not.toThrow();
  });

  it('refuses a misspelt option, naming it, the allowed ones and the likely intended one', () => {
    const error = (() => {
      try {
        requireKnownOptions('bloom', { compresionRatio: 0.2 }, allowed);
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.option).toBe('bloom.compresionRatio');
    expect(error.message).toBe(
      'Invalid bloom.compresionRatio: expected a known option (did you mean compressionRatio?): one of numEmbeddings, dim, compressionRatio, numHashes, got "compresionRatio"',
    );
  });

  it('offers no guess for a name far from every option, and names a top-level option without a prefix', () => {
    expect(() => requireKnownOptions('', { tables: 3 }, allowed)).toThrow(
      /^Invalid tables: expected a known option: one of numEmbeddings/,
    );
  });
});
