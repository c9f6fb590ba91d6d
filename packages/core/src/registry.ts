import { AlreadyRegisteredError, NotRegisteredError } from './errors.js';

/** Anything a registry holds: a plain object with a unique `name`. */
export interface RegistryEntry {
  /** Unique name within its registry, e.g. `murmur3` or `webgpu`. */
  readonly name: string;
}

/** Options for {@link Registry.register}. */
export interface RegisterOptions {
  /** Replace an entry of the same name instead of throwing. Default false. */
  readonly replace?: boolean;
}

/**
 * A typed map from names to entries of one kind (hashers, strategies, backends, models).
 * Our built-ins and third-party plugins register the same way.
 *
 * @example
 * const hashers = createRegistry<HasherDefinition>('hasher');
 * hashers.register(myHasher);
 * hashers.get('my-hasher');
 */
export class Registry<T extends RegistryEntry> {
  readonly #entries = new Map<string, T>();

  /**
   * @param kind - What the registry holds, used in error messages (e.g. `hasher`).
   * @param missingHint - Optional advice appended when a name is missing (e.g. which package to import).
   */
  constructor(
    readonly kind: string,
    private readonly missingHint?: (name: string) => string | undefined,
  ) {}

  /**
   * Adds an entry.
   * @throws AlreadyRegisteredError when the name is taken and `options.replace` is not set.
   */
  register(entry: T, options: RegisterOptions = {}): void {
    if (typeof entry?.name !== 'string' || entry.name.length === 0) {
      throw new TypeError(`A ${this.kind} entry needs a non-empty string 'name'`);
    }
    if (this.#entries.has(entry.name) && options.replace !== true) {
      throw new AlreadyRegisteredError(this.kind, entry.name);
    }
    this.#entries.set(entry.name, entry);
  }

  /**
   * Looks an entry up by name.
   * @throws NotRegisteredError listing what is registered.
   */
  get(name: string): T {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new NotRegisteredError(this.kind, name, this.list(), this.missingHint?.(name));
    }
    return entry;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Registered names, sorted. */
  list(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Registered entries, sorted by name. */
  entries(): T[] {
    return this.list().map((name) => this.#entries.get(name)!);
  }

  /** Removes an entry; returns whether it was there. */
  unregister(name: string): boolean {
    return this.#entries.delete(name);
  }
}

/** Creates an isolated registry, e.g. for a test or a sandboxed experiment. */
export function createRegistry<T extends RegistryEntry>(
  kind: string,
  missingHint?: (name: string) => string | undefined,
): Registry<T> {
  return new Registry<T>(kind, missingHint);
}
