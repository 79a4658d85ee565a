/**
 * The console's reference lists page, its pure parts: which staff role the API lets change each
 * list (`src/monitor/reference.routes.ts`; the page only hides what the server would refuse, the
 * server still decides), what the forms send, and which refusals the page words itself.
 */
import { ApiError } from '../../api/http';
import { formatDate } from '../../i18n/dates';

export const REFERENCE_LISTS = [
  'honeytokens',
  'protected-persons',
  'working-hours',
  'terminated-actors',
  'staff',
  'destinations',
] as const;
export type ReferenceList = (typeof REFERENCE_LISTS)[number];

/**
 * Who may change each list from the console. Honeytokens and protected persons are the centre's
 * own watch lists (the SOC); an operator's lists and a system's destinations are the operator's
 * statements, which besides its own system keys only the regulator may make or correct.
 */
const WRITERS: Readonly<Record<ReferenceList, readonly string[]>> = {
  honeytokens: ['soc'],
  'protected-persons': ['soc'],
  'working-hours': ['regulator'],
  'terminated-actors': ['regulator'],
  staff: ['regulator'],
  destinations: ['regulator'],
};

export const mayWrite = (list: ReferenceList, roles: readonly string[]): boolean =>
  roles.some((role) => WRITERS[list].includes(role));

/** An IIN as typed or pasted, spaces and dashes between groups taken out. */
export const compactIin = (input: string): string => input.replace(/[\s-]+/g, '');

/** An ISO 3166-1 alpha-2 code as the API takes it (upper case), or undefined if not two letters. */
export function countryCode(input: string): string | undefined {
  const code = input.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}

/** Refusals the lists page words in the reader's language, by their problem code. */
const WORDED = {
  'core.invalid_iin': 'invalidIin',
  'core.unknown_country': 'unknownCountry',
  'monitor.reference_exists': 'exists',
  'monitor.reference_not_found': 'notFound',
  'monitor.system_not_found': 'systemNotFound',
  'monitor.operator_not_found': 'operatorNotFound',
  'monitor.invalid_working_hours': 'invalidWorkingHours',
  'request.validation': 'validation',
  'auth.forbidden': 'forbidden',
  'auth.unauthenticated': 'sessionEnded',
  'portal.session_expired': 'sessionEnded',
  'portal.csrf_failed': 'csrf',
} as const;
export type WordedProblem = (typeof WORDED)[keyof typeof WORDED];

/**
 * The message key (under `lists.problem`) for a refusal the page words itself, or undefined
 * (then the shared error message shows the server's own title). A 403 without a code is still
 * a refusal by role.
 */
export function wordedProblemOf(error: unknown): WordedProblem | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const { failure } = error;
  if (failure.kind === 'problem') {
    const code = failure.problem.code;
    if (code !== undefined && Object.hasOwn(WORDED, code))
      return WORDED[code as keyof typeof WORDED];
    return failure.status === 403 ? 'forbidden' : undefined;
  }
  return failure.kind === 'http' && failure.status === 403 ? 'forbidden' : undefined;
}

/**
 * Refusals whose English detail the page shows under its own words: which field the server refused,
 * or which working-hours value (a day listed twice, an unknown zone). Details never hold an IIN.
 */
const DETAILED: ReadonlySet<WordedProblem> = new Set(['validation', 'invalidWorkingHours']);
export const showsServerDetail = (worded: WordedProblem): boolean => DETAILED.has(worded);

/** ISO weekdays, 1 = Monday, as the working hours hold them. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * The days the working-hours form sends: each chosen weekday once, in week order, whatever order
 * or repeats the choices hold (the API refuses a day listed twice).
 */
export const workingDays = (chosen: readonly number[]): number[] =>
  WEEKDAYS.filter((day) => chosen.includes(day));

/** A weekday's name in a language (1 January 2024 was a Monday). */
export const weekdayName = (day: number, language: string | undefined): string =>
  formatDate(new Date(Date.UTC(2024, 0, day)), language, 'weekday', { timeZone: 'UTC' });
