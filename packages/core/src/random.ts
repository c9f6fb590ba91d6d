import { requireInteger } from './validate.js';

/**
 * splitmix32: expands a seed into well-mixed state words (the finaliser is MurmurHash3's fmix32).
 * @internal
 */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

/**
 * A seeded, fast pseudo-random generator (xoshiro128**, state seeded by splitmix32).
 * Used wherever Bloom needs randomness (splits, negative sampling, initialisation) so that a run is
 * reproducible from its seed. Not cryptographic.
 *
 * @example
 * const rng = new Rng(42);
 * rng.nextInt(10);             // an integer in [0, 10)
 * rng.fillNormal(weights, 0, 1 / 32);
 */
export class Rng {
  // Signed words: reads stay small integers for V8, where unsigned words above 2^31 would be boxed doubles.
  readonly #s = new Int32Array(4);
  #spare = Number.NaN;

  /** @param seed - Any safe integer; equal seeds give equal streams. */
  constructor(seed: number) {
    requireInteger('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const st = { x: (low ^ Math.imul(high, 0x9e3779b1)) | 0 };
    for (let i = 0; i < 4; i++) this.#s[i] = splitmix32(st);
    if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1;
  }

  /**
   * The seed of the random stream `name` of a run seeded with `seed`. Each consumer of randomness (a table's
   * initial weights, the shuffle, negative sampling) draws from a stream of its own, so that a backend's fused
   * trainer can draw exactly the host loop's negatives, and adding a consumer never shifts another's draws.
   * @example new Rng(Rng.streamSeed(config.seed, 'negatives'))
   */
  static streamSeed(seed: number, name: string): number {
    requireInteger('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    // FNV-1a of the name, mixed with both halves of the seed through splitmix32.
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const st = { x: (h ^ (seed >>> 0) ^ Math.imul(high, 0x9e3779b1)) | 0 };
    return splitmix32(st) * TWO_POW_21 + (splitmix32(st) >>> 11);
  }

  /** A generator for the stream `name` of `seed` (see {@link Rng.streamSeed}). */
  static stream(seed: number, name: string): Rng {
    return new Rng(Rng.streamSeed(seed, name));
  }

  /** The next 32 random bits, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.#s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /**
   * An unbiased integer in [0, n) (Lemire's multiply-and-reject method).
   * @param n - An integer in [1, 2^32].
   */
  nextInt(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) requireInteger('n', n, 1, TWO_POW_32);
    // Lemire: the high 32 bits of x * n, rejecting the few x whose low bits fall below (2^32 - n) mod n.
    if (n <= TWO_POW_21) {
      // x * n < 2^53 is exact in a double: the same arithmetic without splitting n (shuffles and negative
      // sampling draw millions of these).
      for (;;) {
        const x = this.nextUint32();
        const low32 = Math.imul(x, n) >>> 0;
        if (low32 >= n || low32 >= (TWO_POW_32 - n) % n) return (x * n - low32) / TWO_POW_32;
      }
    }
    // x * n needs up to 64 bits, so n is split into 16-bit halves to keep every product exact in doubles.
    const nHigh = Math.floor(n / 65536);
    const nLow = n % 65536;
    let threshold = -1;
    for (;;) {
      const x = this.nextUint32();
      const a = x * nHigh;
      const aLow = a % 65536;
      const sum = aLow * 65536 + x * nLow;
      const low32 = sum % TWO_POW_32;
      const high32 = (a - aLow) / 65536 + Math.floor(sum / TWO_POW_32);
      if (low32 >= n) return high32;
      if (threshold < 0) threshold = (TWO_POW_32 - n) % n;
      if (low32 >= threshold) return high32;
    }
  }

  /**
   * Fills `out[start..end)` with unbiased integers in [0, n): exactly the values that as many {@link nextInt}
   * calls would return, in order, drawn with the generator's state in locals (negative sampling draws millions).
   * @param n - An integer in [1, 2^32].
   */
  fillInt(out: Int32Array | Uint32Array, n: number, start = 0, end = out.length): void {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_21)) {
      for (let i = start; i < end; i++) out[i] = this.nextInt(n);
      return;
    }
    const state = this.#s;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    const threshold = (TWO_POW_32 - n) % n;
    for (let i = start; i < end; ) {
      // nextUint32, inlined.
      const m = Math.imul(s1, 5);
      const x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 ^= n2;
      s0 ^= n3;
      s2 = n2 ^ t;
      s3 = (n3 << 11) | (n3 >>> 21);
      // nextInt's exact path for n <= 2^21 (see there).
      const low32 = Math.imul(x, n) >>> 0;
      if (low32 >= n || low32 >= threshold) out[i++] = (x * n - low32) / TWO_POW_32;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }

  /** A normal deviate (Marsaglia's polar method). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    return mean + std * u * f;
  }

  /** Fills `out` with uniform floats in [low, high). */
  fillUniform<A extends Float32Array | Float64Array>(out: A, low = 0, high = 1): A {
    const width = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + width * this.next();
    return out;
  }

  /**
   * Fills `out` with normal deviates: exactly the values that as many {@link normal} calls would return, in order
   * (a pending spare first, and a spare left pending when the last pair is split), drawn with the generator's state
   * in locals. Tables initialise from this: a 5e6 x 32 table draws 160 million.
   */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    const end = out.length;
    let i = 0;
    if (i < end && !Number.isNaN(this.#spare)) {
      out[i++] = mean + std * this.#spare;
      this.#spare = Number.NaN;
    }
    const state = this.#s;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    // Four 32-bit words per attempt (two next() calls, each two nextUint32 steps), written out in full: closures
    // over the state would keep it out of registers.
    const words = new Uint32Array(4);
    while (i < end) {
      // normal()'s polar method, with its arithmetic in the same order.
      let u: number;
      let v: number;
      let s: number;
      do {
        for (let w = 0; w < 4; w++) {
          const m = Math.imul(s1, 5);
          words[w] = Math.imul((m << 7) | (m >>> 25), 9);
          const t = s1 << 9;
          const n2 = s2 ^ s0;
          const n3 = s3 ^ s1;
          s1 ^= n2;
          s0 ^= n3;
          s2 = n2 ^ t;
          s3 = (n3 << 11) | (n3 >>> 21);
        }
        u = 2 * (((words[0]! >>> 5) * 67108864 + (words[1]! >>> 6)) / TWO_POW_53) - 1;
        v = 2 * (((words[2]! >>> 5) * 67108864 + (words[3]! >>> 6)) / TWO_POW_53) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = mean + std * u * f;
      const spare = v * f;
      if (i < end) out[i++] = mean + std * spare;
      else this.#spare = spare;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return out;
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A new generator seeded from this one's stream, for an independent sub-stream (e.g. one per worker). */
  fork(): Rng {
    return new Rng(this.nextUint32() * 2097152 + (this.nextUint32() >>> 11));
  }

  /** The generator's state, for checkpoints. */
  getState(): RngState {
    return { words: Array.from(this.#s, (w) => w >>> 0), spare: this.#spare };
  }

  /** Restores a state saved by {@link Rng.getState}. */
  setState(state: RngState): void {
    if (state.words.length !== 4 || state.words.every((w) => w === 0)) {
      throw new RangeError('Rng state must be 4 uint32 words, not all zero');
    }
    for (let i = 0; i < 4; i++) this.#s[i] = state.words[i]! | 0;
    this.#spare = state.spare ?? Number.NaN;
  }
}

/** Serializable state of an {@link Rng}. */
export interface RngState {
  readonly words: readonly number[];
  readonly spare?: number;
}
