/**
 * Bloom's error hierarchy. Every error carries a stable `code` that callers can branch on,
 * and a message that names the offending option, value or file and says what is allowed.
 */

/** Stable machine-readable error codes. */
export type BloomErrorCode =
  | 'BLOOM_CONFIG'
  | 'BLOOM_NOT_REGISTERED'
  | 'BLOOM_ALREADY_REGISTERED'
  | 'BLOOM_ID_RANGE'
  | 'BLOOM_DATA'
  | 'BLOOM_BACKEND_UNAVAILABLE'
  | 'BLOOM_NOT_IMPLEMENTED'
  | 'BLOOM_TRAINING'
  | 'BLOOM_DEVICE';

/** Base class of every error Bloom throws on purpose. */
export class BloomError extends Error {
  /** Stable code, safe to compare against. */
  readonly code: BloomErrorCode;

  constructor(code: BloomErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option is missing, of the wrong type, or outside its allowed range. */
export class ConfigError extends BloomError {
  /** The option's name, as the user spelt it (for example `buckets` or `--hashes`). */
  readonly option: string;
  /** A human description of the allowed values (for example `an integer >= 1`). */
  readonly allowed: string;
  /** The value that was refused. */
  readonly received: unknown;

  constructor(option: string, allowed: string, received: unknown) {
    super('BLOOM_CONFIG', `Invalid ${option}: expected ${allowed}, got ${describeValue(received)}`);
    this.option = option;
    this.allowed = allowed;
    this.received = received;
  }
}

/** A name was looked up in a registry that does not hold it. */
export class NotRegisteredError extends BloomError {
  constructor(
    readonly kind: string,
    readonly entryName: string,
    readonly registered: readonly string[],
    hint?: string,
  ) {
    const have = registered.length > 0 ? registered.join(', ') : 'none';
    super(
      'BLOOM_NOT_REGISTERED',
      `${capitalize(kind)} '${entryName}' is not registered (have: ${have})${hint ? `; ${hint}` : ''}`,
    );
  }
}

/** A name was registered twice without asking for replacement. */
export class AlreadyRegisteredError extends BloomError {
  constructor(
    readonly kind: string,
    readonly entryName: string,
  ) {
    super(
      'BLOOM_ALREADY_REGISTERED',
      `${capitalize(kind)} '${entryName}' is already registered; pass { replace: true } to replace it`,
    );
  }
}

/** An id is negative, not an integer, or beyond the table it indexes. */
export class IdRangeError extends BloomError {
  constructor(
    readonly id: number,
    readonly position: number,
    readonly allowed: string,
  ) {
    super(
      'BLOOM_ID_RANGE',
      `Id ${describeValue(id)} at position ${position} is out of range: expected ${allowed}`,
    );
  }
}

/** Input data is malformed; names the file and line where known. */
export class DataError extends BloomError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    const where = file === undefined ? '' : line === undefined ? `${file}: ` : `${file}:${line}: `;
    super('BLOOM_DATA', `${where}${message}`);
  }
}

/** A backend was requested that cannot run here; `reason` says why. */
export class BackendUnavailableError extends BloomError {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super('BLOOM_BACKEND_UNAVAILABLE', `Backend '${backend}' is unavailable: ${reason}`);
  }
}

/** An operation exists in the interface but a given implementation does not provide it. */
export class NotImplementedError extends BloomError {
  constructor(
    readonly operation: string,
    readonly implementation: string,
  ) {
    super('BLOOM_NOT_IMPLEMENTED', `'${operation}' is not implemented by '${implementation}'`);
  }
}

/** Training cannot go on: a degenerate (NaN, infinite or zero) loss, as Spotlight also refuses. */
export class TrainingError extends BloomError {
  constructor(message: string) {
    super('BLOOM_TRAINING', message);
  }
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** Renders a received value compactly for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

/** A device failed an operation (out of memory, a kernel launch): reported as an error, never a crashed process. */
export class DeviceError extends BloomError {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super('BLOOM_DEVICE', `Backend '${backend}' failed on its device: ${reason}`);
  }
}
