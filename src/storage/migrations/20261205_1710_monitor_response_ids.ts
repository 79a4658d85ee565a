import { type Kysely, sql } from 'kysely';
import { dialectTypes } from '../dialect-types.js';

/**
 * A monitoring response names the alert and the rule behind it, in columns narrower than theirs:
 * a rule id may be 100 characters (`monitor_rules`, `monitor_alerts.rule_id`) and an alert id,
 * `<rule>:<event>`, 229 (`monitor_alerts.id` holds 300), where `monitor_responses` held 64 and 200.
 * SQLite stores text of any length whatever the declared type; PostgreSQL refused a longer id
 * (22001), so an alert of such a rule failed its automatic responses with a 500 there only. The
 * columns get their sources' widths. Widening a `varchar` on PostgreSQL rewrites neither the table
 * nor its unique index on (alert_id, action). SQLite has nothing to change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!dialectTypes(db).isPostgres) return;
  await sql`alter table monitor_responses alter column alert_id type varchar(300), alter column rule_id type varchar(100)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!dialectTypes(db).isPostgres) return;
  await sql`alter table monitor_responses alter column alert_id type varchar(200), alter column rule_id type varchar(64)`.execute(
    db,
  );
}
