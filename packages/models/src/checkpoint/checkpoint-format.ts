import { createHash } from 'node:crypto';
import { DataError } from '@bloom/core';

/**
 * Bloom checkpoint file, version 1 (little-endian):
 *
 *   bytes 0-7   magic "BLOOMCKP"
 *   bytes 8-11  uint32 header length H
 *   H bytes     header, UTF-8 JSON: { format: "bloom-checkpoint", version: 1, model: { kind, config },
 *               arrays: [{ name, offset, length, type? }], payloadSha256, createdAt, metadata? }
 *   padding     zeros to a multiple of 4
 *   payload     the arrays, back to back: float32, or int32 where `type` is "int32" (ids: what serving keeps);
 *               offsets and lengths count 4-byte words from the payload start
 */
export const CHECKPOINT_VERSION = 1;
const MAGIC = 'BLOOMCKP';

/** A checkpoint's header. */
export interface CheckpointHeader {
  readonly format: 'bloom-checkpoint';
  readonly version: number;
  readonly model: { readonly kind: string; readonly config: unknown };
  readonly arrays: readonly {
    readonly name: string;
    readonly offset: number;
    readonly length: number;
    /** Tensor shape, for arrays that are not plain table columns. */
    readonly shape?: readonly number[];
    /** `int32` for integer arrays; absent for float32. */
    readonly type?: 'int32';
  }[];
  readonly payloadSha256: string;
  readonly createdAt: string;
  /** What serving needs besides the arrays (raw ids), as JSON; absent in checkpoints written for training. */
  readonly metadata?: unknown;
}

/** What {@link encodeCheckpoint} writes besides the model and its float arrays. */
export interface CheckpointExtras {
  /** Integer arrays (ids), by name. */
  readonly ints?: Record<string, Int32Array>;
  /** JSON metadata. */
  readonly metadata?: unknown;
}

/** Serialises the model description and named arrays into one buffer. */
export function encodeCheckpoint(
  model: CheckpointHeader['model'],
  arrays: Record<string, Float32Array>,
  shapes: Record<string, readonly number[]> = {},
  extras: CheckpointExtras = {},
): Uint8Array {
  let offset = 0;
  const entries = Object.entries(arrays).map(([name, values]) => {
    const entry = { name, offset, length: values.length, ...(shapes[name] ? { shape: shapes[name] } : {}) };
    offset += values.length;
    return entry;
  });
  const intEntries = Object.entries(extras.ints ?? {}).map(([name, values]) => {
    const entry = { name, offset, length: values.length, type: 'int32' as const };
    offset += values.length;
    return entry;
  });
  const payload = new Float32Array(offset);
  for (const e of entries) payload.set(arrays[e.name]!, e.offset);
  const words = new Int32Array(payload.buffer);
  for (const e of intEntries) words.set(extras.ints![e.name]!, e.offset);
  const payloadBytes = new Uint8Array(payload.buffer);
  const header: CheckpointHeader = {
    format: 'bloom-checkpoint',
    version: CHECKPOINT_VERSION,
    model,
    arrays: [...entries, ...intEntries],
    payloadSha256: createHash('sha256').update(payloadBytes).digest('hex'),
    createdAt: new Date().toISOString(),
    ...(extras.metadata === undefined ? {} : { metadata: extras.metadata }),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align4(12 + json.length);
  const out = new Uint8Array(start + payloadBytes.length);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payloadBytes, start);
  return out;
}

/**
 * Parses and verifies a checkpoint.
 * @throws DataError naming the file: not a checkpoint, another format version, or corrupted (truncated,
 *   unreadable header, checksum mismatch).
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  file: string,
): { header: CheckpointHeader; arrays: Record<string, Float32Array>; ints: Record<string, Int32Array> } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new DataError('not a Bloom checkpoint (missing the BLOOMCKP signature)', file);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  } catch {
    throw new DataError('corrupted checkpoint: its header is not readable JSON', file);
  }
  if (header.format !== 'bloom-checkpoint' || header.version !== CHECKPOINT_VERSION) {
    throw new DataError(
      `checkpoint format ${header.format} version ${header.version} is not supported; this Bloom reads version ${CHECKPOINT_VERSION}`,
      file,
    );
  }
  const start = align4(12 + length);
  // A real copy: Buffer#slice would share a pooled ArrayBuffer at an unaligned offset.
  const payloadBytes = Uint8Array.prototype.slice.call(bytes, start);
  if (createHash('sha256').update(payloadBytes).digest('hex') !== header.payloadSha256) {
    throw new DataError(
      'corrupted checkpoint: the weights do not match their checksum (truncated or altered file)',
      file,
    );
  }
  const payload = new Float32Array(payloadBytes.buffer, 0, payloadBytes.length / 4);
  const arrays: Record<string, Float32Array> = {};
  const ints: Record<string, Int32Array> = {};
  for (const e of header.arrays) {
    if (e.offset < 0 || e.length < 0 || e.offset + e.length > payload.length) {
      throw new DataError(`corrupted checkpoint: array ${e.name} lies outside the payload`, file);
    }
    if (e.type === 'int32') ints[e.name] = new Int32Array(payload.buffer, e.offset * 4, e.length);
    else arrays[e.name] = payload.subarray(e.offset, e.offset + e.length);
  }
  return { header, arrays, ints };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
