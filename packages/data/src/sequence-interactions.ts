/**
 * Interactions as fixed-length sequences (Spotlight's `SequenceInteractions`): a row-major [S, L] matrix of
 * item ids, left-padded with 0, one row per window of a user's time-ordered history.
 */
export class SequenceInteractions {
  /**
   * @param sequences - Item ids, row-major [S, L]; 0 is padding.
   * @param userIds - The user of each sequence, length S.
   * @param maxLength - L, the sequence length.
   * @param numItems - Size of the item table (padding id 0 included).
   * @param weights - Optional per-position sample weights, [S, L], 0 at padding.
   */
  constructor(
    readonly sequences: Int32Array,
    readonly userIds: Int32Array,
    readonly maxLength: number,
    readonly numItems: number,
    readonly weights?: Float32Array,
  ) {}

  /** Number of sequences, S. */
  get length(): number {
    return this.userIds.length;
  }

  /** Sequence `i` as a view of length L. */
  sequence(i: number): Int32Array {
    return this.sequences.subarray(i * this.maxLength, (i + 1) * this.maxLength);
  }

  toString(): string {
    return `<SequenceInteractions (${this.length} sequences x ${this.maxLength} long)>`;
  }
}
