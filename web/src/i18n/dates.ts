/**
 * Dates, date-times, times and weekdays in the reader's language, for every page that shows one.
 *
 * Intl does the work, except where the runtime claims Kazakh but lacks its data: Debian's
 * Chromium answers `supportedLocalesOf(['kk'])` with `['kk']` yet formats with the root locale
 * ("2026 M12 5", "2026-12-05 16:13:00", weekday "Sat"). For Kazakh the runtime is probed once;
 * without the data the same formats are written from a small table with the patterns that full
 * ICU (CLDR 48) gives for `kk`, so a reader sees "05.12.2026" whichever browser they use.
 *
 * @example
 * formatDate('2026-12-05T16:13:07Z', 'kk', 'mediumDateTime', { timeZone: 'UTC' });
 * // '2026 ж. 05 жел., 16:13'
 */

/** The formats the pages use, each named after what it shows. */
export type DateFormat =
  /** Day, month and year in numbers ("05.12.2026"), as `Date#toLocaleDateString()` shows. */
  | 'date'
  /** Date and time with seconds in numbers ("05.12.2026, 16:13:07"), as `toLocaleString()`. */
  | 'dateTime'
  /** `dateStyle: 'short', timeStyle: 'medium'` ("05.12.26, 16:13:07"). */
  | 'shortDateTime'
  /** `dateStyle: 'medium', timeStyle: 'short'` ("2026 ж. 05 жел., 16:13"). */
  | 'mediumDateTime'
  /** `timeStyle: 'medium'` ("16:13:07"). */
  | 'time'
  /** The weekday's name ("сенбі"). */
  | 'weekday';

export const DATE_FORMATS: readonly DateFormat[] = [
  'date',
  'dateTime',
  'shortDateTime',
  'mediumDateTime',
  'time',
  'weekday',
];

/** What each format asks of Intl; the first two are what `toLocale*String` use with no options. */
export const INTL_OPTIONS: Readonly<Record<DateFormat, Intl.DateTimeFormatOptions>> = {
  date: { year: 'numeric', month: 'numeric', day: 'numeric' },
  dateTime: {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  },
  shortDateTime: { dateStyle: 'short', timeStyle: 'medium' },
  mediumDateTime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'medium' },
  weekday: { weekday: 'long' },
};

export interface DateFormatOptions {
  /** An IANA time zone; the reader's local time when absent. */
  readonly timeZone?: string;
  /** Whether Intl here has real Kazakh data; probed once (`intlHasKazakh`) when absent. */
  readonly intlHasKazakh?: boolean;
}

/**
 * `value` (a Date, an ISO string or epoch milliseconds) in `language` and `format`. A value that
 * is no date is shown as it came rather than thrown: these run while a page renders, and one bad
 * timestamp from a server must not blank the whole page.
 */
export function formatDate(
  value: Date | string | number,
  language: string | undefined,
  format: DateFormat,
  options: DateFormatOptions = {},
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const { timeZone } = options;
  if (isKazakh(language) && !(options.intlHasKazakh ?? probedKazakh()))
    return formatKazakh(date, format, timeZone);
  return intlFormat(language, format, timeZone).format(date);
}

const isKazakh = (language: string | undefined): boolean =>
  language === 'kk' || (language?.startsWith('kk-') ?? false);

// Building an Intl formatter costs far more than using one, and the timeline formats hundreds.
const formatters = new Map<string, Intl.DateTimeFormat>();

function intlFormat(
  language: string | undefined,
  format: DateFormat,
  timeZone: string | undefined,
): Intl.DateTimeFormat {
  const key = `${language ?? ''}|${format}|${timeZone ?? ''}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language, { ...INTL_OPTIONS[format], timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** 5 December 2026: the probe's month is December, whose Kazakh name no root pattern holds. */
const PROBE_DATE = new Date(Date.UTC(2026, 11, 5, 12));

const monthInKazakh = (date: Date): string =>
  new Intl.DateTimeFormat('kk', { month: 'long', timeZone: 'UTC' }).format(date);

/**
 * Whether Intl really formats Kazakh: the long name of a December month must be "желтоқсан"
 * (root data gives "M12"). `formatMonth` is Intl's by default; a throwing one counts as no data.
 */
export function intlHasKazakh(formatMonth: (date: Date) => string = monthInKazakh): boolean {
  try {
    return formatMonth(PROBE_DATE).toLowerCase().includes('желтоқсан');
  } catch {
    return false;
  }
}

let probed: boolean | undefined;
const probedKazakh = (): boolean => (probed ??= intlHasKazakh());

// CLDR's `kk` abbreviated months (format context) and weekdays, Sunday first as Date#getDay.
const MONTHS_SHORT = [
  'қаң.',
  'ақп.',
  'нау.',
  'сәу.',
  'мам.',
  'мау.',
  'шіл.',
  'там.',
  'қыр.',
  'қаз.',
  'қар.',
  'жел.',
] as const;
const WEEKDAYS = [
  'жексенбі',
  'дүйсенбі',
  'сейсенбі',
  'сәрсенбі',
  'бейсенбі',
  'жұма',
  'сенбі',
] as const;

interface Fields {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  /** 0–23. */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// The root/English numbers are in every ICU build, however small; only they are read here.
const zoneFields = new Map<string, Intl.DateTimeFormat>();

function fieldsIn(date: Date, timeZone: string | undefined): Fields {
  if (timeZone === undefined)
    return {
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
    };
  let formatter = zoneFields.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      ...INTL_OPTIONS.dateTime,
      hourCycle: 'h23',
      timeZone,
    });
    zoneFields.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(date);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The weekday (0 = Sunday) of a calendar date, whatever the zone it was read in. */
function weekdayOf({ year, month, day }: Fields): number {
  const noon = new Date(Date.UTC(2000, 0, 1, 12));
  noon.setUTCFullYear(year, month - 1, day);
  return noon.getUTCDay();
}

/**
 * `date` in Kazakh from the built-in table, in the patterns full ICU uses for `kk`:
 * `dd.MM.y`, `dd.MM.y, HH:mm:ss`, `dd.MM.yy, HH:mm:ss`, `y 'ж'. dd MMM, HH:mm`, `HH:mm:ss`, `EEEE`.
 */
export function formatKazakh(date: Date, format: DateFormat, timeZone?: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Not a date: Invalid Date');
  const f = fieldsIn(date, timeZone);
  const numericDate = `${two(f.day)}.${two(f.month)}.${f.year}`;
  const hm = `${two(f.hour)}:${two(f.minute)}`;
  const hms = `${hm}:${two(f.second)}`;
  switch (format) {
    case 'date':
      return numericDate;
    case 'dateTime':
      return `${numericDate}, ${hms}`;
    case 'shortDateTime':
      return `${two(f.day)}.${two(f.month)}.${two(f.year % 100)}, ${hms}`;
    case 'mediumDateTime':
      return `${f.year} ж. ${two(f.day)} ${MONTHS_SHORT[f.month - 1]}, ${hm}`;
    case 'time':
      return hms;
    case 'weekday':
      return WEEKDAYS[weekdayOf(f)]!;
  }
}
