import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ALERT_EVENT_IDS, DistinctWindow } from './windows.js';

/**
 * The plain model `DistinctWindow` must agree with: every value with its latest sighting (time,
 * event id, and the order sightings arrived in for equal times); expiry drops every value last
 * seen at or before the cutoff; the cap drops the value whose latest sighting is oldest; a
 * sighting older than the value's latest changes nothing.
 */
class DistinctReference {
  #arrival = 0;
  readonly #latest = new Map<string, { t: number; id: string; arrival: number }>();

  add(value: string, t: number, id: string, cap: number): number {
    const held = this.#latest.get(value);
    if (held !== undefined && held.t > t) return 0;
    this.#latest.set(value, { t, id, arrival: (this.#arrival += 1) });
    if (this.#latest.size <= cap) return 0;
    const oldest = this.#inOrder()[0]!;
    this.#latest.delete(oldest[0]);
    return 1;
  }

  expire(cutoff: number): void {
    for (const [value, sighting] of this.#latest)
      if (sighting.t <= cutoff) this.#latest.delete(value);
  }

  count(): number {
    return this.#latest.size;
  }

  eventIds(): string[] {
    return this.#inOrder()
      .map(([, sighting]) => sighting.id)
      .slice(-ALERT_EVENT_IDS);
  }

  #inOrder() {
    return [...this.#latest].sort((a, b) => a[1].t - b[1].t || a[1].arrival - b[1].arrival);
  }
}

type Step =
  | { readonly kind: 'add'; readonly value: string; readonly t: number }
  | { readonly kind: 'expire'; readonly cutoff: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      value: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'),
      // Mostly in order, sometimes late: events are delivered out of order too.
      t: fc.integer({ min: 0, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      cutoff: fc.integer({ min: -1, max: 60 }),
    }),
  },
);

describe('DistinctWindow', () => {
  it('agrees with the plain model on counts, ids and what the cap drops, in any order of delivery', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        (steps, cap) => {
          const window = new DistinctWindow();
          const model = new DistinctReference();
          steps.forEach((s, n) => {
            if (s.kind === 'add') {
              expect(window.add(s.value, s.t, `e-${n}`, cap)).toBe(
                model.add(s.value, s.t, `e-${n}`, cap),
              );
            } else {
              window.expire(s.cutoff);
              model.expire(s.cutoff);
            }
            expect(window.count()).toBe(model.count());
            expect(window.size()).toBe(model.count());
            expect(window.eventIds()).toEqual(model.eventIds());
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists the newest hundred sightings of a large group and drains as time passes', () => {
    const window = new DistinctWindow();
    for (let i = 0; i < 5_000; i += 1) window.add(`s-${i % 3_000}`, i, `e-${i}`, 10_000);
    expect(window.count()).toBe(3_000);
    const ids = window.eventIds();
    expect(ids).toHaveLength(ALERT_EVENT_IDS);
    expect(ids.at(0)).toBe('e-4900');
    expect(ids.at(-1)).toBe('e-4999');
    window.expire(3_999);
    // Values 1000..1999 were last seen at 1000..1999 (expired); 0..999 and 2000..2999 again later.
    expect(window.count()).toBe(1_000);
    window.expire(4_999);
    expect(window.count()).toBe(0);
    expect(window.eventIds()).toEqual([]);
  });
});

describe('DistinctWindow, large groups', () => {
  it('agrees with the plain model over many values, as its index fills, rebuilds and compacts', () => {
    const large = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          value: fc.integer({ min: 0, max: 400 }).map((i) => `s-${i}`),
          t: fc.integer({ min: 0, max: 3_000 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('expire' as const),
          cutoff: fc.integer({ min: -1, max: 3_000 }),
        }),
      },
    );
    fc.assert(
      fc.property(
        fc.array(large, { minLength: 200, maxLength: 1_500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        (steps, cap, sorted) => {
          // Mostly in time order (as events come), or in any order.
          let clock = 0;
          const ordered = sorted
            ? steps.map((s) => (s.kind === 'add' ? { ...s, t: (clock += s.t % 3) } : s))
            : steps;
          const window = new DistinctWindow();
          const model = new DistinctReference();
          ordered.forEach((s, n) => {
            if (s.kind === 'add')
              expect(window.add(s.value, s.t, `e-${n}`, cap)).toBe(
                model.add(s.value, s.t, `e-${n}`, cap),
              );
            else {
              window.expire(s.cutoff);
              model.expire(s.cutoff);
            }
            expect(window.count()).toBe(model.count());
          });
          expect(window.eventIds()).toEqual(model.eventIds());
        },
      ),
      { numRuns: 60 },
    );
  });
});
