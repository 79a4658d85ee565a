import type { Kysely } from 'kysely';

interface PendingChange {
  id: string;
  entity: string;
  entity_id: string;
  subject_id: string;
  action: string;
  version: number | null;
  actor: string;
  reason: string | null;
  snapshot_json: string;
  at: string;
}

/**
 * Registry changes now reach the ledger through the shared outbox. Changes still waiting in the
 * history (ledger_index null) when this runs get their outbox item, with the record and event the
 * registry writes today, so the drain sequences them. Rows logged before idempotency keys existed
 * carry no key: one that was appended but whose index was never written back (the old drain's
 * crash window) is appended once more — the last time that can happen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const typed = db as unknown as Kysely<{
    registry_history: PendingChange & { ledger_index: number | null };
    outbox: {
      id: string;
      type: string;
      record_json: string;
      event_json: string | null;
      state: string;
      attempts: number;
      last_error: string | null;
      ledger_index: number | null;
      created_at: string;
    };
  }>;
  const pending = await typed
    .selectFrom('registry_history')
    .select([
      'id',
      'entity',
      'entity_id',
      'subject_id',
      'action',
      'version',
      'actor',
      'reason',
      'snapshot_json',
      'at',
    ])
    .where('ledger_index', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of pending) {
    const type = `registry.${row.entity}.${row.action}`;
    const facts = {
      entity: row.entity,
      entityId: row.entity_id,
      subjectId: row.subject_id,
      action: row.action,
      version: row.version,
      actor: row.actor,
    };
    const record = {
      changeId: row.id,
      ...facts,
      reason: row.reason,
      at: row.at,
      snapshot: JSON.parse(row.snapshot_json) as unknown,
    };
    await typed
      .insertInto('outbox')
      .values({
        id: row.id,
        type,
        record_json: JSON.stringify(record),
        event_json: JSON.stringify({ id: row.id, type, at: row.at, data: facts }),
        state: 'pending',
        attempts: 0,
        last_error: null,
        ledger_index: null,
        created_at: row.at,
      })
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await (db as unknown as Kysely<{ outbox: { type: string } }>)
    .deleteFrom('outbox')
    .where('type', 'like', 'registry.%')
    .execute();
}
