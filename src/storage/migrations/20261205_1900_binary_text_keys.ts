import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * Text keys that are paged or listed in their own order compare by code point on PostgreSQL, as
 * on SQLite (BINARY) and in JavaScript. A PostgreSQL database created with a language collation
 * (`en_US.UTF-8`, the default `initdb` takes from most hosts) orders `p1_a` before `p1_B` and
 * `_` before `-`: the same rows came back in another order than on SQLite. Paging itself stayed
 * complete (the database compares the cursor in the order it sorts in); the order is what differed.
 *
 * Only keys whose values mix case or punctuation and whose order is shown are changed:
 * - `access_checks.subject`, pseudonyms (base64url): the breach incident's affected citizens are
 *   paged by it, and citizens are notified (and their ledger records written) in its order;
 * - `monitor_rule_versions.rule_id` (`[a-z0-9._-]`): the rule list shows stored rules in its order.
 * Ids (a prefix and a ULID) and instants (one ISO form) sort alike under every collation, and
 * every other text key is only compared for equality, which PostgreSQL's deterministic collations
 * answer bytewise anyway.
 *
 * A collation change does not rewrite the table on PostgreSQL; the indexes over the column are
 * rebuilt (on `access_checks`, `access_checks_subject_at`). SQLite's columns are already binary.
 */
const COLUMNS = [
  { table: 'access_checks', column: 'subject', type: 'varchar(64)' },
  { table: 'monitor_rule_versions', column: 'rule_id', type: 'varchar(100)' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await collate(db, 'C');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await collate(db, 'default');
}

async function collate(db: Kysely<unknown>, collation: 'C' | 'default'): Promise<void> {
  if (!dialectTypes(db).isPostgres) return;
  for (const { table, column, type } of COLUMNS)
    await db.schema
      .alterTable(table)
      .alterColumn(column, (col) =>
        col.setDataType(sql`${sql.raw(type)} collate ${sql.id(collation)}`),
      )
      .execute();
}
