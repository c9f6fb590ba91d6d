// Tables up to this many rows map rows to slots with a direct array (4 bytes per row, the fastest lookup);
// larger ones use a hash table sized to the batch, so the scratch does not grow with the table.
const DIRECT_LIMIT = 1 << 17;

/** Entries of the open-addressing table that numbers n rows: a power of two at least 2n (and 16). */
export function slotHashCapacity(n: number): number {
  return 2 ** Math.max(4, Math.ceil(Math.log2(2 * n)));
}

/**
 * Maps the distinct rows of one batch to compact slots 0..U-1, in first-seen order. Small tables index a
 * row-to-slot array directly; large ones use an open-addressing hash table sized to the batch, so finding
 * duplicates costs the same at 1e6 rows as at 5e6 and stays in cache.
 */
export class RowSlots {
  readonly #direct: Int32Array | undefined;
  #keys = new Int32Array(0);
  #slots = new Int32Array(0);
  #mask = 0;
  #shift = 32;
  /** Distinct rows, in slot order. */
  rows = new Int32Array(0);
  /** Number of distinct rows seen since {@link reset}. */
  count = 0;
  /** Whether the last {@link slotOf} added its row. */
  isNew = false;

  constructor(tableRows: number) {
    this.#direct = tableRows <= DIRECT_LIMIT ? new Int32Array(tableRows).fill(-1) : undefined;
  }

  /** Prepares for a batch of at most `n` row indices. */
  reset(n: number): void {
    if (this.#direct !== undefined) {
      for (let s = 0; s < this.count; s++) this.#direct[this.rows[s]!] = -1;
    } else {
      const capacity = slotHashCapacity(n);
      if (this.#keys.length !== capacity) {
        this.#keys = new Int32Array(capacity);
        this.#slots = new Int32Array(capacity);
        this.#mask = capacity - 1;
        this.#shift = 32 - Math.log2(capacity);
      }
      this.#keys.fill(-1);
    }
    if (this.rows.length < n) this.rows = new Int32Array(n);
    this.count = 0;
  }

  /** The slot of `row`, adding it when new (then `isNew` is true until the next call). */
  slotOf(row: number): number {
    const direct = this.#direct;
    if (direct !== undefined) {
      const slot = direct[row]!;
      this.isNew = slot < 0;
      if (slot >= 0) return slot;
      direct[row] = this.count;
      this.rows[this.count] = row;
      return this.count++;
    }
    const keys = this.#keys;
    let at = Math.imul(row, 0x9e3779b1) >>> this.#shift;
    for (;;) {
      const key = keys[at]!;
      if (key === row) {
        this.isNew = false;
        return this.#slots[at]!;
      }
      if (key === -1) {
        keys[at] = row;
        const slot = this.count++;
        this.#slots[at] = slot;
        this.rows[slot] = row;
        this.isNew = true;
        return slot;
      }
      at = (at + 1) & this.#mask;
    }
  }

  /** Bytes held. */
  get byteLength(): number {
    return (
      (this.#direct?.byteLength ?? 0) + this.#keys.byteLength + this.#slots.byteLength + this.rows.byteLength
    );
  }
}
