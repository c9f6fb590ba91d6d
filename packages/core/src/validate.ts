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

/**
 * Refuses any option of `options` that is not in `allowed`, so that a misspelt option (`compresionRatio`) is an
 * error instead of a silently ignored default: a ConfigError naming the option (as `${where}.${key}` when `where`
 * is given), the options allowed there and the closest of them.
 */
export function requireKnownOptions(
  where: string,
  options: object | undefined,
  allowed: readonly string[],
): void {
  if (options === undefined || options === null) return;
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const closest = closestName(key, allowed);
    const hint = closest === undefined ? '' : ` (did you mean ${closest}?)`;
    throw new ConfigError(
      where === '' ? key : `${where}.${key}`,
      `a known option${hint}: one of ${allowed.join(', ')}`,
      key,
    );
  }
}

/** The name of `names` nearest to `name` by edit distance, when it is near enough to be a likely typo. */
function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
