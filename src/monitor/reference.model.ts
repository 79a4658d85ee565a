/**
 * The reference data rules refer to — who is a honeytoken, who is protected, an operator's staff,
 * working hours and terminated actors, a system's declared destinations — named in a rule as an `expand`
 * placeholder (`subject|expand: '%honeytokens%'`, `actor.id|expand: '%terminated-actors:operator%'`,
 * the part after `:` being the event field whose value picks the list), and the fields the engine
 * derives from it (`offHours`, `actorPerson`, `categoriesOutsidePurpose`, `crossBorder`).
 */

/** Placeholder name -> the event field that keys the list (null: one list for everyone). */
export const REFERENCE_SETS: Readonly<Record<string, 'operator' | 'system' | null>> = {
  honeytokens: null,
  'protected-persons': null,
  'terminated-actors': 'operator',
  'suspended-actors': 'operator',
  staff: 'operator',
  'known-destinations': 'system',
};

/** Fields the engine computes for an event from the reference data (see `reference.ts`). */
export const DERIVED_FIELDS = [
  'offHours',
  'actorPerson',
  'categoriesOutsidePurpose',
  'crossBorder',
] as const;
export type DerivedField = (typeof DERIVED_FIELDS)[number];

/** An operator's working week, in its own time zone; checks outside it are "off hours". */
export interface WorkingHours {
  /** IANA zone, e.g. `Asia/Almaty`. */
  readonly timeZone: string;
  /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
  readonly days: readonly number[];
  /** `HH:MM`, local; `end` after `start` (a night shift is two entries' worth of work, not modelled). */
  readonly start: string;
  readonly end: string;
}

/** Reference data as the host supplies it (plain JSON: the SOC's and operators' registers). */
export interface MonitorReferenceInput {
  /** Subject pseudonyms planted by the SOC: any access is a breach in progress. */
  readonly honeytokens?: readonly string[];
  /** Subject pseudonyms of protected persons (public figures, witnesses). */
  readonly protectedPersons?: readonly string[];
  /** Operator id -> actor ids no longer employed. */
  readonly terminatedActors?: Readonly<Record<string, readonly string[]>>;
  /** Operator id -> actor ids whose access is suspended. */
  readonly suspendedActors?: Readonly<Record<string, readonly string[]>>;
  /** Operator id -> subject pseudonyms of its own employees (coworker snooping). */
  readonly staff?: Readonly<Record<string, readonly string[]>>;
  /**
   * System id -> destination countries it declares (a transfer elsewhere is new). Adequacy is not
   * reference data: the access event says whether the country was adequate when it was decided
   * (`countryAdequate`), since the access module owns the regulator's list.
   */
  readonly knownDestinations?: Readonly<Record<string, readonly string[]>>;
  /** Operator id -> its working hours. */
  readonly workingHours?: Readonly<Record<string, WorkingHours>>;
  /** Operator id -> actor id -> the pseudonym of the actor's own IIN, when the event lacks it. */
  readonly actorPersons?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Purpose code -> the categories it may use (the taxonomy); children inherit from parents. */
  readonly purposeCategories?: Readonly<Record<string, readonly string[]>>;
}

/** Input keys for each placeholder name. */
export const REFERENCE_INPUT_KEYS: Readonly<Record<string, keyof MonitorReferenceInput>> = {
  honeytokens: 'honeytokens',
  'protected-persons': 'protectedPersons',
  'terminated-actors': 'terminatedActors',
  'suspended-actors': 'suspendedActors',
  staff: 'staff',
  'known-destinations': 'knownDestinations',
};

/** `%name%` or `%name:field%`; null when the text is not a placeholder. */
export function parsePlaceholder(text: string): { name: string; keyField: string | null } | null {
  const match = /^%([a-z][a-z-]*)(?::([A-Za-z][A-Za-z0-9_.]*))?%$/.exec(text);
  if (!match) return null;
  return { name: match[1]!, keyField: match[2] ?? null };
}
