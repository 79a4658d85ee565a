import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SeenIds, SLICES_PER_HORIZON } from './seen-ids.js';

/**
 * The plain model: a list of (id, time) pairs. An id is held for its own time's slice; forgetting
 * drops every pair whose slice ends at or before the cutoff, then, while more than the cap are
 * held, every pair of the oldest slice.
 */
class SeenIdsReference {
  #held: { id: string; slice: number }[] = [];
  constructor(
    private readonly sliceMs: number,
    private readonly cap: number,
  ) {}

  get size(): number {
    return this.#held.length;
  }

  has(id: string, atMs: number): boolean {
    const slice = Math.floor(atMs / this.sliceMs);
    return this.#held.some((pair) => pair.id === id && pair.slice === slice);
  }

  add(id: string, atMs: number): boolean {
    if (this.has(id, atMs)) return false;
    this.#held.push({ id, slice: Math.floor(atMs / this.sliceMs) });
    return true;
  }

  forget(cutoff: number): void {
    this.#held = this.#held.filter((pair) => (pair.slice + 1) * this.sliceMs - 1 > cutoff);
    while (this.#held.length > this.cap) {
      const oldest = Math.min(...this.#held.map((pair) => pair.slice));
      this.#held = this.#held.filter((pair) => pair.slice !== oldest);
    }
  }
}

describe('SeenIds', () => {
  it('agrees with the plain model on what is held, whatever the order of times, cutoffs and cap', () => {
    const step = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      at: fc.integer({ min: -200, max: 2_000 }),
      cutoff: fc.option(fc.integer({ min: -300, max: 2_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 150 }),
        // Horizons from one slice of a millisecond to slices of a few hundred (times scaled to match).
        fc.integer({ min: 1, max: 300_000 }),
        fc.integer({ min: 1, max: 20 }),
        (steps, horizon, cap) => {
          const seen = new SeenIds(horizon, cap);
          const sliceMs = Math.ceil(horizon / SLICES_PER_HORIZON);
          const model = new SeenIdsReference(sliceMs, cap);
          // Times a few slices apart at most, so ids meet in one slice as well as in different ones.
          const scale = Math.max(1, Math.floor(sliceMs / 4));
          for (const raw of steps) {
            const s = {
              id: raw.id,
              at: raw.at * scale,
              cutoff: raw.cutoff === undefined ? undefined : raw.cutoff * scale,
            };
            expect(seen.has(s.id, s.at)).toBe(model.has(s.id, s.at));
            expect(seen.add(s.id, s.at)).toBe(model.add(s.id, s.at));
            if (s.cutoff !== undefined) {
              seen.forget(s.cutoff);
              model.forget(s.cutoff);
            }
            expect(seen.size).toBe(model.size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recognises every id within the horizon while under the cap, and forgets whole slices after it', () => {
    const seen = new SeenIds(3_600_000, 1_000_000);
    for (let i = 0; i < 10_000; i += 1) {
      expect(seen.add(`e-${i}`, i * 360)).toBe(true);
      seen.forget(i * 360 - 3_600_000);
    }
    expect(seen.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 1) expect(seen.has(`e-${i}`, i * 360)).toBe(true);
    expect(seen.add('e-5', 5 * 360)).toBe(false);
    seen.forget(2 * 3_600_000);
    expect(seen.size).toBe(0);
  });
});
