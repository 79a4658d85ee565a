import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBusinessDay,
  JURISDICTIONS,
  notificationDeadline,
  publicHolidays,
  withTransfers,
  type BreachClockRule,
  type DayTransfers,
} from './breach-clock.js';

const KZ = JURISDICTIONS.KZ!.clock;
const GDPR = JURISDICTIONS.GDPR!.clock;

// Kazakhstan keeps one time zone, UTC+5 (Asia/Almaty since 1 March 2024): 10:00 local = 05:00Z.
describe('breach notification clock, Kazakhstan (1 business day, KZ holidays)', () => {
  it.each([
    // [detected (UTC), deadline (UTC), why]
    ['2026-12-01T05:00:00.000Z', '2026-12-02T05:00:00.000Z', 'Tuesday 10:00 -> Wednesday 10:00'],
    ['2026-12-04T10:30:00.000Z', '2026-12-07T10:30:00.000Z', 'Friday 15:30 -> Monday 15:30'],
    ['2026-12-05T07:00:00.000Z', '2026-12-07T19:00:00.000Z', 'Saturday -> end of Monday'],
    ['2026-12-06T18:59:59.000Z', '2026-12-07T19:00:00.000Z', 'Sunday 23:59:59 -> end of Monday'],
    [
      '2026-12-15T05:00:00.000Z',
      '2026-12-17T05:00:00.000Z',
      'Tuesday 15 Dec -> Thursday 17 Dec (16 Dec Independence Day)',
    ],
    [
      '2026-12-16T05:00:00.000Z',
      '2026-12-17T19:00:00.000Z',
      'on Independence Day itself -> end of 17 Dec',
    ],
    [
      '2021-12-15T05:00:00.000Z',
      '2021-12-20T05:00:00.000Z',
      '2021: 16 and 17 Dec both holidays, then the weekend -> Monday 20 Dec',
    ],
    [
      '2026-03-20T05:00:00.000Z',
      '2026-03-25T05:00:00.000Z',
      'Friday 20 Mar -> Wednesday 25 Mar (Nauryz 21-23 Mar with substitutes to 24 Mar)',
    ],
    [
      '2027-03-19T12:00:00.000Z',
      '2027-03-24T12:00:00.000Z',
      'Friday 19 Mar 2027 -> Wednesday 24 Mar (Nauryz Sun-Tue)',
    ],
    [
      '2026-12-31T18:00:00.000Z',
      '2027-01-05T18:00:00.000Z',
      'New Year: Thursday 31 Dec 23:00 -> Tuesday 5 Jan (1, 2 Jan and the 4 Jan substitute)',
    ],
    [
      '2026-12-07T18:59:00.000Z',
      '2026-12-08T18:59:00.000Z',
      'a minute before local midnight stays on its own day',
    ],
    [
      '2026-12-07T19:01:00.000Z',
      '2026-12-08T19:01:00.000Z',
      'a minute after local midnight (Tuesday 00:01) -> Wednesday 00:01',
    ],
  ])('%s -> %s (%s)', (detected, deadline) => {
    expect(notificationDeadline(new Date(detected), KZ).toISOString()).toBe(deadline);
  });

  it('counts several business days when a profile asks for them', () => {
    const three: BreachClockRule = { ...KZ, days: 3 } as BreachClockRule;
    // Friday 11 Dec -> Mon 14, Tue 15, (Wed 16 holiday) Thu 17.
    expect(notificationDeadline(new Date('2026-12-11T05:00:00.000Z'), three).toISOString()).toBe(
      '2026-12-17T05:00:00.000Z',
    );
  });

  it('reads national public holidays from date-holidays', () => {
    const y2026 = publicHolidays('KZ', 2026);
    for (const day of ['2026-01-01', '2026-03-21', '2026-03-22', '2026-03-23', '2026-12-16'])
      expect(y2026.has(day), day).toBe(true);
    expect(publicHolidays('KZ', 2021).has('2021-12-17')).toBe(true);
    expect(isBusinessDay('2026-12-16', 'KZ')).toBe(false);
    expect(isBusinessDay('2026-12-17', 'KZ')).toBe(true);
    expect(isBusinessDay('2026-12-19', 'KZ')).toBe(false);
  });

  it('refuses an invalid instant', () => {
    expect(() => notificationDeadline(new Date('nope'), KZ)).toThrow(RangeError);
  });
});

describe('breach notification clock, GDPR (72 hours)', () => {
  it.each([
    ['2026-12-04T10:30:00.000Z', '2026-12-07T10:30:00.000Z'],
    ['2026-12-16T00:00:00.000Z', '2026-12-19T00:00:00.000Z'],
  ])('%s -> %s, weekends and holidays count', (detected, deadline) => {
    expect(notificationDeadline(new Date(detected), GDPR).toISOString()).toBe(deadline);
  });
});

// Days moved by decree. These dates are ILLUSTRATIONS built around the 2026 calendar, not the
// decree's: Friday 8 May (between Defender's Day, Thursday 7, and the weekend with Victory Day,
// Saturday 9, substituted on Monday 11) made a day off, Saturday 16 May made a working day.
const MOVED: DayTransfers = { daysOff: ['2026-05-08'], workingDays: ['2026-05-16'] };
const KZ_MOVED = { ...KZ, transfers: MOVED } as BreachClockRule;

describe('breach notification clock, Kazakhstan, with days moved by decree', () => {
  it.each([
    // [detected (UTC), with the transfers (UTC), without them (UTC), why] — local = UTC+5
    [
      '2026-05-16T05:00:00.000Z',
      '2026-05-18T05:00:00.000Z',
      '2026-05-18T19:00:00.000Z',
      'on the working Saturday 10:00: it counts -> Monday 10:00 (else end of Monday)',
    ],
    [
      '2026-05-15T10:30:00.000Z',
      '2026-05-16T10:30:00.000Z',
      '2026-05-18T10:30:00.000Z',
      'Friday 15:30 -> the working Saturday 15:30 (else Monday)',
    ],
    [
      '2026-05-15T18:59:00.000Z',
      '2026-05-16T18:59:00.000Z',
      '2026-05-18T18:59:00.000Z',
      'Friday 23:59 local (Friday in UTC too) -> the working Saturday 23:59',
    ],
    [
      '2026-05-15T19:00:00.000Z',
      '2026-05-16T19:00:00.000Z',
      '2026-05-18T19:00:00.000Z',
      'Saturday 00:00 local, still Friday in UTC: a working day -> the end of Saturday (else the end of Monday)',
    ],
    [
      '2026-05-16T18:59:59.000Z',
      '2026-05-18T18:59:59.000Z',
      '2026-05-18T19:00:00.000Z',
      'the working Saturday 23:59:59 -> Monday 23:59:59',
    ],
    [
      '2026-05-16T19:00:00.000Z',
      '2026-05-18T19:00:00.000Z',
      '2026-05-18T19:00:00.000Z',
      'Sunday 00:00 local, Saturday in UTC: not a working day -> end of Monday either way',
    ],
    [
      '2026-05-06T05:00:00.000Z',
      '2026-05-12T05:00:00.000Z',
      '2026-05-08T05:00:00.000Z',
      'Wednesday 10:00 -> over the holiday, the day off, the weekend holiday and its substitute: Tuesday 12 (else Friday 8)',
    ],
    [
      '2026-05-06T18:59:00.000Z',
      '2026-05-12T18:59:00.000Z',
      '2026-05-08T18:59:00.000Z',
      'Wednesday 23:59 local stays on Wednesday',
    ],
    [
      '2026-05-06T19:00:00.000Z',
      '2026-05-12T19:00:00.000Z',
      '2026-05-08T19:00:00.000Z',
      'Thursday 00:00 local (Wednesday in UTC), the holiday -> end of Tuesday 12 (else the end of Friday 8)',
    ],
    [
      '2026-05-07T19:00:00.000Z',
      '2026-05-12T19:00:00.000Z',
      '2026-05-08T19:00:00.000Z',
      'Friday 00:00 local (Thursday in UTC), the day off itself -> end of Tuesday 12 (else the end of Friday 8)',
    ],
    [
      '2026-05-08T07:00:00.000Z',
      '2026-05-12T19:00:00.000Z',
      '2026-05-12T07:00:00.000Z',
      'the day off, 12:00 -> end of Tuesday 12 (else Tuesday 12:00)',
    ],
  ])('%s -> %s (without transfers %s): %s', (detected, moved, plain) => {
    expect(notificationDeadline(new Date(detected), KZ_MOVED).toISOString()).toBe(moved);
    expect(notificationDeadline(new Date(detected), KZ).toISOString()).toBe(plain);
  });

  it('counts the working Saturday among several business days', () => {
    const three = { ...KZ_MOVED, days: 3 } as BreachClockRule;
    // Thursday 14 May -> Fri 15, Sat 16 (working), Mon 18; without: Fri 15, Mon 18, Tue 19.
    const at = new Date('2026-05-14T05:00:00.000Z');
    expect(notificationDeadline(at, three).toISOString()).toBe('2026-05-18T05:00:00.000Z');
    expect(notificationDeadline(at, { ...three, transfers: undefined } as BreachClockRule)).toEqual(
      new Date('2026-05-19T05:00:00.000Z'),
    );
  });

  it('a listed day decides over the weekday and the holiday calendar', () => {
    expect(isBusinessDay('2026-05-16', 'KZ')).toBe(false);
    expect(isBusinessDay('2026-05-16', 'KZ', MOVED)).toBe(true);
    expect(isBusinessDay('2026-05-08', 'KZ')).toBe(true);
    expect(isBusinessDay('2026-05-08', 'KZ', MOVED)).toBe(false);
    // A holiday listed as a working day counts (the decree has the last word).
    expect(isBusinessDay('2026-05-09', 'KZ', { daysOff: [], workingDays: ['2026-05-09'] })).toBe(
      true,
    );
    expect(isBusinessDay('2026-05-12', 'KZ', MOVED)).toBe(true);
  });

  it('applies a profile’s transfers to its business-day clock only', () => {
    const kz = JURISDICTIONS.KZ!;
    const gdpr = JURISDICTIONS.GDPR!;
    expect(withTransfers(kz, undefined)).toBe(kz);
    expect(withTransfers(kz, { GDPR: MOVED })).toBe(kz);
    expect(withTransfers(kz, { KZ: MOVED }).clock).toEqual({ ...kz.clock, transfers: MOVED });
    expect(withTransfers(gdpr, { GDPR: MOVED })).toBe(gdpr);
    expect(JURISDICTIONS.KZ!.clock).not.toHaveProperty('transfers');
  });
});

describe('breach notification clock, properties of the transfers', () => {
  const DAY = 86_400_000;
  const OFFSET = 5 * 3_600_000; // Asia/Almaty, UTC+5 throughout the range drawn
  const FROM = Date.parse('2024-03-02T00:00:00.000Z');
  const TO = Date.parse('2027-12-20T00:00:00.000Z');
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  /** The clock without transfers, written out afresh at a fixed UTC+5 offset. */
  function reference(detectedAt: number, days: number): number {
    const business = (d: string) => {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
      return weekday !== 0 && weekday !== 6 && !publicHolidays('KZ', Number(d.slice(0, 4))).has(d);
    };
    const local = detectedAt + OFFSET;
    let midnight = Math.floor(local / DAY) * DAY;
    let sinceMidnight = local - midnight;
    if (!business(day(midnight))) {
      do midnight += DAY;
      while (!business(day(midnight)));
      sinceMidnight = 0;
    }
    if (sinceMidnight === 0) {
      // From a business day's midnight: `days` whole business days, that day the first; the clock
      // runs out at the end of the last of them.
      for (let counted = 1; counted < days;) {
        midnight += DAY;
        if (business(day(midnight))) counted += 1;
      }
      return midnight + DAY - OFFSET;
    }
    for (let left = days; left > 0; left--) {
      do midnight += DAY;
      while (!business(day(midnight)));
    }
    return midnight + sinceMidnight - OFFSET;
  }

  const detection = fc.integer({ min: FROM, max: TO });
  const days = fc.integer({ min: 1, max: 3 });
  /** Dates near the detection (from 3 days before to 20 after), where they can matter. */
  const near = fc.array(fc.integer({ min: -3, max: 20 }), { maxLength: 4 });
  const datesNear = (at: number, offsets: readonly number[]) =>
    offsets.map((o) => day(at + OFFSET + o * DAY));
  const deadline = (at: number, n: number, transfers?: DayTransfers) =>
    notificationDeadline(new Date(at), {
      ...KZ,
      days: n,
      ...(transfers ? { transfers } : {}),
    } as BreachClockRule).getTime();

  it('with no transfers, or empty lists, the deadline is the clock’s as it was', () => {
    fc.assert(
      fc.property(detection, days, (at, n) => {
        const expected = reference(at, n);
        expect(deadline(at, n)).toBe(expected);
        expect(deadline(at, n, { daysOff: [], workingDays: [] })).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('an extra working day never makes a deadline later, an extra day off never earlier', () => {
    fc.assert(
      fc.property(
        detection,
        days,
        near,
        near,
        fc.integer({ min: -3, max: 20 }),
        (at, n, off, working, extra) => {
          // Any transfers (the two lists disjoint, as the configuration requires) not naming
          // the added date; then the date added to one list or the other.
          const added = datesNear(at, [extra])[0]!;
          const daysOff = datesNear(at, off).filter((d) => d !== added);
          const base: DayTransfers = {
            daysOff,
            workingDays: datesNear(at, working).filter((d) => d !== added && !daysOff.includes(d)),
          };
          const was = deadline(at, n, base);
          const moreWorking = { ...base, workingDays: [...base.workingDays, added] };
          const moreOff = { ...base, daysOff: [...base.daysOff, added] };
          expect(deadline(at, n, moreWorking)).toBeLessThanOrEqual(was);
          expect(deadline(at, n, moreOff)).toBeGreaterThanOrEqual(was);
        },
      ),
      { numRuns: 300 },
    );
  });
});
