/**
 * Consistency rules for an information system's description, checked before it is stored so the
 * registry never holds a system that access checks could not reason about.
 */
import { DomainError } from '../core/errors.js';
import { firstRepeat } from '../core/repeats.js';
import type { CategoryCode, TaxonomyIndex } from '../core/taxonomy.js';
import type {
  BiometricProfile,
  InformationSystem,
  LegalGround,
  SystemKind,
  TrustStatus,
} from './registry.model.js';

export interface SystemInput {
  readonly operatorId: string;
  readonly name: string;
  readonly description: string;
  readonly kind: SystemKind;
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly legalGrounds?: readonly LegalGround[] | undefined;
  readonly hosting: InformationSystem['hosting'];
  readonly connections?:
    { readonly accessControlSince: string | null; readonly socSince: string | null } | undefined;
  readonly trustStatus?: TrustStatus | undefined;
  readonly biometric?: BiometricProfile | null | undefined;
  readonly clientCertSha256?: string | null | undefined;
}

export type SystemPatch = Partial<Omit<SystemInput, 'operatorId'>>;

const invalid = (detail: string, field: string) =>
  new DomainError('registry.invalid_system', detail, { field });

export function checkSystemConsistency(input: SystemInput, taxonomy: TaxonomyIndex): void {
  const purposes = taxonomy.requirePurposes(input.purposes, 'purposes');
  const categories = taxonomy.requireCategories(input.categories, 'categories');
  taxonomy.requireCountry(input.hosting.country, 'hosting.country');
  if (purposes.length === 0) throw invalid('purposes: declare at least one purpose', 'purposes');
  if (categories.length === 0)
    throw invalid('categories: declare at least one data category', 'categories');
  if (new Set(purposes).size !== purposes.length)
    throw invalid('purposes: each purpose once', 'purposes');
  if (new Set(categories).size !== categories.length)
    throw invalid('categories: each category once', 'categories');

  // A category no declared purpose may use could never be accessed lawfully: refuse it now rather
  // than deny every access later.
  const allowed = new Set<CategoryCode>(
    purposes.flatMap((code) => taxonomy.purpose(code)?.categories ?? []),
  );
  const orphans = categories.filter((category) => !allowed.has(category));
  if (orphans.length > 0) {
    throw invalid(
      `categories: ${orphans.map((c) => `'${c}'`).join(', ')} not allowed for any declared purpose (${purposes.join(', ')})`,
      'categories',
    );
  }

  // Grounds, and each ground's purposes and recipients, are sets, as the routes' schemas say
  // (uniqueItems): held here too for input that does not come through a route, so no path stores
  // a repeat that a client sending the system back as read would then be refused for.
  const grounds = input.legalGrounds ?? [];
  const repeat = firstRepeat(grounds, sortedJson);
  if (repeat)
    throw invalid(
      `legalGrounds[${repeat.index}]: the same ground is declared twice (first as legalGrounds[${repeat.first}])`,
      'legalGrounds',
    );
  for (const [i, ground] of grounds.entries()) {
    const field = `legalGrounds[${i}]`;
    for (const list of ['purposes', 'recipients'] as const) {
      const at = firstRepeat<unknown>(ground[list] ?? [], sortedJson);
      if (at)
        throw invalid(
          `${field}.${list}[${at.index}]: named twice (first as ${field}.${list}[${at.first}])`,
          `${field}.${list}`,
        );
    }
    for (const purposeCode of ground.purposes) {
      if (!purposes.includes(purposeCode))
        throw invalid(
          `${field}.purposes: '${purposeCode}' is not one of the system's purposes`,
          `${field}.purposes`,
        );
      const purpose = taxonomy.purpose(purposeCode);
      if (purpose && !purpose.legalBases.includes(ground.basis)) {
        throw invalid(
          `${field}.basis: '${ground.basis}' is not a legal basis for '${purposeCode}' (allowed: ${purpose.legalBases.join(', ')})`,
          `${field}.basis`,
        );
      }
    }
    if (ground.purposes.length === 0)
      throw invalid(`${field}.purposes: name the purposes this ground covers`, `${field}.purposes`);
    if (ground.validUntil !== null && !isIsoDateOrTime(ground.validUntil))
      throw invalid(`${field}.validUntil: not an ISO date`, `${field}.validUntil`);
    if (ground.validFrom != null && !isIsoDateOrTime(ground.validFrom))
      throw invalid(`${field}.validFrom: not an ISO date`, `${field}.validFrom`);
    if (
      ground.validFrom != null &&
      ground.validUntil !== null &&
      ground.validUntil <= ground.validFrom
    )
      throw invalid(`${field}.validUntil: not after validFrom`, `${field}.validUntil`);
    for (const [j, recipient] of (ground.recipients ?? []).entries()) {
      taxonomy.requireCountry(recipient.country, `${field}.recipients[${j}].country`);
    }
  }

  if (input.kind === 'biometric' && !input.biometric) {
    throw invalid(
      'biometric: a biometric system must describe its modalities, locations, vendor and template storage',
      'biometric',
    );
  }
  if (input.kind !== 'biometric' && input.biometric) {
    throw invalid(
      `biometric: only a biometric system has a biometric profile (kind is '${input.kind}')`,
      'biometric',
    );
  }
  if (input.kind === 'biometric' && !categories.includes('biometric')) {
    throw invalid(
      "categories: a biometric system must declare the 'biometric' category",
      'categories',
    );
  }
  for (const key of ['accessControlSince', 'socSince'] as const) {
    const value = input.connections?.[key];
    if (value != null && !isIsoDate(value))
      throw invalid(`connections.${key}: expected YYYY-MM-DD`, `connections.${key}`);
  }
  if (input.clientCertSha256 != null && !/^[0-9a-f]{64}$/.test(input.clientCertSha256)) {
    throw invalid(
      'clientCertSha256: expected 64 lower-case hex characters (SHA-256 of the DER certificate)',
      'clientCertSha256',
    );
  }
}

/** JSON with every object's keys sorted: one spelling for the values `uniqueItems` calls equal. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function isIsoDate(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

function isIsoDateOrTime(value: string): boolean {
  return isIsoDate(value) || toInstant(value) !== undefined;
}

/** A full ISO-8601 date-time with zone, normalised to UTC milliseconds. */
function toInstant(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Certificate validity as half-open UTC instants. A date without a time means the whole day: a
 * certificate "valid until 2027-03-31" is valid through the end of 31 March.
 */
export function normaliseCertificateDates(
  validFrom: string,
  validUntil: string,
): { validFrom: string; validUntil: string } {
  const from = isIsoDate(validFrom) ? `${validFrom}T00:00:00.000Z` : toInstant(validFrom);
  const until = isIsoDate(validUntil)
    ? new Date(Date.parse(`${validUntil}T00:00:00Z`) + 86_400_000).toISOString()
    : toInstant(validUntil);
  if (!from)
    throw new DomainError(
      'registry.invalid_certificate',
      'validFrom: expected an ISO date (YYYY-MM-DD) or date-time with zone',
      { field: 'validFrom' },
    );
  if (!until)
    throw new DomainError(
      'registry.invalid_certificate',
      'validUntil: expected an ISO date (YYYY-MM-DD) or date-time with zone',
      { field: 'validUntil' },
    );
  if (until <= from) {
    throw new DomainError(
      'registry.invalid_certificate',
      `validUntil (${validUntil}) is not after validFrom (${validFrom})`,
      { field: 'validUntil' },
    );
  }
  return { validFrom: from, validUntil: until };
}
