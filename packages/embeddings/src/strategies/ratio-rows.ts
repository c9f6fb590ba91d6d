import { ConfigError, INT32_MAX } from '@bloom/core';

/**
 * The rows floor(ratio * N) that a `compressionRatio` gives, validated: a finite ratio > 0, and between `least`
 * and 2^31 - 1 rows (`why` says what the least is for, in the message).
 * @throws ConfigError naming `compressionRatio`.
 */
export function rowsOfRatio(ratio: unknown, numEmbeddings: number, least: number, why: string): number {
  const rows = Math.floor(requireRatio(ratio) * numEmbeddings);
  if (rows < least || rows > INT32_MAX) {
    throw new ConfigError(
      'compressionRatio',
      `a ratio giving between ${least} and ${INT32_MAX} rows for ${numEmbeddings} ids (${why})`,
      ratio,
    );
  }
  return rows;
}

/**
 * A `compressionRatio` validated: a finite number > 0.
 * @throws ConfigError naming `compressionRatio`.
 */
export function requireRatio(ratio: unknown): number {
  if (typeof ratio !== 'number' || !(ratio > 0) || !Number.isFinite(ratio)) {
    throw new ConfigError('compressionRatio', 'a finite number > 0', ratio);
  }
  return ratio;
}
