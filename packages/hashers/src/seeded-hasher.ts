import { requireInteger } from '@bloom/core';
import { utf8View } from './utf8.js';

/**
 * What every built-in hasher shares: seed validation and the string entry points, which hash a string's
 * UTF-8 bytes through the hasher's byte function.
 */
export abstract class SeededHasher {
  /** The seed, normalised to an unsigned 32-bit value. */
  readonly seed: number;

  /** @param seed - An integer in [-2^31, 2^32 - 1]; negative seeds are taken modulo 2^32, as scikit-learn does. */
  constructor(seed: number) {
    this.seed = requireInteger('seed', seed, -(2 ** 31), 2 ** 32 - 1) >>> 0;
  }

  abstract hashBytes(bytes: Uint8Array): number;
  abstract bucketBytes(bytes: Uint8Array, buckets: number): number;

  hashString(key: string): number {
    return this.hashBytes(utf8View(key));
  }

  bucketString(key: string, buckets: number): number {
    return this.bucketBytes(utf8View(key), buckets);
  }
}
