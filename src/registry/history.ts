/**
 * The registry's history: every change with its actor, reason and a snapshot, written in the same
 * transaction as the change itself. The history is also the ledger outbox — a change whose
 * commitment is not yet in the transparency log has `ledger_index = null` — so a crash between
 * the commit and the ledger append, or a change made by the CLI while no server runs, is
 * sequenced later instead of being lost.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { Database } from '../storage/database.js';
import { describeActor, type Actor } from './registry.model.js';
import type { RegistryHistoryTable } from './registry.tables.js';

/** What the registry needs from the ledger: append a private record, get its index once durable. */
export interface LedgerAppender {
  append(entry: {
    readonly type: string;
    readonly record: Readonly<Record<string, unknown>>;
  }): Promise<{ readonly index: number }>;
}

export interface Change {
  readonly entity: RegistryHistoryTable['entity'];
  readonly entityId: string;
  /** The operator or system whose history this belongs to. */
  readonly subjectId: string;
  readonly action: string;
  readonly version: number | null;
  readonly actor: Actor;
  readonly reason?: string | null | undefined;
  readonly snapshot: unknown;
  readonly at: string;
}

export interface HistoryEntry {
  readonly id: string;
  readonly entity: RegistryHistoryTable['entity'];
  readonly entityId: string;
  readonly action: string;
  readonly version: number | null;
  readonly actor: string;
  readonly reason: string | null;
  readonly at: string;
  readonly snapshot: unknown;
  /** Index of the change's commitment in the transparency log; null while it is being sequenced. */
  readonly ledgerIndex: number | null;
}

export async function recordChange(
  trx: Transaction<Database> | Kysely<Database>,
  change: Change,
): Promise<string> {
  const id = newId('chg', Date.parse(change.at));
  await trx
    .insertInto('registry_history')
    .values({
      id,
      entity: change.entity,
      entity_id: change.entityId,
      subject_id: change.subjectId,
      action: change.action,
      version: change.version,
      actor: describeActor(change.actor),
      reason: change.reason ?? null,
      snapshot_json: JSON.stringify(change.snapshot),
      at: change.at,
      ledger_index: null,
    })
    .execute();
  return id;
}

export async function listHistory(
  db: Kysely<Database>,
  subjectId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<{ items: HistoryEntry[]; nextCursor?: string }> {
  let query = db
    .selectFrom('registry_history')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .limit(options.limit + 1);
  if (options.cursor) query = query.where('id', '>', options.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    entity: row.entity,
    entityId: row.entity_id,
    action: row.action,
    version: row.version,
    actor: row.actor,
    reason: row.reason,
    at: row.at,
    snapshot: JSON.parse(row.snapshot_json) as unknown,
    ledgerIndex: row.ledger_index,
  }));
  return rows.length > options.limit
    ? { items, nextCursor: items[items.length - 1]!.id }
    : { items };
}

export async function ledgerIndexOf(
  db: Kysely<Database>,
  changeId: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('registry_history')
    .select('ledger_index')
    .where('id', '=', changeId)
    .executeTakeFirst();
  return row?.ledger_index ?? null;
}

export interface HistorySequencer {
  /** Appends every change not yet in the log; resolves when those pending at the call are in. */
  sequencePending(): Promise<void>;
}

/**
 * Drains the outbox into the ledger. Calls are serialised in this process, so a change is never
 * appended twice by one server; the ledger batches the appends of one drain into few commits.
 */
export function createHistorySequencer(
  db: Kysely<Database>,
  ledger: LedgerAppender,
  batchLimit = 1000,
): HistorySequencer {
  let chain: Promise<void> = Promise.resolve();

  async function drainOnce(): Promise<void> {
    for (;;) {
      const pending = await db
        .selectFrom('registry_history')
        .selectAll()
        .where('ledger_index', 'is', null)
        .orderBy('id')
        .limit(batchLimit)
        .execute();
      if (pending.length === 0) return;
      const appended = await Promise.all(
        pending.map(async (row) => {
          const { index } = await ledger.append({
            type: `registry.${row.entity}.${row.action}`,
            record: {
              changeId: row.id,
              entity: row.entity,
              entityId: row.entity_id,
              subjectId: row.subject_id,
              action: row.action,
              version: row.version,
              actor: row.actor,
              reason: row.reason,
              at: row.at,
              snapshot: JSON.parse(row.snapshot_json) as unknown,
            },
          });
          return { id: row.id, index };
        }),
      );
      await db.transaction().execute(async (trx) => {
        for (const { id, index } of appended) {
          await trx
            .updateTable('registry_history')
            .set({ ledger_index: index })
            .where('id', '=', id)
            .execute();
        }
      });
      if (pending.length < batchLimit) return;
    }
  }

  return {
    sequencePending() {
      const run = chain.then(drainOnce);
      // A failed drain must not poison the next one; the caller of this one still sees the error.
      chain = run.catch(() => undefined);
      return run;
    },
  };
}
