import { ConfigError } from './errors.js';

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * The part of numpy's legacy `np.random.RandomState(seed)` that Spotlight's splits use, reproduced draw for
 * draw: MT19937 seeded by `init_genrand`, `rand`, `shuffle`/`permutation` and the masked-rejection `randint`.
 * With the same seed, `randomTrainTestSplit` and `userBasedTrainTestSplit` give exactly Spotlight's split.
 * For Bloom's own sampling prefer {@link Rng}, which is faster; this class exists for parity.
 *
 * @example
 * new NumpyRandomState(42).permutation(10); // Int32Array [8, 1, 5, 0, 7, 2, 9, 4, 3, 6], as numpy
 */
export class NumpyRandomState {
  readonly #mt = new Uint32Array(N);
  #index = N;

  /** @param seed - An integer in [0, 2^32 - 1], as numpy requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ConfigError('seed', 'an integer in [0, 4294967295]', seed);
    }
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next raw 32-bit output of MT19937 (numpy's `next_uint32`). */
  nextUint32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, as numpy's `random_sample` / `rand`. */
  rand(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer in [0, max] by numpy's masked rejection (`random_interval`), for max < 2^32. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /**
   * `randint(low, high)` for a range of at most 2^32 values: numpy's legacy masked path, which
   * for such ranges draws one 32-bit word per attempt whatever the dtype.
   */
  randint(low: number, high: number): number {
    const range = high - low - 1;
    if (!Number.isInteger(low) || !Number.isInteger(high) || range < 0 || range > 0xffffffff) {
      throw new ConfigError('randint range', 'integers with 0 < high - low <= 2^32', [low, high]);
    }
    if (range === 0xffffffff) return low + this.nextUint32();
    return low + this.randomInterval(range);
  }

  /** Shuffles `array` in place exactly as numpy's legacy `shuffle` (Fisher-Yates from the end). */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const t = array[i]!;
      array[i] = array[j]!;
      array[j] = t;
    }
    return array;
  }

  /** `permutation(n)`: a shuffled `[0, n)`. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  #twist(): void {
    const mt = this.#mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & UPPER) | (mt[(i + 1) % N]! & LOWER);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.#index = 0;
  }
}
