/**
 * The access module's storage: its own four tables, nothing else. Rows are mapped to and from
 * the model at this boundary (JSON columns parsed, flags turned into booleans).
 */
import { type Kysely, sql } from 'kysely';
import { compiledInsert } from '../storage/compiled-insert.js';
import { searchCondition } from './citizen-search.store.js';
import type { WordMatch } from './citizen-search.js';
import type {
  AccessAdequacyTable,
  AccessChecksTable,
  AccessIdempotencyTable,
  AccessRegimesTable,
  AccessTables,
} from './access.tables.js';

/** Rows per insert statement: 22 columns keeps one statement well under both engines' limits. */
const INSERT_CHUNK = 400;

export interface CitizenFilter {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly operatorId?: string | undefined;
  readonly systemId?: string | undefined;
  readonly purpose?: string | undefined;
  readonly decision?: 'permit' | 'deny' | undefined;
  /** Words the record must hold somewhere (`citizen-search.ts`), resolved by the service. */
  readonly search?: string | undefined;
}

/** A keyset position in the citizen's view: newest first by (at, id). */
export interface CheckCursor {
  readonly at: string;
  readonly id: string;
}

export type AccessStore = ReturnType<typeof createAccessStore>;

/** Every column of a check, in the order its insert binds them (a missing one fails to compile). */
const CHECK_COLUMNS = Object.keys({
  id: true,
  system_id: true,
  operator_id: true,
  subject: true,
  actor_id: true,
  actor_pseudonym: true,
  actor_code: true,
  purpose: true,
  legal_basis: true,
  basis_reference: true,
  categories_json: true,
  action: true,
  record_count: true,
  recipient_json: true,
  country: true,
  decision: true,
  reasons_json: true,
  basis_json: true,
  transfer_json: true,
  signals_json: true,
  at: true,
  ledger_index: true,
} satisfies Record<keyof AccessChecksTable, true>) as (keyof AccessChecksTable)[];

export function createAccessStore(db: Kysely<AccessTables>) {
  // A check's insert is compiled once per row count, not per check (`storage/compiled-insert.ts`).
  const insertCheckRows = compiledInsert<AccessChecksTable>(db, 'access_checks', CHECK_COLUMNS);
  return {
    db,

    async insertChecks(trx: Kysely<AccessTables>, rows: readonly AccessChecksTable[]) {
      for (const query of insertCheckRows(rows)) await trx.executeQuery(query);
    },

    /** The inserts of these checks as compiled statements, for a transaction another module runs. */
    insertCheckQueries: insertCheckRows,

    async insertIdempotency(trx: Kysely<AccessTables>, row: AccessIdempotencyTable) {
      await trx.insertInto('access_idempotency').values(row).execute();
    },

    /** The system's live row under any of these digests of one key (`idempotency.ts`). */
    idempotencyOf(systemId: string, digests: readonly string[], notBefore: string) {
      return db
        .selectFrom('access_idempotency')
        .selectAll()
        .where('system_id', '=', systemId)
        .where('key_hash', 'in', digests)
        .where('created_at', '>=', notBefore)
        .executeTakeFirst();
    },

    /** Deletes the system's expired row of one key, so the key can be written anew. */
    async forgetExpiredKey(
      trx: Kysely<AccessTables>,
      systemId: string,
      digests: readonly string[],
      before: string,
    ) {
      await trx
        .deleteFrom('access_idempotency')
        .where('system_id', '=', systemId)
        .where('key_hash', 'in', digests)
        .where('created_at', '<', before)
        .execute();
    },

    checkById(id: string) {
      return db.selectFrom('access_checks').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async checksByIds(ids: readonly string[]): Promise<AccessChecksTable[]> {
      const rows: AccessChecksTable[] = [];
      for (let i = 0; i < ids.length; i += INSERT_CHUNK)
        rows.push(
          ...(await db
            .selectFrom('access_checks')
            .selectAll()
            .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
            .execute()),
        );
      return rows;
    },

    /**
     * The subject's checks, newest first, after the cursor; `limit + 1` rows tell if there is more.
     * `words`: the search, each word resolved to the values it matches (`citizen-search.ts`).
     */
    citizenPage(
      subject: string,
      filter: CitizenFilter,
      cursor: CheckCursor | undefined,
      limit: number,
      words: readonly WordMatch[] = [],
    ) {
      let query = db
        .selectFrom('access_checks')
        .selectAll()
        .where('subject', '=', subject)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('at', '<', filter.to);
      if (filter.operatorId !== undefined)
        query = query.where('operator_id', '=', filter.operatorId);
      if (filter.systemId !== undefined) query = query.where('system_id', '=', filter.systemId);
      if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose);
      if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
      if (words.length > 0) query = query.where((eb) => searchCondition(eb, words));
      if (cursor)
        query = query.where((eb) =>
          eb.or([
            eb('at', '<', cursor.at),
            eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)]),
          ]),
        );
      return query.execute();
    },

    /** Distinct subjects a system accessed in [from, to), by pseudonym, after `after`. */
    async subjectsAccessedBy(
      systemId: string,
      from: string,
      to: string,
      after: string | undefined,
      limit: number,
    ): Promise<string[]> {
      let query = db
        .selectFrom('access_checks')
        .select('subject')
        .distinct()
        .where('system_id', '=', systemId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .orderBy('subject')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('subject', '>', after);
      return (await query.execute()).map((row) => row.subject);
    },

    /** Checks by one actor of a system since an instant (a throttle's window). */
    async actorChecksSince(systemId: string, actorId: string, since: string): Promise<number> {
      const row = await db
        .selectFrom('access_checks')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('system_id', '=', systemId)
        .where('at', '>=', since)
        .where('actor_id', '=', actorId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Copies ledger indexes from the outbox's write-back, in its transaction; one statement. */
    async setLedgerIndexes(
      trx: Kysely<AccessTables>,
      items: readonly { readonly id: string; readonly ledgerIndex: number }[],
    ) {
      for (let i = 0; i < items.length; i += INSERT_CHUNK) {
        const part = items.slice(i, i + INSERT_CHUNK);
        const cases = sql.join(
          part.map((item) => sql`when ${item.id} then cast(${item.ledgerIndex} as bigint)`),
          sql` `,
        );
        await sql`update access_checks set ledger_index = case id ${cases} end
          where id in (${sql.join(part.map((item) => item.id))})`.execute(trx);
      }
    },

    async insertRegime(trx: Kysely<AccessTables>, row: AccessRegimesTable) {
      await trx.insertInto('access_regimes').values(row).execute();
    },

    regimes(): Promise<AccessRegimesTable[]> {
      return db.selectFrom('access_regimes').selectAll().orderBy('id').execute();
    },

    regimeById(id: string) {
      return db.selectFrom('access_regimes').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async closeRegime(trx: Kysely<AccessTables>, id: string, at: string) {
      await trx
        .updateTable('access_regimes')
        .set({ closed_at: at, ends_at: at })
        .where('id', '=', id)
        .execute();
    },

    adequacy(): Promise<AccessAdequacyTable[]> {
      return db.selectFrom('access_adequacy').selectAll().orderBy('country').execute();
    },

    adequacyOf(trx: Kysely<AccessTables>, country: string) {
      return trx
        .selectFrom('access_adequacy')
        .selectAll()
        .where('country', '=', country)
        .executeTakeFirst();
    },

    async setAdequacy(trx: Kysely<AccessTables>, row: AccessAdequacyTable) {
      await trx
        .insertInto('access_adequacy')
        .values(row)
        .onConflict((oc) =>
          oc.column('country').doUpdateSet({
            adequate: row.adequate,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
          }),
        )
        .execute();
    },
  };
}
