import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  DATE_FORMATS,
  type DateFormat,
  formatDate,
  formatKazakh,
  INTL_OPTIONS,
  intlHasKazakh,
} from './dates';

// Node is built with full ICU, so its `kk` output is the reference the built-in table must equal.
const intlKazakh = (date: Date, format: DateFormat, timeZone?: string) =>
  new Intl.DateTimeFormat('kk', { ...INTL_OPTIONS[format], timeZone }).format(date);

const dates = fc.date({
  min: new Date(Date.UTC(2000, 0, 1)),
  max: new Date(Date.UTC(2100, 11, 31, 23, 59, 59, 999)),
  noInvalidDate: true,
});
const formats = fc.constantFrom(...DATE_FORMATS);

const AT = new Date(Date.UTC(2026, 11, 5, 16, 13, 7));

describe('Kazakh dates without Intl data', () => {
  it('are written as full ICU writes them (dd.MM.yyyy, 24-hour, Kazakh names)', () => {
    const kk = (format: DateFormat) => formatKazakh(AT, format, 'UTC');
    expect(kk('date')).toBe('05.12.2026');
    expect(kk('dateTime')).toBe('05.12.2026, 16:13:07');
    expect(kk('shortDateTime')).toBe('05.12.26, 16:13:07');
    expect(kk('mediumDateTime')).toBe('2026 ж. 05 жел., 16:13');
    expect(kk('time')).toBe('16:13:07');
    expect(kk('weekday')).toBe('сенбі');
    expect(formatKazakh(new Date(Date.UTC(2027, 0, 1, 0, 5, 9)), 'dateTime', 'UTC')).toBe(
      '01.01.2027, 00:05:09',
    );
  });

  it('equal Intl’s kk output for every format, 2000–2100, in UTC', () => {
    fc.assert(
      fc.property(dates, formats, (date, format) => {
        expect(formatKazakh(date, format, 'UTC')).toBe(intlKazakh(date, format, 'UTC'));
      }),
      { numRuns: 2000 },
    );
  });

  it('equal Intl’s kk output in another zone and in local time', () => {
    fc.assert(
      fc.property(dates, formats, (date, format) => {
        expect(formatKazakh(date, format, 'Asia/Almaty')).toBe(
          intlKazakh(date, format, 'Asia/Almaty'),
        );
        expect(formatKazakh(date, format, 'America/New_York')).toBe(
          intlKazakh(date, format, 'America/New_York'),
        );
        expect(formatKazakh(date, format)).toBe(intlKazakh(date, format));
      }),
      { numRuns: 1000 },
    );
  });

  it('name each ISO weekday as Intl does', () => {
    for (let day = 1; day <= 7; day++) {
      const date = new Date(Date.UTC(2024, 0, day));
      expect(formatKazakh(date, 'weekday', 'UTC')).toBe(intlKazakh(date, 'weekday', 'UTC'));
    }
  });
});

describe('formatDate', () => {
  it('uses the table for Kazakh when Intl lacks the data, and Intl when it has it', () => {
    fc.assert(
      fc.property(dates, formats, fc.boolean(), (date, format, intlHasKazakh) => {
        expect(formatDate(date, 'kk', format, { timeZone: 'UTC', intlHasKazakh })).toBe(
          intlKazakh(date, format, 'UTC'),
        );
      }),
    );
  });

  it('on a runtime whose Intl has no Kazakh data, probes it and writes Kazakh from the table', async () => {
    // Such a runtime formats `kk` in another locale, as Debian's Chromium does with root data.
    class WithoutKazakh extends Intl.DateTimeFormat {
      constructor(locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
        super(locales === 'kk' ? 'en-US' : locales, options);
      }
    }
    vi.stubGlobal(
      'Intl',
      Object.assign(Object.create(Intl) as typeof Intl, { DateTimeFormat: WithoutKazakh }),
    );
    vi.resetModules();
    try {
      const fresh = await import('./dates');
      const utc = { timeZone: 'UTC' };
      expect(fresh.intlHasKazakh()).toBe(false);
      expect(fresh.formatDate(AT, 'kk', 'date', utc)).toBe('05.12.2026');
      expect(fresh.formatDate(AT, 'kk', 'mediumDateTime', utc)).toBe('2026 ж. 05 жел., 16:13');
      expect(fresh.formatDate(AT, 'kk', 'weekday', utc)).toBe('сенбі');
      // Told the data is there, it trusts Intl (here wrongly, which shows the switch is used).
      expect(fresh.formatDate(AT, 'kk', 'date', { ...utc, intlHasKazakh: true })).toBe('12/5/2026');
      expect(fresh.formatDate(AT, 'ru', 'date', utc)).toBe('05.12.2026');
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('shows in Russian and English what toLocale*String and Intl showed before', () => {
    fc.assert(
      fc.property(dates, fc.constantFrom('ru', 'en'), (date, language) => {
        const noData = { intlHasKazakh: false };
        expect(formatDate(date, language, 'date', noData)).toBe(date.toLocaleDateString(language));
        expect(formatDate(date, language, 'dateTime', noData)).toBe(date.toLocaleString(language));
        expect(formatDate(date, language, 'mediumDateTime', noData)).toBe(
          date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' }),
        );
        expect(formatDate(date, language, 'shortDateTime', noData)).toBe(
          new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' }).format(
            date,
          ),
        );
        expect(formatDate(date, language, 'time', noData)).toBe(
          new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(date),
        );
        expect(formatDate(date, language, 'weekday', { ...noData, timeZone: 'UTC' })).toBe(
          new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(date),
        );
      }),
    );
  });

  it('takes ISO strings and epoch milliseconds, and shows what is no date as it came', () => {
    expect(formatDate('2026-12-05T16:13:07Z', 'kk', 'date', { timeZone: 'UTC' })).toBe(
      '05.12.2026',
    );
    expect(formatDate(AT.getTime(), 'en', 'date', { timeZone: 'UTC' })).toBe('12/5/2026');
    expect(formatDate('yesterday', 'kk', 'date', { intlHasKazakh: false })).toBe('yesterday');
    expect(formatDate(Number.NaN, 'ru', 'date')).toBe('NaN');
    expect(() => formatKazakh(new Date(Number.NaN), 'date')).toThrow(RangeError);
  });
});

describe('the Kazakh probe', () => {
  it('finds the data in a full-ICU runtime', () => {
    expect(intlHasKazakh()).toBe(true);
  });

  it('finds none when the month comes out in the root locale or the formatter throws', () => {
    expect(intlHasKazakh(() => 'M12')).toBe(false);
    expect(intlHasKazakh(() => 'December')).toBe(false);
    expect(
      intlHasKazakh(() => {
        throw new RangeError('Incorrect locale information provided');
      }),
    ).toBe(false);
    expect(intlHasKazakh(() => 'Желтоқсан')).toBe(true);
  });

  it('is asked of a December date', () => {
    const seen: Date[] = [];
    intlHasKazakh((date) => {
      seen.push(date);
      return 'желтоқсан';
    });
    expect(seen.map((date) => date.getUTCMonth())).toEqual([11]);
  });
});
