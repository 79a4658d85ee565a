/** Reading and writing consent rows; the mapping between rows and the model lives here only. */
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Labels } from '../core/taxonomy.js';
import type {
  CollectionMethod,
  ConsentActor,
  ConsentEvent,
  ConsentEventType,
  ConsentRecord,
  Language,
  Recipient,
} from './consent.model.js';
import type { ConsentEventsTable, ConsentsTable, ConsentTables } from './consent.tables.js';

export type ConsentDb = Kysely<ConsentTables>;

export interface StoredConsent extends ConsentRecord {
  readonly subjectBirthDate: string;
  readonly requestedBy: string;
}

const parse = <T>(text: string): T => JSON.parse(text) as T;

export function consentFromRow(row: Selectable<ConsentsTable>): StoredConsent {
  return {
    id: row.id,
    subject: row.subject,
    subjectBirthDate: row.subject_birth_date,
    controller: row.controller_id,
    systems: parse<string[]>(row.systems_json),
    purposes: parse<string[]>(row.purposes_json),
    categories: parse<string[]>(row.categories_json),
    legalBasis: 'consent',
    recipients: parse<Recipient[]>(row.recipients_json),
    processingCountries: parse<string[]>(row.processing_countries_json),
    storageCountries: parse<string[]>(row.storage_countries_json),
    retention: row.retention,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    requestExpiresAt: row.request_expires_at,
    collectionMethod: row.collection_method as CollectionMethod,
    language: row.language as Language,
    policyUrl: row.policy_url,
    withdrawalMethod: row.withdrawal_method,
    message: parse<Labels>(row.message_json),
    callbackUrl: row.callback_url,
    requestedBy: row.requested_by,
    state: row.state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export function rowFromConsent(consent: StoredConsent): ConsentsTable {
  return {
    id: consent.id,
    subject: consent.subject,
    subject_birth_date: consent.subjectBirthDate,
    controller_id: consent.controller,
    systems_json: JSON.stringify(consent.systems),
    purposes_json: JSON.stringify(consent.purposes),
    categories_json: JSON.stringify(consent.categories),
    recipients_json: JSON.stringify(consent.recipients),
    processing_countries_json: JSON.stringify(consent.processingCountries),
    storage_countries_json: JSON.stringify(consent.storageCountries),
    retention: consent.retention,
    valid_from: consent.validFrom,
    valid_until: consent.validUntil,
    request_expires_at: consent.requestExpiresAt,
    collection_method: consent.collectionMethod,
    language: consent.language,
    policy_url: consent.policyUrl,
    withdrawal_method: consent.withdrawalMethod,
    message_json: JSON.stringify(consent.message),
    callback_url: consent.callbackUrl,
    requested_by: consent.requestedBy,
    state: consent.state,
    version: consent.version,
    created_at: consent.createdAt,
    updated_at: consent.updatedAt,
  };
}

export function eventFromRow(row: Selectable<ConsentEventsTable>): ConsentEvent {
  return {
    id: row.id,
    consentId: row.consent_id,
    type: row.type as ConsentEventType,
    at: row.at,
    actor: parse<ConsentActor>(row.actor_json),
    ...(row.reason_json
      ? { reason: parse<NonNullable<ConsentEvent['reason']>>(row.reason_json) }
      : {}),
  };
}

export async function findConsent(db: ConsentDb, id: string): Promise<StoredConsent | undefined> {
  const row = await db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? consentFromRow(row) : undefined;
}

/** The SQL of `consentsOfSubjectWith` per database handle, as Kysely compiles it for its engine. */
const subjectWithSql = new WeakMap<ConsentDb, string>();

/**
 * The statement `consentsOfSubjectWith` runs: Kysely's own `select * from consents where subject
 * = ? and controller_id = ?`, compiled once per database handle and bound per call. Every access
 * check asks it, and building and compiling the query cost Kysely about as much CPU as SQLite
 * spends answering it; its text never changes, only the two values (`consent.store.test.ts`
 * holds it to what Kysely compiles for the same values, on both engines).
 */
export function consentsOfSubjectWithQuery(
  db: ConsentDb,
  subject: string,
  controller: string,
): CompiledQuery<Selectable<ConsentsTable>> {
  let text = subjectWithSql.get(db);
  if (text === undefined) {
    text = db
      .selectFrom('consents')
      .selectAll()
      .where('subject', '=', subject)
      .where('controller_id', '=', controller)
      .compile().sql;
    subjectWithSql.set(db, text);
  }
  return CompiledQuery.raw(text, [subject, controller]);
}

/** One subject's consents with one operator: the index `consents_subject_controller` answers it. */
export async function consentsOfSubjectWith(
  db: ConsentDb,
  subject: string,
  controller: string,
): Promise<StoredConsent[]> {
  const { rows } = await db.executeQuery(consentsOfSubjectWithQuery(db, subject, controller));
  return rows.map(consentFromRow);
}

export async function consentsOfSubject(
  db: ConsentDb,
  subject: string,
  states: readonly ConsentsTable['state'][],
  limit = 500,
): Promise<StoredConsent[]> {
  const rows = await db
    .selectFrom('consents')
    .selectAll()
    .where('subject', '=', subject)
    .where('state', 'in', states)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(consentFromRow);
}

export async function eventsOf(
  db: ConsentDb,
  consentIds: readonly string[],
): Promise<Map<string, ConsentEvent[]>> {
  const byConsent = new Map<string, ConsentEvent[]>(consentIds.map((id) => [id, []]));
  if (consentIds.length === 0) return byConsent;
  const rows = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('consent_id', 'in', consentIds)
    .orderBy('consent_id')
    .orderBy('seq')
    .execute();
  for (const row of rows) byConsent.get(row.consent_id)?.push(eventFromRow(row));
  return byConsent;
}

/** Ids of consents whose request or validity has run out by `now`, for the expiry sweep. */
export async function dueForExpiry(db: ConsentDb, now: string, limit: number): Promise<string[]> {
  const requests = await db
    .selectFrom('consents')
    .select('id')
    .where('state', '=', 'requested')
    .where('request_expires_at', '<=', now)
    .limit(limit)
    .execute();
  const consents = await db
    .selectFrom('consents')
    .select('id')
    .where('state', 'in', ['active', 'paused'])
    .where('valid_until', '<=', now)
    .limit(limit)
    .execute();
  return [...requests, ...consents].map((row) => row.id);
}
