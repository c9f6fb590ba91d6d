import { describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  BloomError,
  ConfigError,
  DataError,
  IdRangeError,
  NotImplementedError,
} from './errors.js';
import { requireInteger, requireOneOf } from './validate.js';

describe('errors', () => {
  it('carry stable codes and name the problem', () => {
    const cases: [BloomError, string, string][] = [
      [
        new ConfigError('buckets', 'an integer >= 1', 0),
        'BLOOM_CONFIG',
        'Invalid buckets: expected an integer >= 1, got 0',
      ],
      [
        new DataError('expected 4 columns, got 3', 'u.data', 17),
        'BLOOM_DATA',
        'u.data:17: expected 4 columns, got 3',
      ],
      [new DataError('empty file', 'u.data'), 'BLOOM_DATA', 'u.data: empty file'],
      [
        new IdRangeError(-3, 5, 'an integer in [0, 100)'),
        'BLOOM_ID_RANGE',
        'Id -3 at position 5 is out of range: expected an integer in [0, 100)',
      ],
      [
        new BackendUnavailableError('webgpu', 'no adapter'),
        'BLOOM_BACKEND_UNAVAILABLE',
        "Backend 'webgpu' is unavailable: no adapter",
      ],
      [
        new NotImplementedError('lookup', 'wasm'),
        'BLOOM_NOT_IMPLEMENTED',
        "'lookup' is not implemented by 'wasm'",
      ],
    ];
    for (const [error, code, message] of cases) {
      expect(error).toBeInstanceOf(BloomError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('validators return good values and reject bad ones by name', () => {
    expect(requireInteger('k', 3, 1, 24)).toBe(3);
    expect(() => requireInteger('k', 25, 1, 24)).toThrow('Invalid k: expected an integer in [1, 24], got 25');
    expect(() => requireInteger('k', '3', 1, 24)).toThrow('got "3"');
    expect(requireOneOf('combine', 'sum', ['sum', 'mean'])).toBe('sum');
    expect(() => requireOneOf('combine', 'max', ['sum', 'mean'])).toThrow(
      'Invalid combine: expected one of sum, mean, got "max"',
    );
  });
});
