import { DataError, INT32_MAX } from '@bloom/core';
import { excerpt, parseDecimal, parseUnsignedInt } from './numbers.js';
import type { RatingsFormat } from './ratings-format.js';

const NEWLINE = 10;
const CR = 13;
const OTHER_SEPARATORS = ['\t', '::', ',', ';', '|', ' '];

/** Parsed columns with the file's own (raw) ids. */
export interface RawRatings {
  readonly userIds: Int32Array;
  readonly itemIds: Int32Array;
  readonly ratings: Float32Array | undefined;
  readonly timestamps: Float64Array | undefined;
}

/**
 * Streaming parser of delimited ratings files: feed it byte chunks of any size with {@link push}, then call
 * {@link end}. It works on bytes (no per-line strings or objects), grows typed-array columns geometrically and
 * reports the first problem as a DataError with the file and 1-based line.
 */
export class RatingsParser {
  readonly #format: RatingsFormat;
  readonly #file: string;
  readonly #sep0: number;
  readonly #sep1: number;
  readonly #sepLength: number;
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  readonly #userField: number;
  readonly #itemField: number;
  readonly #ratingField: number;
  readonly #timestampField: number;
  readonly #expectedBytes: number;
  #bytesSeen = 0;
  #reestimated = false;
  #pending: Uint8Array = new Uint8Array(0);
  #line = 0;
  #rows = 0;
  #userIds: Int32Array;
  #itemIds: Int32Array;
  #ratings: Float32Array | undefined;
  #timestamps: Float64Array | undefined;

  /**
   * @param format - The layout to expect.
   * @param file - Name used in error messages.
   * @param expectedBytes - Size of the whole input when known: after the first chunk the columns are sized
   *   from it and the bytes per line seen so far, so large files are neither regrown nor over-allocated.
   */
  constructor(format: RatingsFormat, file: string, expectedBytes = 0) {
    if (format.separator.length < 1 || format.separator.length > 2) {
      throw new RangeError(`separator must be 1 or 2 characters, got ${JSON.stringify(format.separator)}`);
    }
    this.#format = format;
    this.#file = file;
    this.#sep0 = format.separator.charCodeAt(0);
    this.#sep1 = format.separator.charCodeAt(1);
    this.#sepLength = format.separator.length;
    this.#starts = new Int32Array(format.fields);
    this.#ends = new Int32Array(format.fields);
    this.#userField = format.user;
    this.#itemField = format.item;
    this.#ratingField = format.rating ?? -1;
    this.#timestampField = format.timestamp ?? -1;
    this.#expectedBytes = expectedBytes;
    const capacity = 1024;
    this.#userIds = new Int32Array(capacity);
    this.#itemIds = new Int32Array(capacity);
    this.#ratings = format.rating === undefined ? undefined : new Float32Array(capacity);
    this.#timestamps = format.timestamp === undefined ? undefined : new Float64Array(capacity);
  }

  /** Parses every complete line of `chunk`; an incomplete last line waits for the next chunk. */
  push(chunk: Uint8Array): void {
    let from = 0;
    if (this.#pending.length > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.#pending = concat(this.#pending, chunk);
        return;
      }
      const line = concat(this.#pending, chunk.subarray(0, nl));
      this.#pending = new Uint8Array(0);
      this.#parseLine(line, 0, line.length);
      from = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl < 0) break;
      this.#parseLine(chunk, from, nl);
      from = nl + 1;
    }
    if (from < chunk.length) this.#pending = chunk.slice(from);
    this.#bytesSeen += chunk.length;
    if (!this.#reestimated && this.#rows >= 1000) this.#reestimate();
  }

  // Sizes the columns for the whole input from the bytes per line seen so far, plus 2% and a margin.
  #reestimate(): void {
    this.#reestimated = true;
    const bytesPerRow = (this.#bytesSeen - this.#pending.length) / this.#rows;
    const capacity = Math.ceil((this.#expectedBytes / bytesPerRow) * 1.02) + 1024;
    if (capacity > this.#userIds.length) this.#resizeTo(capacity);
  }

  /**
   * Parses the last line (which may lack a newline) and returns the columns, trimmed to the row count.
   * @throws DataError when the file held no ratings.
   */
  end(): RawRatings {
    if (this.#pending.length > 0) {
      const last = this.#pending;
      this.#pending = new Uint8Array(0);
      this.#parseLine(last, 0, last.length);
    }
    if (this.#rows === 0) {
      const what = this.#line === 0 ? 'is empty' : 'has no rating lines';
      throw new DataError(`${what}; expected ${this.#format.name}`, this.#file);
    }
    return {
      userIds: trim(this.#userIds, this.#rows),
      itemIds: trim(this.#itemIds, this.#rows),
      ratings: this.#ratings && trim(this.#ratings, this.#rows),
      timestamps: this.#timestamps && trim(this.#timestamps, this.#rows),
    };
  }

  #parseLine(buf: Uint8Array, start: number, end: number): void {
    this.#line++;
    if (end > start && buf[end - 1] === CR) end--;
    if (isBlank(buf, start, end)) return;
    if (this.#line === 1 && this.#format.header !== undefined) {
      this.#checkHeader(buf, start, end);
      return;
    }
    if (this.#rows === this.#userIds.length) this.#grow();
    // Find the field boundaries first, so a wrong separator is reported as such, not as a bad number.
    const starts = this.#starts;
    const ends = this.#ends;
    const sep0 = this.#sep0;
    const sep1 = this.#sep1;
    const twoByte = this.#sepLength === 2;
    let field = 0;
    starts[0] = start;
    for (let i = start; i < end; i++) {
      if (buf[i] !== sep0 || (twoByte && buf[i + 1] !== sep1)) continue;
      if (field < ends.length) ends[field] = i;
      field++;
      if (twoByte) i++;
      if (field < starts.length) starts[field] = i + 1;
    }
    if (field < ends.length) ends[field] = end;
    field++;
    if (field !== this.#format.fields) this.#fieldCountError(buf, start, end, field);
    const r = this.#rows;
    const u = this.#userField;
    const it = this.#itemField;
    this.#userIds[r] = this.#id(buf, starts[u]!, ends[u]!, 'user id');
    this.#itemIds[r] = this.#id(buf, starts[it]!, ends[it]!, 'item id');
    const rf = this.#ratingField;
    if (rf >= 0) this.#ratings![r] = this.#number(buf, starts[rf]!, ends[rf]!, 'rating');
    const tf = this.#timestampField;
    if (tf >= 0) this.#timestamps![r] = this.#number(buf, starts[tf]!, ends[tf]!, 'timestamp');
    this.#rows++;
  }

  #id(buf: Uint8Array, start: number, end: number, what: string): number {
    const v = parseUnsignedInt(buf, start, end);
    if (!(v <= INT32_MAX)) {
      this.#fail(`${what} '${excerpt(buf, start, end)}' is not an integer in [0, ${INT32_MAX}]`);
    }
    return v;
  }

  #number(buf: Uint8Array, start: number, end: number, what: string): number {
    const v = parseDecimal(buf, start, end);
    if (!Number.isFinite(v)) this.#fail(`${what} '${excerpt(buf, start, end)}' is not a finite number`);
    return v;
  }

  #checkHeader(buf: Uint8Array, start: number, end: number): void {
    const text = excerpt(buf, start, end, 200);
    const expected = this.#format.header!.join(this.#format.separator);
    if (text !== expected) this.#fail(`expected the header '${expected}', found '${text}'`);
  }

  #fieldCountError(buf: Uint8Array, start: number, end: number, found: number): never {
    const sep = JSON.stringify(this.#format.separator);
    const text = excerpt(buf, start, end);
    const other = OTHER_SEPARATORS.find((s) => s !== this.#format.separator && text.includes(s));
    const hint =
      found === 1 && other !== undefined
        ? `; the line contains ${JSON.stringify(other)}: is this another format?`
        : '';
    this.#fail(
      `expected ${this.#format.fields} fields separated by ${sep}, found ${found} in '${text}'${hint}`,
    );
  }

  #fail(message: string): never {
    throw new DataError(message, this.#file, this.#line);
  }

  #grow(): void {
    this.#resizeTo(Math.ceil(this.#userIds.length * 1.5) + 16);
  }

  #resizeTo(capacity: number): void {
    this.#userIds = resize(this.#userIds, capacity);
    this.#itemIds = resize(this.#itemIds, capacity);
    this.#ratings = this.#ratings && resize(this.#ratings, capacity);
    this.#timestamps = this.#timestamps && resize(this.#timestamps, capacity);
  }
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function resize<T extends Int32Array | Float32Array | Float64Array>(array: T, capacity: number): T {
  const out = new (array.constructor as new (n: number) => T)(capacity);
  out.set(array);
  return out;
}

// Keeps the buffer when little is wasted, copies otherwise so a large over-estimate is not held.
function trim<T extends Int32Array | Float32Array | Float64Array>(array: T, rows: number): T {
  if (array.length - rows <= rows / 16) return array.subarray(0, rows) as T;
  return array.slice(0, rows) as T;
}
