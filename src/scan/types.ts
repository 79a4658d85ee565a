/**
 * Shared shapes of the PII scanner. A detector proposes a {@link Candidate} inside one piece of
 * text; the engine scores it and the pipeline turns it into a {@link Finding}, which never holds
 * the raw value: only a masked form and a keyed hash (so equal values correlate across reports).
 */

/** Every kind of personal data the scanner looks for. The order is the order of reports. */
export const PII_TYPES = [
  'iin',
  'bin',
  'phone',
  'iban',
  'card',
  'id-card',
  'passport',
  'mrz',
  'plate',
  'vin',
  'email',
  'ip',
  'health',
] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** Data categories from DOMAIN.md §3 that the scanner's types fall into. */
export type PiiCategory =
  'identity' | 'contact' | 'document' | 'financial' | 'telematics' | 'online' | 'health';

export const CATEGORY_OF: Readonly<Record<PiiType, PiiCategory>> = {
  iin: 'identity',
  bin: 'identity',
  phone: 'contact',
  iban: 'financial',
  card: 'financial',
  'id-card': 'document',
  passport: 'document',
  mrz: 'document',
  plate: 'telematics',
  vin: 'telematics',
  email: 'contact',
  ip: 'online',
  health: 'health',
};

/** Identifiers that make health data about a person the worst case when they appear together. */
export const IDENTIFYING_TYPES: ReadonlySet<PiiType> = new Set<PiiType>([
  'iin',
  'phone',
  'iban',
  'card',
  'id-card',
  'passport',
  'mrz',
  'email',
]);

export function isPiiType(value: string): value is PiiType {
  return (PII_TYPES as readonly string[]).includes(value);
}

/** A match a detector proposes; offsets are UTF-16 indices into the scanned text. */
export interface Candidate {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  /** Base score before context; 1 when a checksum validated the value. */
  score: number;
  /** True when a checksum (IIN/BIN mod 11, Luhn, mod 97, 7-3-1, VIN) proved the value. */
  readonly validated: boolean;
  /** A non-identifying refinement: card brand, IP version, `icd-10` for health codes. */
  readonly subtype?: string;
  /** Set by the engine when a context word raised the score. */
  context?: boolean;
}

/** Where a finding sits. Only the members that apply to the input's format are set. */
export interface FindingLocation {
  /** Path of the scanned file, or a label such as `<text>` for in-memory scans. */
  readonly source: string;
  /** Byte offset of the finding in the source file (UTF-8). */
  readonly offset?: number;
  /** 1-based line and column (UTF-16 units) in plain text and WhatsApp exports. */
  readonly line?: number;
  readonly column?: number;
  /** JSON path such as `$.chats.list[3].messages[10].text[1].text`. */
  readonly jsonPath?: string;
  /** 1-based CSV record number (the header is record 1) and the column's header name. */
  readonly row?: number;
  readonly field?: string;
  /** Chat exports: chat name, message id, local date as written in the export, author. */
  readonly chat?: string;
  readonly messageId?: string;
  readonly date?: string;
  readonly author?: string;
}

/** One piece of personal data found. It never carries the value itself. */
export interface Finding {
  readonly type: PiiType;
  readonly category: PiiCategory;
  readonly subtype?: string;
  readonly score: number;
  readonly validated: boolean;
  /** The value with most characters replaced by `*`, e.g. `9005********`. */
  readonly masked: string;
  /** Keyed hash (HMAC-SHA-256, hex, 128 bits) of the normalised value: equal values, equal hash. */
  readonly hash: string;
  readonly location: FindingLocation;
}
