/**
 * Reference data compiled for fast lookups, and the fields the engine derives from it. Pure:
 * the local time for `offHours` comes from the event's own `at` and the operator's time zone,
 * never from a clock.
 */
import type { MonitorEvent } from './monitor-event.js';
import {
  REFERENCE_INPUT_KEYS,
  REFERENCE_SETS,
  type DerivedField,
  type MonitorReferenceInput,
  type WorkingHours,
} from './reference.model.js';
import type { FieldValue } from './rule.model.js';

interface CompiledHours {
  readonly timeZone: string;
  readonly days: ReadonlySet<number>;
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface CompiledReference {
  /** The list a placeholder names (for keyed lists, the one `key` picks), or an empty set. */
  lookup(name: string, key: string | null): ReadonlySet<string>;
  readonly workingHours: ReadonlyMap<string, CompiledHours>;
  readonly actorPersons: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly purposeCategories: ReadonlyMap<string, ReadonlySet<string>>;
}

const EMPTY: ReadonlySet<string> = new Set();

const minuteOf = (text: string): number | null => {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  return minute <= 1440 ? minute : null;
};

/** Checks working hours; returns the problem or null. */
export function workingHoursProblem(hours: WorkingHours): string | null {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: hours.timeZone });
  } catch {
    return `unknown time zone '${hours.timeZone}'`;
  }
  if (
    !Array.isArray(hours.days) ||
    hours.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)
  ) {
    return 'days are ISO weekdays 1 (Monday) to 7 (Sunday)';
  }
  const start = minuteOf(hours.start);
  const end = minuteOf(hours.end);
  if (start === null || end === null || end <= start)
    return 'start and end are HH:MM with end after start';
  return null;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A weekday as a problem names it: `3 (Wednesday)`. */
export const dayName = (day: number): string => `${day} (${DAY_NAMES[day - 1] ?? 'no weekday'})`;

/** Days as a set, in week order: how stored hours are read, whatever an older row holds. */
export const daysOf = (days: readonly number[]): number[] =>
  [...new Set(days)].sort((a, b) => a - b);

/** Compiles reference input; working hours that do not check out are reported and left out. */
export function compileReference(input: MonitorReferenceInput = {}): {
  reference: CompiledReference;
  problems: string[];
} {
  const problems: string[] = [];
  const global = new Map<string, ReadonlySet<string>>();
  const keyed = new Map<string, Map<string, ReadonlySet<string>>>();
  for (const [name, keyField] of Object.entries(REFERENCE_SETS)) {
    const raw = input[REFERENCE_INPUT_KEYS[name]!];
    if (raw === undefined) continue;
    if (keyField === null) global.set(name, new Set(raw as readonly string[]));
    else {
      const byKey = new Map<string, ReadonlySet<string>>();
      for (const [key, list] of Object.entries(raw as Record<string, readonly string[]>))
        byKey.set(key, new Set(list));
      keyed.set(name, byKey);
    }
  }
  const workingHours = new Map<string, CompiledHours>();
  for (const [operator, hours] of Object.entries(input.workingHours ?? {})) {
    const problem = workingHoursProblem(hours);
    if (problem) {
      problems.push(`working hours of operator '${operator}': ${problem}`);
      continue;
    }
    workingHours.set(operator, {
      timeZone: hours.timeZone,
      days: new Set(hours.days),
      startMinute: minuteOf(hours.start)!,
      endMinute: minuteOf(hours.end)!,
    });
  }
  const actorPersons = new Map<string, ReadonlyMap<string, string>>();
  for (const [operator, actors] of Object.entries(input.actorPersons ?? {})) {
    actorPersons.set(operator, new Map(Object.entries(actors)));
  }
  const purposeCategories = new Map<string, ReadonlySet<string>>();
  for (const [purpose, categories] of Object.entries(input.purposeCategories ?? {})) {
    purposeCategories.set(purpose, new Set(categories));
  }
  return {
    reference: {
      lookup: (name, key) =>
        key === null ? (global.get(name) ?? EMPTY) : (keyed.get(name)?.get(key) ?? EMPTY),
      workingHours,
      actorPersons,
      purposeCategories,
    },
    problems,
  };
}

const QUARTER_HOUR = 900_000;
const WEEKDAYS: Readonly<Record<string, number>> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

/**
 * Local weekday and minute of day. Every time zone's offset is a whole number of quarter hours,
 * so the local time at the start of a quarter hour, plus the minutes since, is exact; the
 * expensive `Intl` call runs once per zone and quarter hour (cached, bounded).
 */
export class LocalClock {
  readonly #formatters = new Map<string, Intl.DateTimeFormat>();
  readonly #cache = new Map<string, { weekday: number; minute: number }>();
  /**
   * Each zone's last quarter hour, answered without building the cache's key: events come in
   * time order, so nearly every one falls in its zone's last quarter hour.
   */
  readonly #last = new Map<
    string,
    { bucket: number; start: { weekday: number; minute: number } }
  >();
  constructor(private readonly capacity = 4_096) {}

  localTime(timeZone: string, atMs: number): { weekday: number; minute: number } {
    const bucket = Math.floor(atMs / QUARTER_HOUR);
    const last = this.#last.get(timeZone);
    let start: { weekday: number; minute: number } | undefined;
    if (last !== undefined && last.bucket === bucket) start = last.start;
    else {
      start = this.#quarterStart(timeZone, bucket);
      if (last !== undefined) {
        last.bucket = bucket;
        last.start = start;
      } else if (this.#last.size < this.capacity) this.#last.set(timeZone, { bucket, start });
    }
    return {
      weekday: start.weekday,
      minute: start.minute + Math.floor((atMs - bucket * QUARTER_HOUR) / 60_000),
    };
  }

  #quarterStart(timeZone: string, bucket: number): { weekday: number; minute: number } {
    const key = `${timeZone}|${bucket}`;
    let start = this.#cache.get(key);
    if (start === undefined) {
      let formatter = this.#formatters.get(timeZone);
      if (formatter === undefined) {
        formatter = new Intl.DateTimeFormat('en-GB', {
          timeZone,
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        });
        this.#formatters.set(timeZone, formatter);
      }
      const parts = formatter.formatToParts(bucket * QUARTER_HOUR);
      const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      start = {
        weekday: WEEKDAYS[part('weekday')] ?? 0,
        minute: Number(part('hour')) * 60 + Number(part('minute')),
      };
      if (this.#cache.size >= this.capacity) this.#cache.clear();
      this.#cache.set(key, start);
    }
    return start;
  }
}

const str = (value: FieldValue | undefined): string | null =>
  typeof value === 'string' ? value : null;

/** Computes one derived field of an event (see `DERIVED_FIELDS`). */
export function deriveField(
  name: DerivedField,
  event: MonitorEvent,
  reference: CompiledReference,
  clock: LocalClock,
): FieldValue {
  const fields = event.fields;
  switch (name) {
    case 'actorPerson': {
      const own = str(fields['actor.pseudonym']);
      if (own !== null) return own;
      const operator = str(fields.operator);
      const actor = str(fields['actor.id']);
      return operator !== null && actor !== null
        ? (reference.actorPersons.get(operator)?.get(actor) ?? null)
        : null;
    }
    case 'offHours': {
      const operator = str(fields.operator);
      const hours = operator === null ? undefined : reference.workingHours.get(operator);
      // Unknown hours: neither on nor off, so no off-hours rule fires on a guess.
      if (hours === undefined) return null;
      const { weekday, minute } = clock.localTime(hours.timeZone, event.atMs);
      return !hours.days.has(weekday) || minute < hours.startMinute || minute >= hours.endMinute;
    }
    case 'categoriesOutsidePurpose': {
      let purpose = str(fields.purpose);
      const categories = fields.categories;
      if (purpose === null || !Array.isArray(categories)) return null;
      // A child purpose inherits its parent's list when it has none of its own.
      let allowed = reference.purposeCategories.get(purpose);
      while (allowed === undefined && purpose.includes('.')) {
        purpose = purpose.slice(0, purpose.lastIndexOf('.'));
        allowed = reference.purposeCategories.get(purpose);
      }
      if (allowed === undefined) return null;
      const outside = categories.filter((c) => !allowed.has(String(c)));
      return outside.length > 0 ? outside : null;
    }
    case 'crossBorder': {
      // The access decision's own answer when the event carries it: a read by a system hosted at
      // home is no transfer, whatever country the caller named; a system hosted abroad transfers
      // with every check. Without it (rule test events), a country other than KZ.
      const decided = fields.crossBorder;
      if (typeof decided === 'boolean') return decided;
      const country = str(fields.country);
      return country !== null && country.toUpperCase() !== 'KZ';
    }
  }
}
