import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { LocalClock } from './reference.js';

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The plain reading: the zone's wall clock for the instant, from `Intl` every time. */
function plainLocalTime(timeZone: string, atMs: number): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(atMs);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: WEEKDAYS[part('weekday')] ?? 0,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

describe('LocalClock', () => {
  it('reads every zone’s wall clock as Intl does, in time order or not, across DST changes', () => {
    // Around the 2026 European DST changes, and Almaty, Kathmandu (+5:45) and UTC beside them.
    const zones = ['Asia/Almaty', 'Europe/Berlin', 'Asia/Kathmandu', 'UTC'];
    const start = Date.parse('2026-03-28T20:00:00Z');
    const reading = fc.record({
      zone: fc.constantFrom(...zones),
      step: fc.oneof(
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 0, max: 4 * 3_600_000 }),
      ),
      back: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(reading, { maxLength: 80 }),
        fc.integer({ min: 1, max: 8 }),
        (readings, capacity) => {
          const clock = new LocalClock(capacity);
          let at = start;
          for (const r of readings) {
            at = r.back ? at - r.step : at + r.step;
            expect(clock.localTime(r.zone, at)).toEqual(plainLocalTime(r.zone, at));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
