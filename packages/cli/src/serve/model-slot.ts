import type { Recommender } from '@bloom/models';

/**
 * The model a server answers from, replaceable while it serves: a request takes the current recommender with
 * {@link acquire} and gives it back with its release function; {@link replace} swaps in a new one at once, and
 * the old one is disposed when its last request has finished. No request ever sees a half-loaded model.
 */
export class ModelSlot {
  #current: Held;
  #generation = 1;

  constructor(
    recommender: Recommender,
    readonly path: string,
  ) {
    this.#current = { recommender, users: 0, retired: false, loadedAt: new Date(), generation: 1 };
  }

  /** The current recommender, its load time and generation (1 for the first), and the function that releases it. */
  acquire(): { recommender: Recommender; loadedAt: Date; generation: number; release: () => void } {
    const held = this.#current;
    held.users++;
    let released = false;
    return {
      recommender: held.recommender,
      loadedAt: held.loadedAt,
      generation: held.generation,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.retired && held.users === 0) held.recommender.model.dispose();
      },
    };
  }

  /** Makes `recommender` the current one; the previous one is disposed once no request holds it. */
  replace(recommender: Recommender): void {
    const old = this.#current;
    this.#current = {
      recommender,
      users: 0,
      retired: false,
      loadedAt: new Date(),
      generation: ++this.#generation,
    };
    old.retired = true;
    if (old.users === 0) old.recommender.model.dispose();
  }

  /** Disposes the current model (the server has stopped). */
  close(): void {
    this.#current.retired = true;
    if (this.#current.users === 0) this.#current.recommender.model.dispose();
  }
}

interface Held {
  readonly recommender: Recommender;
  users: number;
  retired: boolean;
  readonly loadedAt: Date;
  readonly generation: number;
}
