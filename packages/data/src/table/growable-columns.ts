/** Typed-array columns that grow by doubling as rows are appended; `take` trims them to the rows written. */
export class GrowableColumns {
  users = new Int32Array(1024);
  items = new Int32Array(1024);
  ratings: Float32Array | undefined;
  timestamps: Float64Array | undefined;
  rows = 0;

  constructor(ratings: boolean, timestamps: boolean) {
    if (ratings) this.ratings = new Float32Array(1024);
    if (timestamps) this.timestamps = new Float64Array(1024);
  }

  /** Makes room for one more row; the caller then writes at index `rows` and increments it. */
  reserve(): void {
    if (this.rows < this.users.length) return;
    const size = this.users.length * 2;
    this.users = grow(this.users, new Int32Array(size));
    this.items = grow(this.items, new Int32Array(size));
    if (this.ratings !== undefined) this.ratings = grow(this.ratings, new Float32Array(size));
    if (this.timestamps !== undefined) this.timestamps = grow(this.timestamps, new Float64Array(size));
  }

  take(): { users: Int32Array; items: Int32Array; ratings?: Float32Array; timestamps?: Float64Array } {
    const n = this.rows;
    return {
      users: this.users.slice(0, n),
      items: this.items.slice(0, n),
      ratings: this.ratings?.slice(0, n),
      timestamps: this.timestamps?.slice(0, n),
    };
  }
}

function grow<T extends Int32Array | Float32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
