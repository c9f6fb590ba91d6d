/**
 * Raw ids (strings as they appear in a file: user hashes, SKUs, URLs, or integers written as text) and the
 * contiguous ids a dense table indexes. Ids start at 1 in first-seen order (0 stays free for padding, Spotlight's
 * convention), so one file always gets the same ids. Kept with a model so that its answers use the raw ids.
 */
export class IdVocabulary {
  readonly #ids = new Map<string, number>();
  readonly #raw: string[] = [''];

  /** A vocabulary of `raw` in order: raw[i] gets id i + 1. */
  static from(raw: Iterable<string>): IdVocabulary {
    const vocabulary = new IdVocabulary();
    for (const id of raw) vocabulary.add(id);
    return vocabulary;
  }

  /** The id of `raw`, adding it when it is new. */
  add(raw: string): number {
    let id = this.#ids.get(raw);
    if (id === undefined) {
      id = this.#raw.length;
      this.#ids.set(raw, id);
      this.#raw.push(raw);
    }
    return id;
  }

  /** The id of `raw`, or undefined when it was never added (an id the model has not seen). */
  idOf(raw: string): number | undefined {
    return this.#ids.get(raw);
  }

  /** The raw id of contiguous id `id` (1..size). */
  rawOf(id: number): string {
    if (!Number.isInteger(id) || id < 1 || id >= this.#raw.length) {
      throw new RangeError(`id ${id} is not in the vocabulary (1..${this.size})`);
    }
    return this.#raw[id]!;
  }

  /** How many raw ids it holds (the largest id). */
  get size(): number {
    return this.#raw.length - 1;
  }

  /** The raw ids in id order (id 1 first), e.g. to store with a model. */
  toArray(): string[] {
    return this.#raw.slice(1);
  }
}
