import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { instantMs, parseInstantSlowly, parseMonitorEvent } from './monitor-event.js';

/** A date field: mostly in range, often on or just past an edge. */
const field = (min: number, max: number, edges: number[]): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min, max }), fc.constantFrom(...edges));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

describe('instantMs', () => {
  it('reads every instant as the pattern and Date.parse do, in range or not', () => {
    const canonical = fc
      .tuple(
        field(0, 9_999, [0, 1, 99, 100, 1970, 2026, 9_999]),
        field(1, 12, [0, 1, 12, 13, 99]),
        field(1, 31, [0, 1, 28, 29, 30, 31, 32, 99]),
        field(0, 23, [0, 23, 24, 25, 99]),
        field(0, 59, [0, 59, 60, 99]),
        field(0, 59, [0, 59, 60, 99]),
        field(0, 999, [0, 1, 999]),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`,
      );
    const nearby = canonical.chain((text) =>
      fc
        .tuple(fc.nat({ max: 23 }), fc.constantFrom('', 'x', '0', '+', '/', ':', '.', 'Z', ' '))
        .map(([at, char]) => text.slice(0, at) + char + text.slice(at + 1)),
    );
    const edges = fc.constantFrom(
      '2026-02-31T10:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-01-01T24:00:00.000Z',
      '0099-12-31T23:59:59.999Z',
      '0100-01-01T00:00:00.000Z',
      '2026-03-02T04:00:00Z',
      '2026-03-02T04:00:00.000+05:00',
      '2026-03-02T04:00:00.000z',
    );
    fc.assert(
      fc.property(fc.oneof(canonical, nearby, edges, fc.string({ maxLength: 30 })), (text) => {
        expect(Object.is(instantMs(text), parseInstantSlowly(text))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('instantMs in sequence', () => {
  it('reads instants of one second, and their near misses, as the reference does after each other', () => {
    // The second last read is remembered: a sequence within and around one second exercises it.
    const base = fc.constantFrom(
      '2026-03-02T04:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-02-31T10:00:00.000Z',
      '0100-01-01T00:00:00.000Z',
    );
    const variant = (text: string) =>
      fc.oneof(
        fc.nat({ max: 999 }).map((ms) => `${text.slice(0, 20)}${pad(ms, 3)}Z`),
        fc
          .tuple(fc.nat({ max: 23 }), fc.constantFrom('x', '0', '9', '.', 'Z', ':'))
          .map(([at, char]) => text.slice(0, at) + char + text.slice(at + 1)),
        fc.constant(`${text.slice(0, 19)}Z`),
        fc.constant(`${text.slice(0, 19)}.0000Z`),
      );
    fc.assert(
      fc.property(
        base.chain((text) => fc.array(variant(text), { minLength: 1, maxLength: 30 })),
        (texts) => {
          for (const text of texts)
            expect(Object.is(instantMs(text), parseInstantSlowly(text))).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('parseMonitorEvent', () => {
  it('names nested fields by dotted path, past the bound on remembered names too', () => {
    for (let i = 0; i < 5_000; i += 1) {
      const parsed = parseMonitorEvent({
        id: `e-${i}`,
        type: 'test.event',
        at: '2026-03-02T04:00:00.000Z',
        data: { actor: { id: 'a-1' }, [`k${i}`]: { [`n${i}`]: i } },
      });
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.event.fields).toEqual({
        id: `e-${i}`,
        type: 'test.event',
        at: '2026-03-02T04:00:00.000Z',
        'actor.id': 'a-1',
        [`k${i}.n${i}`]: i,
      });
      expect(parsed.event.atMs).toBe(Date.parse('2026-03-02T04:00:00.000Z'));
    }
  });
});
