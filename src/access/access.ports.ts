/**
 * What the access module needs from the rest of Qalqan, declared in its own terms. `server.ts`
 * adapts the providers (registry `profileOf`, consent `coveringConsent`, subjects, the outbox, the
 * ledger's receipts, monitoring responses, rights-request restrictions); tests pass in-memory
 * fakes. The module never reads another module's tables.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type {
  AccessProfile,
  ConsentCoverageResult,
  MonitoringResponse,
  SubjectRestriction,
  TransferRecipient,
} from './access.model.js';
import type { AccessTables } from './access.tables.js';

/** The registry's read port: standing, declared processing and legal grounds at an instant. */
export interface Profiles {
  /** null for an unknown system. */
  profileOf(systemId: string, at: Date): Promise<AccessProfile | null>;
}

/** The consent module's `coveringConsent`, asked with `coverageQueryOf(profile, request)`. */
export interface Consents {
  coveringConsent(query: {
    readonly subject: string;
    readonly system: string;
    readonly operator: string;
    readonly purpose: string;
    readonly categories: readonly string[];
    readonly recipient?: TransferRecipient;
    readonly country?: string;
    readonly at: string;
  }): Promise<ConsentCoverageResult>;
}

export interface Subjects {
  /** Validates the IIN (`core.invalid_iin`, never echoing it) and registers the subject if new. */
  subjectOf(iin: string): Promise<{ readonly pseudonym: string; readonly birthDate: string }>;
  /** The pseudonym of an IIN already validated, without registering anyone (an actor's own IIN). */
  pseudonymOf(iin: string): string;
}

/** Monitoring responses (block or throttle an actor, block a system or transfers) for a system. */
export interface Responses {
  inForce(scope: {
    readonly systemId: string;
    readonly operatorId: string;
    readonly at: string;
  }): Promise<readonly MonitoringResponse[]>;
}

/** A subject's restrictions of an operator (rights requests); empty until those exist. */
export interface Restrictions {
  of(subject: string, operatorId: string, at: string): Promise<readonly SubjectRestriction[]>;
}

/** One fact for the ledger and its event, as the shared outbox takes it (contract 1). */
export interface AccessOutboxItem {
  readonly id: string;
  readonly type: string;
  readonly record: JsonObject;
  readonly event?: {
    readonly id: string;
    readonly type: string;
    readonly at: string;
    readonly data: JsonObject;
  };
}

export interface AccessOutbox {
  /** Writes the items in the caller's transaction. */
  enqueue(trx: Kysely<AccessTables>, items: readonly AccessOutboxItem[]): Promise<void>;
  /** After commit: id -> ledger index, durably appended (null on a standby instance). */
  sequence(ids: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
  ledgerIndexOf(id: string): Promise<number | null>;
  /**
   * One commit for checks where the ledger sequences into this database: the checks' rows (given
   * their ledger indexes, in order: the only copy, `ledgerIndexOf` answers null for these) and
   * their ledger entries in one ledger transaction, with their events to publish, all or none.
   * The indexes, or undefined when not possible (nothing written: use the two steps above).
   * Absent: always the two steps.
   */
  appendWith?(
    items: readonly AccessOutboxItem[],
    rows: (indexes: readonly number[]) => readonly CompiledQuery[],
  ): Promise<readonly number[] | undefined>;
}

/** The ledger's receipt of one entry: the record, its salt and the proof to a signed checkpoint. */
export interface LedgerReceiptView {
  readonly index: number;
  readonly type: string;
  readonly record: JsonObject;
  readonly salt: string;
  readonly entry: string;
  readonly treeSize: number;
  readonly inclusionProof: readonly string[];
  readonly checkpoint: string;
}

export interface Receipts {
  receipt(index: number): Promise<LedgerReceiptView>;
}

export type Clock = () => Date;
