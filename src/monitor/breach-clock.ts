/**
 * The breach-notification clock: by when the authorised body must hear of a breach, per
 * jurisdiction. Pure — the detection instant comes in, the deadline comes out.
 *
 * - `business-days` (Kazakhstan: 1 business day, in force since 1 July 2024): the clock runs only
 *   on business days in the jurisdiction's time zone — Monday to Friday, except the national
 *   public holidays `date-holidays` lists for the country (substitute days included). The
 *   deadline is the detection's local time of day, that many business days on; a detection on a
 *   weekend or holiday starts the clock at the next business day's midnight, so it runs out at
 *   the end of that day. The government moves days off each year by decree (a weekday
 *   between a holiday and a weekend becomes a day off, a Saturday a working day in exchange);
 *   `date-holidays` does not know these transfers, so the operator lists them per jurisdiction
 *   (`transfers`, from `QALQAN_BREACH_DAYS_OFF_<CODE>` / `QALQAN_BREACH_WORKING_DAYS_<CODE>`):
 *   a listed working day counts whatever its weekday or the holiday calendar say, a listed day
 *   off never counts. None are listed by default.
 * - `hours` (GDPR: 72 hours): calendar hours from detection.
 */
import Holidays from 'date-holidays';

export type BreachClockRule =
  | {
      readonly kind: 'business-days';
      readonly days: number;
      readonly timeZone: string;
      /** Country code `date-holidays` knows (e.g. `KZ`). */
      readonly holidays: string;
      /** Days moved by decree, on top of the weekends and the holiday calendar. */
      readonly transfers?: DayTransfers;
    }
  | { readonly kind: 'hours'; readonly hours: number };

/** Days the government moved: `YYYY-MM-DD` dates in the jurisdiction's time zone. */
export interface DayTransfers {
  /** Weekdays made days off: never business days. */
  readonly daysOff: readonly string[];
  /** Days (Saturdays) made working days: always business days. */
  readonly workingDays: readonly string[];
}

export interface Jurisdiction {
  readonly code: string;
  readonly authority: { readonly kk: string; readonly ru: string; readonly en: string };
  readonly clock: BreachClockRule;
}

/** Jurisdiction profiles; `KZ` is the default. */
export const JURISDICTIONS: Readonly<Record<string, Jurisdiction>> = {
  KZ: {
    code: 'KZ',
    authority: {
      kk: 'Қазақстан Республикасы Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі (дербес деректерді қорғау жөніндегі уәкілетті орган)',
      ru: 'Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан (уполномоченный орган по защите персональных данных)',
      en: 'Ministry of Digital Development, Innovation and Aerospace Industry of the Republic of Kazakhstan (the authorised body for personal data protection)',
    },
    clock: { kind: 'business-days', days: 1, timeZone: 'Asia/Almaty', holidays: 'KZ' },
  },
  GDPR: {
    code: 'GDPR',
    authority: {
      kk: 'Деректерді қорғау жөніндегі қадағалау органы (GDPR 33-бап)',
      ru: 'Надзорный орган по защите данных (ст. 33 GDPR)',
      en: 'The competent data-protection supervisory authority (GDPR Art. 33)',
    },
    clock: { kind: 'hours', hours: 72 },
  },
};

export const DEFAULT_JURISDICTION = 'KZ';

const holidayCache = new Map<string, ReadonlySet<string>>();

/** `YYYY-MM-DD` dates of the country's public holidays in a year (cached). */
export function publicHolidays(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let found = holidayCache.get(key);
  if (!found) {
    const calendar = new Holidays(country);
    found = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(key, found);
  }
  return found;
}

interface Wall {
  readonly date: string; // YYYY-MM-DD
  readonly minutes: number; // since local midnight, with seconds as a fraction
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallOf(instant: Date, timeZone: string): Wall & { offsetMs: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const seconds =
    Number(parts.hour) * 3600 +
    Number(parts.minute) * 60 +
    Number(parts.second) +
    (instant.getTime() % 1000) / 1000;
  const asUtc = Date.parse(`${date}T00:00:00Z`) + Math.floor(seconds) * 1000;
  return {
    date,
    minutes: seconds / 60,
    offsetMs: asUtc - (instant.getTime() - (instant.getTime() % 1000)),
  };
}

/** The instant a local wall-clock time names (the offset settled in two steps). */
function instantOf(wall: Wall, timeZone: string): Date {
  const naive = Date.parse(`${wall.date}T00:00:00Z`) + Math.round(wall.minutes * 60_000);
  let guess = naive - wallOf(new Date(naive), timeZone).offsetMs;
  guess = naive - wallOf(new Date(guess), timeZone).offsetMs;
  return new Date(guess);
}

const dateAfter = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const nextDate = (date: string): string => dateAfter(date, 1);

interface Moved {
  readonly off: ReadonlySet<string>;
  readonly working: ReadonlySet<string>;
}
const NONE: Moved = { off: new Set(), working: new Set() };
const moved = (transfers: DayTransfers | undefined): Moved =>
  transfers ? { off: new Set(transfers.daysOff), working: new Set(transfers.workingDays) } : NONE;

/**
 * Monday to Friday and not a public holiday of the country — unless the transfers make it a
 * working day (it counts) or a day off (it does not).
 */
export function isBusinessDay(date: string, country: string, transfers?: DayTransfers): boolean {
  return isBusiness(date, country, moved(transfers));
}

function isBusiness(date: string, country: string, transfers: Moved): boolean {
  if (transfers.off.has(date)) return false;
  if (transfers.working.has(date)) return true;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !publicHolidays(country, Number(date.slice(0, 4))).has(date);
}

/** The deadline for notifying the authorised body of a breach detected at `detectedAt`. */
export function notificationDeadline(detectedAt: Date, rule: BreachClockRule): Date {
  if (Number.isNaN(detectedAt.getTime())) throw new RangeError('detectedAt is not a valid date');
  if (rule.kind === 'hours') return new Date(detectedAt.getTime() + rule.hours * 3_600_000);
  const transfers = moved(rule.transfers);
  const business = (day: string) => isBusiness(day, rule.holidays, transfers);
  let { date, minutes } = wallOf(detectedAt, rule.timeZone);
  if (!business(date)) {
    // The clock starts at the next business day's midnight.
    do date = nextDate(date);
    while (!business(date));
    minutes = 0;
  }
  for (let left = rule.days; left > 0; left--) {
    do date = nextDate(date);
    while (!business(date));
  }
  if (minutes === 0) {
    // Midnight at the start of a business day is, on a clock that runs only on business days, the
    // same moment as the end of the business day before it; the deadline is the earlier of the
    // two (a Friday's clock runs out at the end of Friday, not at Monday's first minute).
    let last = dateAfter(date, -1);
    while (!business(last)) last = dateAfter(last, -1);
    date = nextDate(last);
  }
  return instantOf({ date, minutes }, rule.timeZone);
}

/**
 * The profile with the operator's transfers for its code applied (a business-day clock only; the
 * rest are returned as they are).
 */
export function withTransfers(
  jurisdiction: Jurisdiction,
  transfers: Readonly<Record<string, DayTransfers>> | undefined,
): Jurisdiction {
  const found =
    transfers && Object.hasOwn(transfers, jurisdiction.code)
      ? transfers[jurisdiction.code]
      : undefined;
  if (!found || jurisdiction.clock.kind !== 'business-days') return jurisdiction;
  return { ...jurisdiction, clock: { ...jurisdiction.clock, transfers: found } };
}

/** The jurisdiction profile for a code; unknown codes are refused by the caller. */
export function jurisdictionOf(code: string): Jurisdiction | undefined {
  return Object.hasOwn(JURISDICTIONS, code) ? JURISDICTIONS[code] : undefined;
}
