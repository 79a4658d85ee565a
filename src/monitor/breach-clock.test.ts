import { describe, expect, it } from 'vitest';
import {
  isBusinessDay,
  JURISDICTIONS,
  notificationDeadline,
  publicHolidays,
  type BreachClockRule,
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
