import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DistinctTable } from './distinct-table.js';
import { ALERT_EVENT_IDS } from './windows.js';

/**
 * The plain model `DistinctTable` must agree with: groups in a Map, each with its values (every
 * value with its latest sighting, as windows.test.ts's `DistinctReference`), the time of its last
 * event, and its records in a plain queue, the latest record of a group being its live one. A
 * group is re-queued when touched an eighth of the timespan after its live record; expiry pops
 * records older than the cutoff (re-queueing a group touched since, dropping one that was not);
 * eviction drops the group of the oldest live record.
 */
interface Sighting {
  readonly t: number;
  readonly id: string;
  readonly arrival: number;
}
interface ModelGroup {
  last: number;
  queuedAt: number;
  record: number;
  stamp: string;
  readonly values: Map<string, Sighting>;
}

class DistinctTableReference {
  readonly groups = new Map<string, ModelGroup>();
  readonly #queue: { key: string; time: number; record: number }[] = [];
  #records = 0;
  #arrival = 0;

  constructor(private readonly requeueAfter: number) {}

  obtain(key: string, at: number): { group: ModelGroup; created: boolean } {
    const held = this.groups.get(key);
    if (held !== undefined) {
      if (at - held.queuedAt >= this.requeueAfter) this.#enqueue(key, held, at);
      return { group: held, created: false };
    }
    const group: ModelGroup = { last: 0, queuedAt: 0, record: 0, stamp: '', values: new Map() };
    this.groups.set(key, group);
    this.#enqueue(key, group, at);
    return { group, created: true };
  }

  add(group: ModelGroup, value: string, t: number, id: string, cap: number): number {
    if (t > group.last) group.last = t;
    const held = group.values.get(value);
    if (held !== undefined && held.t > t) return 0;
    group.values.set(value, { t, id, arrival: (this.#arrival += 1) });
    if (group.values.size <= cap) return 0;
    group.values.delete(inOrder(group)[0]![0]);
    return 1;
  }

  expireValues(group: ModelGroup, cutoff: number): void {
    for (const [value, sighting] of group.values)
      if (sighting.t <= cutoff) group.values.delete(value);
  }

  eventIds(group: ModelGroup): string[] {
    return inOrder(group)
      .map(([, sighting]) => sighting.id)
      .slice(-ALERT_EVENT_IDS);
  }

  oldest(): number {
    this.#skipStale();
    return this.#queue.length > 0 ? this.#queue[0]!.time : Number.POSITIVE_INFINITY;
  }

  /** The sizes of the groups dropped, in order. */
  expire(cutoff: number, budget: number): number[] {
    const dropped: number[] = [];
    while (budget-- > 0 && this.#queue.length > 0) {
      const front = this.#queue[0]!;
      if (front.time > cutoff) break;
      this.#queue.shift();
      const group = this.groups.get(front.key);
      if (group === undefined || group.record !== front.record) continue;
      if (group.last > cutoff) this.#enqueue(front.key, group, group.last);
      else {
        this.groups.delete(front.key);
        dropped.push(group.values.size);
      }
    }
    return dropped;
  }

  evictOldest(): number | null {
    this.#skipStale();
    const front = this.#queue.shift();
    if (front === undefined) return null;
    const group = this.groups.get(front.key)!;
    this.groups.delete(front.key);
    return group.values.size;
  }

  #skipStale(): void {
    while (this.#queue.length > 0) {
      const front = this.#queue[0]!;
      if (this.groups.get(front.key)?.record === front.record) return;
      this.#queue.shift();
    }
  }

  #enqueue(key: string, group: ModelGroup, at: number): void {
    group.queuedAt = at;
    group.record = this.#records += 1;
    this.#queue.push({ key, time: at, record: group.record });
  }
}

const inOrder = (group: ModelGroup): [string, Sighting][] =>
  [...group.values].sort((a, b) => a[1].t - b[1].t || a[1].arrival - b[1].arrival);

type Step =
  | {
      readonly kind: 'add';
      readonly key: string;
      readonly values: readonly string[];
      readonly t: number;
      /** Whether a second rule sharing the table sees the same event (it must count it once). */
      readonly shared: boolean;
      readonly threshold: number;
    }
  | { readonly kind: 'expire'; readonly cutoff: number; readonly budget: number }
  | { readonly kind: 'evict' };

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        key: fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6'),
        values: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
        t: fc.integer({ min: 0, max: 100 }),
        shared: fc.boolean(),
        threshold: fc.integer({ min: 1, max: 4 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('expire' as const),
        cutoff: fc.integer({ min: -1, max: 100 }),
        budget: fc.integer({ min: 1, max: 8 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('evict' as const) }) },
  ),
  { maxLength: 150 },
);

describe('DistinctTable', () => {
  it('agrees with the plain model on groups, counts, ids, expiry and eviction', () => {
    fc.assert(
      fc.property(
        steps,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 8, max: 80 }),
        // Times near an epoch-millisecond base (not small integers) as well as near zero.
        fc.constantFrom(0, 1_800_000_000_000),
        (script, cap, timespan, base) => {
          const table = new DistinctTable(timespan);
          const model = new DistinctTableReference(Math.max(1, Math.floor(timespan / 8)));
          const droppedSizes: number[] = [];
          const dropped = (window: { size(): number }): void => {
            droppedSizes.push(window.size());
          };
          script.forEach((s, n) => {
            const id = `e-${n}`;
            if (s.kind === 'add') {
              const at = base + s.t;
              for (let rule = 0; rule < (s.shared ? 2 : 1); rule += 1) {
                const slot = table.obtain(s.key, at);
                const { group, created } = model.obtain(s.key, at);
                expect(table.created).toBe(created);
                const fresh = group.stamp !== id;
                expect(table.stamp(slot, id)).toBe(fresh);
                if (fresh) {
                  group.stamp = id;
                  table.expireValues(slot, at - timespan);
                  model.expireValues(group, at - timespan);
                  for (const value of s.values)
                    expect(table.add(slot, value, at, id, cap)).toBe(
                      model.add(group, value, at, id, cap),
                    );
                }
                expect(table.count(slot)).toBe(group.values.size);
                // An alert reads the group's ids from its window (made on first need).
                if (table.count(slot) >= s.threshold)
                  expect(table.window(slot).eventIds()).toEqual(model.eventIds(group));
              }
            } else if (s.kind === 'expire') {
              droppedSizes.length = 0;
              table.expire(base + s.cutoff, s.budget, dropped);
              expect(droppedSizes).toEqual(model.expire(base + s.cutoff, s.budget));
            } else {
              droppedSizes.length = 0;
              const evicted = table.evictOldest(dropped);
              const expected = model.evictOldest();
              expect(evicted).toBe(expected !== null);
              expect(droppedSizes).toEqual(expected === null ? [] : [expected]);
            }
            expect(table.size).toBe(model.groups.size);
            expect(table.oldest()).toBe(model.oldest());
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reuses the slots of dropped groups and keeps their records apart', () => {
    const table = new DistinctTable(80);
    const noop = (): void => undefined;
    for (let i = 0; i < 5_000; i += 1) {
      const slot = table.obtain(`k-${i}`, i);
      table.add(slot, 'v', i, `e-${i}`, 10);
      table.expire(i - 80, 8, noop);
    }
    // The timespan holds 80 groups (those after the cutoff), give or take the budget's lag.
    expect(table.size).toBeLessThan(200);
    expect(table.oldest()).toBeGreaterThan(4_999 - 200);
  });
});
