import type { Recommender } from '@bloom/models';
import { describe, expect, it } from 'vitest';
import { ModelSlot } from './model-slot.js';

// A stand-in recommender that records its disposal.
const fake = (name: string, disposed: string[]) =>
  ({ name, model: { dispose: () => disposed.push(name) } }) as unknown as Recommender;

describe('ModelSlot', () => {
  it('swaps at once, and disposes the old model only when its last request has finished', () => {
    const disposed: string[] = [];
    const slot = new ModelSlot(fake('a', disposed), 'model.bloom');
    const first = slot.acquire();
    const second = slot.acquire();
    slot.replace(fake('b', disposed));
    expect((slot.acquire().recommender as unknown as { name: string }).name).toBe('b');
    expect(slot.acquire().generation).toBe(2);
    first.release();
    first.release(); // releasing twice counts once
    expect(disposed).toEqual([]);
    second.release();
    expect(disposed).toEqual(['a']);
    // Nothing holds b's predecessor; replacing an idle model disposes it at once.
    const idle = new ModelSlot(fake('c', disposed), 'model.bloom');
    idle.replace(fake('d', disposed));
    expect(disposed).toEqual(['a', 'c']);
    idle.close();
    expect(disposed).toEqual(['a', 'c', 'd']);
  });
});
