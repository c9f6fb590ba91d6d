import { ConfigError, INT32_MAX, INT32_MIN } from '@bloom/core';
import { InvalidArgumentError } from 'commander';

/**
 * Option parsers for commander. Each rejects bad input with a message that names the allowed values;
 * commander prefixes it with the option's name.
 */

const INTEGER = /^-?\d+$/;

/** Parses an integer in [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!INTEGER.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}.`,
      );
    }
    return n;
  };
}

/** Parses a comma-separated list of integers in [min, max]; `what` names the items in messages. */
export function integerList(min: number, max: number, what: string): (value: string) => number[] {
  return (value) => {
    const items = value.split(',');
    return items.map((item, position) => {
      const n = Number(item);
      if (!INTEGER.test(item.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        throw new InvalidArgumentError(
          `expected comma-separated ${what} in [${min}, ${max}], got ${JSON.stringify(item)} at position ${position}.`,
        );
      }
      return n;
    });
  };
}

/** Ids: comma-separated int32 values. */
export const parseIds = integerList(INT32_MIN, INT32_MAX, 'integer ids');

/** Seeds: `spotlight` (the default list) or comma-separated integers in [-2^31, 2^32 - 1]. */
export function parseSeeds(value: string): number[] | 'spotlight' {
  if (value === 'spotlight') return 'spotlight';
  try {
    return integerList(INT32_MIN, 2 ** 32 - 1, 'integer seeds')(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `expected "spotlight" or ${(error as Error).message.replace(/^expected /, '')}`,
    );
  }
}

/**
 * Checks a hasher name against the registry at run time (after plugins have registered theirs).
 * @throws ConfigError naming the option and the registered names.
 */
export function requireRegistered(option: string, name: string, registered: readonly string[]): string {
  if (!registered.includes(name)) throw new ConfigError(option, `one of ${registered.join(', ')}`, name);
  return name;
}

/**
 * Parses a finite number > 0; `allowed` describes it in the message (e.g. `seconds > 0`). These throw
 * ConfigError, so the message names the option as the user spelt it.
 */
export function positiveNumber(option: string, allowed = 'a finite number > 0'): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new ConfigError(option, allowed, value);
    return n;
  };
}

/** Parses a finite number >= 0. */
export function nonNegativeNumber(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n >= 0) || !Number.isFinite(n)) throw new ConfigError(option, 'a finite number >= 0', value);
    return n;
  };
}

/** Parses a number in [0, 1]. */
export function fractionIn(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n >= 0 && n <= 1)) throw new ConfigError(option, 'a number in [0, 1]', value);
    return n;
  };
}

/** A field separator: one character, or `tab` / `\t` for a tab (a shell passes `\t` as two characters). */
export function parseSeparator(value: string): string {
  if (value === 'tab' || value === '\\t') return '\t';
  if (value.length !== 1) {
    throw new InvalidArgumentError(`expected one character (or tab), got ${JSON.stringify(value)}.`);
  }
  return value;
}
