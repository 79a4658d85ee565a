/**
 * The events the engine reads. Any `DomainEvent` (contract 2: `{ id, type, at, data }`) is
 * accepted and flattened — `data.actor.id` becomes the field `actor.id` — so rules can look at
 * consent and registry events as well as access checks. The access module's `access.checked`
 * event is expected to carry the fields below (pseudonyms only); the monitor declares that shape
 * itself so it depends on nothing but the contract.
 *
 * An input that is not such an event is not thrown away: `parseMonitorEvent` says why, and the
 * engine counts and parks it.
 */
import type { FieldValue } from './rule.model.js';

/** `access.checked` as the monitor reads it (fields of `data`). */
export interface AccessCheckedData {
  /** The subject's pseudonym. */
  readonly subject: string;
  readonly actor: { readonly id: string; readonly pseudonym?: string };
  readonly system: string;
  readonly operator: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly action: 'read' | 'search' | 'export' | 'transfer';
  readonly recordCount?: number;
  readonly decision: 'permit' | 'deny';
  /** ISO 3166-1 alpha-2 destination of a transfer (or the hosting country of a system abroad). */
  readonly country?: string;
  /** Whether the access decision took the check for a transfer abroad (the derived `crossBorder`). */
  readonly crossBorder: boolean;
  /** For a cross-border check: whether the country was on the adequacy list when decided. */
  readonly countryAdequate?: boolean;
  readonly recipient?: string;
}

export const ACCESS_CHECKED = 'access.checked';
/** The engine's own alerts, fed back so correlations can count them (multi-incident, repeat offender). */
export const MONITOR_ALERT = 'monitor.alert';

export interface MonitorEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly atMs: number;
  /** Flattened: `type`, `at`, `id` and every scalar or list of scalars in `data`, by dotted path. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** 0 for a delivered event; an alert fed back is one more than the event that raised it. */
  readonly depth: number;
  /** Derived fields computed for this event, filled on first use. */
  readonly derived: Record<string, FieldValue>;
  /** Group keys built for this event, by the engine's key slot (null: a group-by field is missing). */
  readonly keys: (string | null)[];
}

export type ParseEventResult =
  | { readonly ok: true; readonly event: MonitorEvent }
  | { readonly ok: false; readonly reason: string; readonly id?: string };

const MAX_ID = 200;
const MAX_FIELDS = 200;
const MAX_DEPTH = 4;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The reference reading of an instant: the pattern, then `Date.parse`. */
export function parseInstantSlowly(at: string): number {
  return ISO_INSTANT.test(at) ? Date.parse(at) : NaN;
}

const digit = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
};
const twoDigits = (text: string, i: number): number => {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/**
 * Milliseconds of an ISO-8601 instant, NaN when `at` is not one — as `parseInstantSlowly`, which
 * the tests hold it to. The form every producer here writes (`toISOString`:
 * `2026-03-02T04:00:00.000Z`) is read digit by digit; anything else (offsets, no milliseconds,
 * years before 100, hour 24, fields out of range) takes the reference path.
 */
export function instantMs(at: string): number {
  if (at.length === 24 && at.charCodeAt(23) === 90 /* Z */) {
    const msHigh = twoDigits(at, 20);
    const msLow = digit(at, 22);
    const ms = msHigh * 10 + msLow;
    // Events come in bursts within one second: its first 19 characters, once read and checked
    // below, are remembered, and an instant in the same second needs only its milliseconds.
    if (msHigh >= 0 && msLow >= 0 && at.charCodeAt(19) === 46 /* . */ && at.startsWith(lastSecond))
      return lastSecondMs + ms;
    const year = twoDigits(at, 0) * 100 + twoDigits(at, 2);
    const month = twoDigits(at, 5);
    const day = twoDigits(at, 8);
    const hour = twoDigits(at, 11);
    const minute = twoDigits(at, 14);
    const second = twoDigits(at, 17);
    if (
      at.charCodeAt(4) === 45 &&
      at.charCodeAt(7) === 45 &&
      at.charCodeAt(10) === 84 &&
      at.charCodeAt(13) === 58 &&
      at.charCodeAt(16) === 58 &&
      at.charCodeAt(19) === 46 &&
      twoDigits(at, 0) >= 1 &&
      twoDigits(at, 2) >= 0 &&
      msHigh >= 0 &&
      msLow >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 31 &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59 &&
      ms >= 0
    ) {
      lastSecondMs = Date.UTC(year, month - 1, day, hour, minute, second);
      lastSecond = at.slice(0, 19);
      return lastSecondMs + ms;
    }
  }
  return parseInstantSlowly(at);
}

/** The second last read in full (`2026-03-02T04:00:00`) and its milliseconds; none at first. */
let lastSecond = '\u0000'.repeat(19);
let lastSecondMs = 0;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Dotted names (`actor.id`) built once and reused: a name built afresh for every event is a new
 * string each time, which the field store must look up in V8's string table before it can use
 * it as a key. Bounded (names come from the events): past the bound the cache starts over.
 */
const dottedNames = new Map<string, Map<string, string>>();
let dottedCount = 0;
const MAX_DOTTED_NAMES = 4_096;

function dottedName(prefix: string, key: string): string {
  let byKey = dottedNames.get(prefix);
  if (byKey === undefined) {
    byKey = new Map();
    dottedNames.set(prefix, byKey);
  }
  let name = byKey.get(key);
  if (name === undefined) {
    name = `${prefix}.${key}`;
    if (dottedCount >= MAX_DOTTED_NAMES) {
      dottedNames.clear();
      dottedCount = 0;
    }
    dottedCount += 1;
    (dottedNames.get(prefix) ?? dottedNames.set(prefix, new Map()).get(prefix)!).set(key, name);
  }
  return name;
}

/** A list's strings and finite numbers, copied by a loop (no predicate closure per list). */
function scalarsOf(list: readonly unknown[]): (string | number)[] {
  const kept: (string | number)[] = [];
  for (let i = 0; i < list.length; i += 1) {
    const element = list[i];
    if (typeof element === 'string' || (typeof element === 'number' && Number.isFinite(element)))
      kept.push(element);
  }
  return kept;
}

/**
 * Copies `value`'s scalars and lists into `fields` by dotted path (a function of the module, not
 * a closure per event); returns the running field count, or -1 past `MAX_FIELDS`.
 */
function flatten(
  fields: Record<string, FieldValue>,
  prefix: string,
  value: Record<string, unknown>,
  level: number,
  counted: number,
): number {
  let count = counted;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    const name = prefix === '' ? key : dottedName(prefix, key);
    if (++count > MAX_FIELDS) return -1;
    if (item === null || typeof item === 'string' || typeof item === 'boolean') fields[name] = item;
    else if (typeof item === 'number') {
      if (Number.isFinite(item)) fields[name] = item;
    } else if (Array.isArray(item)) {
      fields[name] = scalarsOf(item);
    } else if (isRecord(item) && level < MAX_DEPTH) {
      count = flatten(fields, name, item, level + 1, count);
      if (count < 0) return -1;
    }
  }
  return count;
}

export function parseMonitorEvent(input: unknown, depth = 0): ParseEventResult {
  if (!isRecord(input)) return { ok: false, reason: 'not an object' };
  const { id, type, at, data } = input;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) {
    return { ok: false, reason: `id must be a string of 1 to ${MAX_ID} characters` };
  }
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_ID) {
    return { ok: false, reason: 'type must be a non-empty string', id };
  }
  const atMs = typeof at === 'string' ? instantMs(at) : NaN;
  if (!Number.isFinite(atMs)) return { ok: false, reason: 'at must be an ISO-8601 instant', id };
  if (!isRecord(data)) return { ok: false, reason: 'data must be an object', id };
  const fields: Record<string, FieldValue> = { id, type, at: at as string };
  if (flatten(fields, '', data, 0, 0) < 0)
    return { ok: false, reason: `data has more than ${MAX_FIELDS} fields`, id };
  if (type === ACCESS_CHECKED) {
    const problem = accessCheckedProblem(fields);
    if (problem) return { ok: false, reason: problem, id };
  }
  return {
    ok: true,
    event: { id, type, at: at as string, atMs, fields, depth, derived: {}, keys: [] },
  };
}

/** The fields every access rule relies on; a check without them cannot be judged. */
function accessCheckedProblem(fields: Readonly<Record<string, FieldValue>>): string | null {
  for (const name of ['subject', 'actor.id', 'system', 'operator', 'decision']) {
    if (typeof fields[name] !== 'string') return `access.checked needs data.${name} (a string)`;
  }
  const count = fields.recordCount;
  if (count !== undefined && count !== null && (typeof count !== 'number' || count < 0)) {
    return 'access.checked: data.recordCount must be a number ≥ 0';
  }
  return null;
}
