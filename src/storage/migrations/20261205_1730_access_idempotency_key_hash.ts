import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * `access_idempotency` keeps a digest of each `Idempotency-Key`, not the key. The key is the
 * client's text, and the API takes any printable key, an IIN among them: a client that used the
 * citizen's IIN as its key put a raw IIN at rest, where only the subjects module's sealed column
 * may hold one. The column `key` becomes `key_hash`, so the schema says what it holds.
 *
 * The access module writes a keyed digest (HMAC-SHA-256 under a key derived from the server's
 * secrets: a plain hash of an IIN is reversed by trying every IIN); a migration has no secret, so
 * the rows already there get the key's plain SHA-256, which a lookup also tries
 * (`access/idempotency.ts`; their `body_hash` stays the plain SHA-256 it was, which the module
 * compares for such rows): a retry with an old key still replays, and the rows expire with the
 * first retention after the upgrade. The index on `created_at` is the retention's: it deletes the
 * oldest keys first, batch by batch.
 *
 * The table is rebuilt (a new one, the rows copied in keyset batches with their digests, the old
 * one dropped, the new one renamed) rather than updated in place: a client's key may itself be
 * the SHA-256 hex of another of its keys, and an update in place would then collide with that
 * row's primary key half-way. On SQLite it runs in one transaction of its own (Kysely's migrator
 * runs SQLite migrations outside one), so a crash part-way leaves the old table as it was; on
 * PostgreSQL the migrator's transaction holds it.
 */
const BATCH = 1000;

export async function up(db: Kysely<unknown>): Promise<void> {
  await inTransaction(db, async (trx) => {
    await rebuild(trx, {
      keyColumn: 'key_hash',
      keyType: 'varchar(64)',
      primaryKey: 'access_idempotency_key_hash_pk',
      from: 'key',
      digest: (key) => createHash('sha256').update(key, 'utf8').digest('hex'),
    });
    await trx.schema
      .createIndex('access_idempotency_created_at')
      .on('access_idempotency')
      .column('created_at')
      .execute();
  });
}

/**
 * Back to the column `key`, holding the digests: the keys themselves are gone, so after a
 * downgrade a retry with a key written before is a new check.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await inTransaction(db, async (trx) => {
    await rebuild(trx, {
      keyColumn: 'key',
      keyType: 'varchar(128)',
      primaryKey: 'access_idempotency_pk',
      from: 'key_hash',
      digest: (digest) => digest,
    });
  });
}

function inTransaction(db: Kysely<unknown>, work: (trx: Kysely<unknown>) => Promise<void>) {
  return dialectTypes(db).isPostgres ? work(db) : db.transaction().execute(work);
}

interface Row {
  system_id: string;
  key: string;
  body_hash: string;
  kind: string;
  check_ids_json: string;
  created_at: string;
}

async function rebuild(
  db: Kysely<unknown>,
  target: {
    keyColumn: 'key' | 'key_hash';
    keyType: 'varchar(64)' | 'varchar(128)';
    primaryKey: string;
    from: 'key' | 'key_hash';
    digest: (key: string) => string;
  },
): Promise<void> {
  await db.schema
    .createTable('access_idempotency_rebuilt')
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull())
    .addColumn(target.keyColumn, target.keyType, (col) => col.notNull())
    .addColumn('body_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('kind', 'varchar(8)', (col) => col.notNull())
    .addColumn('check_ids_json', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addPrimaryKeyConstraint(target.primaryKey, ['system_id', target.keyColumn])
    .execute();
  const from = sql.ref(target.from);
  let after: { system_id: string; key: string } | undefined;
  for (;;) {
    const { rows } = await sql<Row>`
      select system_id, ${from} as key, body_hash, kind, check_ids_json, created_at
      from access_idempotency
      ${after ? sql`where (system_id, ${from}) > (${after.system_id}, ${after.key})` : sql``}
      order by system_id, ${from} limit ${BATCH}`.execute(db);
    if (rows.length === 0) return swap(db);
    await sql`insert into access_idempotency_rebuilt
      (system_id, ${sql.ref(target.keyColumn)}, body_hash, kind, check_ids_json, created_at)
      values ${sql.join(
        rows.map(
          (row) =>
            sql`(${row.system_id}, ${target.digest(row.key)}, ${row.body_hash}, ${row.kind},
              ${row.check_ids_json}, ${row.created_at})`,
        ),
      )}`.execute(db);
    after = rows.at(-1);
  }
}

async function swap(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_idempotency').execute();
  await db.schema.alterTable('access_idempotency_rebuilt').renameTo('access_idempotency').execute();
}
