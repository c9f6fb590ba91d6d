/**
 * Maps the distinct rows of one batch to compact slots 0..U-1, in first-seen order: an open-addressing hash table
 * sized to the batch, not to the table, so finding duplicates costs the same at 1e4 rows as at 5e6 and stays in
 * cache (a row-indexed array would add a cache miss per row on large tables).
 */
export class RowSlots {
  #keys = new Int32Array(0);
  #slots = new Int32Array(0);
  #mask = 0;
  #shift = 32;
  /** Distinct rows, in slot order. */
  rows = new Int32Array(0);
  /** Number of distinct rows seen since {@link reset}. */
  count = 0;

  /** Prepares for a batch of at most `n` row indices. */
  reset(n: number): void {
    const capacity = 2 ** Math.max(4, Math.ceil(Math.log2(2 * n)));
    if (this.#keys.length !== capacity) {
      this.#keys = new Int32Array(capacity);
      this.#slots = new Int32Array(capacity);
      this.#mask = capacity - 1;
      this.#shift = 32 - Math.log2(capacity);
    }
    if (this.rows.length < n) this.rows = new Int32Array(n);
    this.#keys.fill(-1);
    this.count = 0;
  }

  /** The slot of `row`, adding it when new (then `isNew` is true until the next call). */
  slotOf(row: number): number {
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

  /** Whether the last {@link slotOf} added its row. */
  isNew = false;

  /** Bytes held. */
  get byteLength(): number {
    return this.#keys.byteLength + this.#slots.byteLength + this.rows.byteLength;
  }
}
