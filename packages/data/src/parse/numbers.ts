const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const DOT = 46;
const decoder = new TextDecoder('latin1');

/** Parses a non-negative decimal integer from bytes [start, end); NaN when it is anything else. */
export function parseUnsignedInt(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return Number.NaN;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/**
 * Parses a decimal number from bytes [start, end). The common `[-]digits[.digits]` form is read directly
 * (integer over a power of ten, exact for up to 15 digits); anything else goes through Number() and
 * gives NaN when it is not a number.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  let value = 0;
  let scale = 1;
  let digits = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      if (seenDot) scale *= 10;
      digits++;
    } else if (c === DOT && !seenDot) {
      seenDot = true;
    } else {
      return slowParse(buf, start, end);
    }
  }
  if (digits === 0 || digits > 15) return slowParse(buf, start, end);
  const v = value / scale;
  return negative ? -v : v;
}

function slowParse(buf: Uint8Array, start: number, end: number): number {
  const text = decoder.decode(buf.subarray(start, end)).trim();
  return text === '' ? Number.NaN : Number(text);
}

/** The bytes [start, end) as text, shortened for error messages. */
export function excerpt(buf: Uint8Array, start: number, end: number, max = 60): string {
  const text = decoder.decode(buf.subarray(start, Math.min(end, start + max)));
  return end - start > max ? `${text}...` : text;
}
