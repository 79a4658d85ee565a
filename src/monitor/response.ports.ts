/**
 * What the monitoring centre's response side (reference data, responses, incidents) needs from the
 * rest of Qalqan, in its own terms. `server.ts` adapts the providers: the registry (a system's
 * standing and its suspend / reinstate service), the subjects module (IIN -> pseudonym), the
 * access module (`subjectsAccessedBy`), the shared outbox and monitor-core's cases.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Labels } from '../core/taxonomy.js';
import type { DomainEvent } from '../events/events.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type { MonitorResponseTables } from './response.tables.js';

/** Who acted, as the ledger records it: `staff:<subject>`, `system:<id>`, `rule:<ruleId>`. */
export type By = string;

export interface ResponseOutboxItem {
  readonly id: string;
  readonly type: string;
  readonly record: JsonObject;
  readonly event?: DomainEvent;
}

/** The shared outbox: items written in the caller's transaction, sequenced after commit. */
export interface ResponseOutbox {
  enqueue(
    trx: Kysely<MonitorResponseTables> | Transaction<MonitorResponseTables>,
    items: readonly ResponseOutboxItem[],
  ): Promise<void>;
  sequence(ids: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
}

export interface ResponseSubjects {
  /** Validates the IIN (`core.invalid_iin`, never echoing it), registers it if new: its pseudonym. */
  subjectOf(iin: string): Promise<{ readonly pseudonym: string }>;
  /**
   * The pseudonym of an IIN already validated, registering nothing: a staff batch checks every
   * entry before it registers any subject, so a refused batch stores nothing.
   */
  pseudonymOf(iin: string): string;
}

/** What a response or incident needs to know of a system (null: no such system). */
export interface SystemFacts {
  readonly id: string;
  readonly operatorId: string;
  readonly name: string;
  readonly status: 'active' | 'suspended' | 'revoked';
  readonly operatorName?: Labels;
  readonly categories: readonly string[];
}

/**
 * The registry: a system's facts, whether an operator is registered, and its own suspend /
 * reinstate service.
 */
export interface ResponseRegistry {
  systemOf(systemId: string): Promise<SystemFacts | null>;
  /** Whether the registry knows the operator (any status); an operator's lists refuse others. */
  operatorExists(operatorId: string): Promise<boolean>;
  suspend(systemId: string, reason: string, until: string | null, by: By): Promise<void>;
  reinstate(systemId: string, reason: string, by: By): Promise<void>;
}

/** The access module's port: distinct subjects a system accessed in [from, to), paged by pseudonym. */
export type AccessedBy = (
  systemId: string,
  from: string,
  to: string,
  page: { after?: string; limit?: number },
) => Promise<{ subjects: string[]; next: string | null }>;

/** monitor-core's cases, enough to open an incident from one. */
export interface CaseFacts {
  readonly id: string;
  readonly system: string | null;
  readonly operator: string | null;
  readonly openedAt: string;
  /** Times of the case's alerts and events; the window starts at the earliest. */
  readonly times: readonly string[];
}

export interface ResponseCases {
  get(caseId: string): Promise<CaseFacts | null>;
}

export type Clock = () => Date;
