/**
 * The consent record (DOMAIN.md §4): field names follow ISO/IEC TS 27560 and the Kantara Consent
 * Receipt v1.1 where they fit. A consent is an event log, not a flag: its state is a fold over
 * its events (`consent-state.ts`), and a consent request is the same record in state `requested`.
 */
import type { Labels } from '../core/taxonomy.js';

export type ConsentState = 'requested' | 'active' | 'refused' | 'expired' | 'withdrawn' | 'paused';

export const CONSENT_STATES = [
  'requested',
  'active',
  'refused',
  'expired',
  'withdrawn',
  'paused',
] as const satisfies readonly ConsentState[];

export type ConsentEventType =
  | 'requested'
  | 'given'
  | 'refused'
  | 'withdrawn'
  | 'withdrawal-refused'
  | 'expired'
  | 'paused'
  | 'resumed';

export const CONSENT_EVENT_TYPES = [
  'requested',
  'given',
  'refused',
  'withdrawn',
  'withdrawal-refused',
  'expired',
  'paused',
  'resumed',
] as const satisfies readonly ConsentEventType[];

/** How the consent was collected (ISO 27560 `collectionMethod`). */
export type CollectionMethod = 'portal' | 'signed-request' | 'paper';
export const COLLECTION_METHODS = [
  'portal',
  'signed-request',
  'paper',
] as const satisfies readonly CollectionMethod[];

export type Language = 'kk' | 'ru' | 'en';

/**
 * A recipient of a transfer. A transfer is covered only for a recipient and country named
 * together, so the country is part of the recipient, not a separate list.
 */
export interface Recipient {
  /** BIN for a Kazakh recipient, or a foreign registration number; optional. */
  readonly identifier?: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** Who acted on a consent: the subject, a guardian for them, the requesting system, or Qalqan. */
export type ConsentActor =
  | { readonly kind: 'subject'; readonly pseudonym: string }
  | { readonly kind: 'guardian'; readonly pseudonym: string; readonly guardianshipId: string }
  | { readonly kind: 'system'; readonly id: string }
  | { readonly kind: 'staff'; readonly id: string }
  | { readonly kind: 'qalqan'; readonly id: 'expiry-sweep' | 'demo' | 'cli' };

export interface ConsentEvent {
  /** `cev_…`: the ledger idempotency key and the published event's id. */
  readonly id: string;
  readonly consentId: string;
  readonly type: ConsentEventType;
  readonly at: string;
  readonly actor: ConsentActor;
  /** Why: a withdrawal refused on declared grounds, a refusal's note; kk / ru / en. */
  readonly reason?: Labels & { readonly reference?: string };
}

export interface ConsentRecord {
  readonly id: string;
  /** ISO 27560 `piiPrincipalId` / Kantara `piiPrincipalId`: the subject's pseudonym, never an IIN. */
  readonly subject: string;
  /** The operator responsible (Kantara `piiControllers`), by registry id. */
  readonly controller: string;
  /** The information systems the consent is given to (an empty list would mean the whole operator). */
  readonly systems: readonly string[];
  readonly purposes: readonly string[];
  /** Kantara `piiCategory`. */
  readonly categories: readonly string[];
  /** Always `consent` for these records; the other bases live in the registry. */
  readonly legalBasis: 'consent';
  /** Kantara `thirdPartyName` / ISO 27560 `recipients`. */
  readonly recipients: readonly Recipient[];
  readonly processingCountries: readonly string[];
  readonly storageCountries: readonly string[];
  /** ISO 8601 duration the data may be kept after the consent ends (e.g. `P5Y`). */
  readonly retention: string;
  /** Start of validity: when it was given (null while requested). */
  readonly validFrom: string | null;
  /** End of validity: the consent expires by itself at this instant. */
  readonly validUntil: string;
  /** A request unanswered at this instant expires. */
  readonly requestExpiresAt: string;
  readonly collectionMethod: CollectionMethod;
  readonly language: Language;
  readonly policyUrl: string;
  /** ISO 27560 `withdrawalMethod`: how the subject withdraws (here: the portal and its API). */
  readonly withdrawalMethod: string;
  /** The request's message to the subject in kk / ru / en. */
  readonly message: Labels;
  readonly callbackUrl: string | null;
  readonly state: ConsentState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export type ReasonCode =
  | 'none'
  | 'expired'
  | 'withdrawn'
  | 'paused'
  | 'not-given'
  | 'purpose-not-covered'
  | 'category-not-covered'
  | 'recipient-not-named'
  | 'country-not-named';

/** A reason a person reads: a stable code and the same sentence in kk / ru / en. */
export interface Reason extends Labels {
  readonly code: ReasonCode;
}
