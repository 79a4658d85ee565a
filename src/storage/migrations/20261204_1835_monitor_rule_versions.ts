import type { Kysely } from 'kysely';

/**
 * Regulator-edited detection rules (src/monitor/rule-versions.ts): every version of a rule's YAML
 * as submitted (the shipped file is version 0 and is not copied here), each rule's enabled switch,
 * and one counter bumped in the transaction of every rule change — a version, an enable/disable
 * or a shadow/active switch — so the elected evaluator on any instance sees with one cheap read
 * that it must rebuild its engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('monitor_rule_versions')
    .addColumn('rule_id', 'varchar(100)', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('content_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('action', 'varchar(16)', (col) => col.notNull())
    .addColumn('restored_from', 'integer')
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('created_by', 'varchar(200)', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('ledger_id', 'varchar(40)', (col) => col.notNull())
    // Two regulators saving at once both ask for the same next number; one wins, one gets a 409.
    .addPrimaryKeyConstraint('monitor_rule_versions_pk', ['rule_id', 'version'])
    .execute();

  await db.schema
    .createTable('monitor_rule_states')
    .addColumn('rule_id', 'varchar(100)', (col) => col.primaryKey())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('changed_by', 'varchar(200)', (col) => col.notNull())
    .addColumn('changed_at', ts, (col) => col.notNull())
    .addColumn('ledger_id', 'varchar(40)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('monitor_rules_version')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute();
  await (db as Kysely<{ monitor_rules_version: { id: number; version: number } }>)
    .insertInto('monitor_rules_version')
    .values({ id: 1, version: 0 })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['monitor_rules_version', 'monitor_rule_states', 'monitor_rule_versions'])
    await db.schema.dropTable(table).execute();
}
