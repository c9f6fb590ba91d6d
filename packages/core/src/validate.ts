import { ConfigError } from './errors.js';

/** Largest int32. */
export const INT32_MAX = 2 ** 31 - 1;
/** Smallest int32. */
export const INT32_MIN = -(2 ** 31);

/**
 * Returns `value` when it is an integer in [min, max]; otherwise throws a ConfigError naming `option`
 * and the allowed range.
 */
export function requireInteger(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(option, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** Returns `value` when it is one of `allowed`; otherwise throws a ConfigError listing them. */
export function requireOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError(option, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}
