const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/**
 * The UTF-8 bytes of `key` in a reused scratch buffer (valid until the next call), so hashing many strings
 * allocates only when a longer string arrives.
 */
export function utf8View(key: string): Uint8Array {
  // A UTF-16 code unit becomes at most 3 UTF-8 bytes.
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const { written } = encoder.encodeInto(key, scratch);
  return scratch.subarray(0, written);
}
