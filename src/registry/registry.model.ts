/** The registry's domain types, as the rest of Qalqan sees them (rows are mapped at the store). */
import type { CategoryCode, LegalBasisCode, Labels } from '../core/taxonomy.js';

export const SECTORS = [
  'state-body',
  'quasi-state',
  'bank',
  'microfinance',
  'health',
  'education',
  'telecom',
  'transport',
  'retail',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

export const SYSTEM_KINDS = [
  'ordinary',
  'biometric',
  'telematics',
  'messenger',
  'ai-model',
] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

export const TRUST_STATUSES = ['listed', 'pending', 'refused'] as const;
export type TrustStatus = (typeof TRUST_STATUSES)[number];

export type RecordStatus = 'active' | 'suspended' | 'revoked';

export interface Contact {
  readonly name: string;
  readonly position: string;
  readonly email: string;
  readonly phone: string;
}

export interface Operator {
  readonly id: string;
  readonly identifierKind: 'bin' | 'iin';
  /** The BIN, or an individual entrepreneur's IIN masked. */
  readonly identifier: string;
  readonly name: Labels;
  readonly sector: Sector;
  readonly contact: Contact;
  readonly status: RecordStatus;
  readonly statusReason: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const GROUND_KINDS = ['law', 'court-order', 'public-task', 'contract', 'regime'] as const;
export type GroundKind = Extract<LegalBasisCode, (typeof GROUND_KINDS)[number]>;

/** Who data may be passed to under a ground: a BIN or a foreign organisation, and its country. */
export interface GroundRecipient {
  readonly identifier?: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2, from the taxonomy. */
  readonly country: string;
}

/**
 * A legal act, court order, contract or regime the registry records as a basis this system may
 * claim. A transfer is covered only by a ground that names its recipient and country.
 */
export interface LegalGround {
  readonly basis: GroundKind;
  readonly reference: string;
  readonly purposes: string[];
  /** First day in force (inclusive); absent or null: in force since it was recorded. */
  readonly validFrom?: string | null;
  readonly validUntil: string | null;
  readonly recipients?: GroundRecipient[];
}

export interface BiometricProfile {
  readonly modalities: ('face' | 'fingerprint' | 'voice' | 'iris' | 'palm')[];
  readonly locations: string[];
  readonly vendor: string;
  readonly templateStorage: string;
}

export interface Certificate {
  readonly id: string;
  readonly systemId: string;
  readonly number: string;
  readonly issuer: string;
  readonly scope: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly recordedAt: string;
  readonly withdrawnAt: string | null;
  readonly withdrawnReason: string | null;
}

export interface InformationSystem {
  readonly id: string;
  readonly operatorId: string;
  readonly name: string;
  readonly description: string;
  readonly kind: SystemKind;
  readonly purposes: string[];
  readonly categories: CategoryCode[];
  readonly legalGrounds: LegalGround[];
  readonly hosting: {
    readonly country: string;
    readonly dataCentre: string;
    readonly onNationalPlatform: boolean;
  };
  readonly connections: {
    readonly accessControlSince: string | null;
    readonly socSince: string | null;
  };
  readonly trustStatus: TrustStatus;
  readonly biometric: BiometricProfile | null;
  readonly clientCertSha256: string | null;
  readonly status: RecordStatus;
  readonly statusReason: string | null;
  readonly suspendedUntil: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CredentialInfo {
  readonly id: string;
  readonly systemId: string;
  readonly prefix: string;
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly state: 'active' | 'expiring' | 'expired' | 'revoked';
}

/**
 * What the registry tells another module about a system at an instant (the read port,
 * `profileOf(systemId, at)`): the declared processing, standing with its reasons, and legal
 * grounds flattened to one entry per purpose.
 */
export interface SystemProfile {
  readonly system: {
    readonly id: string;
    readonly operatorId: string;
    readonly name: string;
    readonly kind: SystemKind;
    readonly status: RecordStatus;
    readonly hostingCountry: string;
    readonly purposes: readonly string[];
    readonly categories: readonly CategoryCode[];
  };
  readonly operator: { readonly id: string; readonly status: RecordStatus; readonly name: Labels };
  readonly standing: {
    readonly ok: boolean;
    readonly reasons: readonly { readonly code: string; readonly message: Labels }[];
  };
  readonly grounds: readonly {
    readonly kind: GroundKind;
    readonly purpose: string;
    readonly reference: string;
    readonly validFrom: string | null;
    readonly validTo: string | null;
    readonly recipients?: readonly GroundRecipient[];
  }[];
}

/** Who made a change, as kept in the history and the ledger record. */
export interface Actor {
  readonly kind: 'staff' | 'system' | 'cli' | 'demo';
  readonly id: string;
  readonly role?: string;
}

export function describeActor(actor: Actor): string {
  return actor.role ? `${actor.kind}:${actor.role}:${actor.id}` : `${actor.kind}:${actor.id}`;
}
