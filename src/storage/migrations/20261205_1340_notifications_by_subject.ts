import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * Notifications keyed by (subject, id): one index fewer. Every access check's event inserts a row
 * on the answering thread; on SQLite the table was four B-trees — the rowid table, the autoindex
 * of `id`, `notifications_event_subject` and `notifications_subject_id` — each a page or more
 * written per check. Every query of the inbox (`notify/inbox.ts`) names the citizen's subject and
 * pages by id, and no reader looks a notification up by id alone (the routes take the subject from
 * the session), so `id` needs no index of its own: the primary key becomes (subject, id), which is
 * the inbox's index, and `notifications_subject_id` goes. `notifications_event_subject` stays: a
 * redelivered event stores nothing (`on conflict (event_id, subject) do nothing`). `id` is still
 * unique in practice (`newId`), but by the schema only within a subject; nothing relies on more.
 *
 * On SQLite the table stays a rowid table (three B-trees: the rows, the key's autoindex, the unique
 * index), not `WITHOUT ROWID` (two): a row is about 700 bytes (the event's data is most of it), and
 * a `WITHOUT ROWID` table keeps whole rows in its interior pages too — four or five rows a page at
 * every level, so a deep tree, and an insert at a random subject splits pages often. Measured with
 * `bench/access/pages-per-check.bench.ts` (100 checks after 500): the four B-trees wrote 5.7 pages
 * a check, `WITHOUT ROWID` on (subject, id) 5.2 (3.8 of them the table), this 4.5; the table
 * appended in rowid order costs about what it did, and the key's entries are small.
 *
 * SQLite cannot change a table's primary key, so the table is rebuilt — created anew, the rows
 * copied, the old one dropped (with its indexes) and the new one renamed — in one transaction
 * (Kysely's migrator runs SQLite migrations outside one). PostgreSQL changes the keys in place.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectTypes(db).isPostgres) {
    await sql`alter table notifications drop constraint notifications_pkey`.execute(db);
    await sql`drop index notifications_subject_id`.execute(db);
    await sql`alter table notifications add constraint notifications_pkey primary key (subject, id)`.execute(
      db,
    );
    return;
  }
  await db.transaction().execute(async (trx) => {
    await createTable(trx, 'by-subject');
    await copyAndSwap(trx);
    await trx.schema
      .createIndex('notifications_event_subject')
      .on('notifications')
      .columns(['event_id', 'subject'])
      .unique()
      .execute();
  });
}

/** Back to the shape of `20261204_1241_notify`: a primary key on `id`, the subject index again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectTypes(db).isPostgres) {
    await sql`alter table notifications drop constraint notifications_pkey`.execute(db);
    await sql`alter table notifications add constraint notifications_pkey primary key (id)`.execute(
      db,
    );
    await sql`create index notifications_subject_id on notifications (subject, id)`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await createTable(trx, 'by-id');
    await copyAndSwap(trx);
    await trx.schema
      .createIndex('notifications_subject_id')
      .on('notifications')
      .columns(['subject', 'id'])
      .execute();
  });
}

/** `notifications_rebuilt`, with the columns of `20261204_1241_notify` unchanged; only the keys differ. */
async function createTable(db: Kysely<unknown>, keyed: 'by-subject' | 'by-id'): Promise<void> {
  const ts = 'varchar(32)';
  const table = db.schema
    .createTable('notifications_rebuilt')
    .addColumn('id', 'varchar(40)', (col) => (keyed === 'by-id' ? col.primaryKey() : col.notNull()))
    .addColumn('event_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('subject', 'varchar(64)', (col) => col.notNull())
    .addColumn('category', 'varchar(32)', (col) => col.notNull())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('at', ts, (col) => col.notNull())
    .addColumn('data_json', 'text', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('read_at', ts);
  await (
    keyed === 'by-subject'
      ? table.addPrimaryKeyConstraint('notifications_pkey', ['subject', 'id'])
      : table.addUniqueConstraint('notifications_event_subject', ['event_id', 'subject'])
  ).execute();
}

/** Every row, its rowid kept (the rows stay in the order they arrived). */
async function copyAndSwap(db: Kysely<unknown>): Promise<void> {
  const columns = sql.raw(
    'rowid, id, event_id, subject, category, type, at, data_json, created_at, read_at',
  );
  await sql`insert into notifications_rebuilt (${columns}) select ${columns} from notifications`.execute(
    db,
  );
  await sql`drop table notifications`.execute(db);
  await sql`alter table notifications_rebuilt rename to notifications`.execute(db);
}
