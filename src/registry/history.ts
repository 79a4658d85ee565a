/**
 * The registry's history: every change with its actor, reason and a snapshot, written in the same
 * transaction as the change itself — together with its outbox item (src/outbox), whose id is the
 * change id. After the commit the outbox appends the item to the ledger (keyed by the change id,
 * so never twice) and, in the transaction that stores the index, a write-back hook copies it into
 * `registry_history.ledger_index`. A change the outbox has not sequenced yet (a crash, a standby,
 * the CLI) keeps `ledger_index = null` until the drain of the sequencing instance reaches it.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { JsonValue } from '../ledger/entry/canonical-json.js';
import {
  type OutboxService,
  type OutboxTables,
  type SequencedItem,
  createOutbox,
  enqueueOutbox,
} from '../outbox/index.js';
import { describeActor, type Actor } from './registry.model.js';
import type { RegistryDatabase, RegistryHistoryTable, RegistryTables } from './registry.tables.js';

/** What the registry needs from the ledger: append a private record, get its index once durable. */
export interface LedgerAppender {
  append(entry: {
    readonly type: string;
    readonly record: Readonly<Record<string, unknown>>;
    /** Idempotency key (the change id): a second append of it returns the first index. */
    readonly key?: string;
  }): Promise<{ readonly index: number }>;
  readonly role?: 'sequencer' | 'standby';
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

/** Ledger entry type (and event type) of a change: `registry.<entity>.<action>`. */
export const changeType = (entity: string, action: string): string =>
  `registry.${entity}.${action}`;

/** Writes the history row and its outbox item in the caller's transaction; returns the change id. */
export async function recordChange(
  trx: Transaction<RegistryDatabase> | Kysely<RegistryDatabase>,
  change: Change,
): Promise<string> {
  const id = newId('chg', Date.parse(change.at));
  const actor = describeActor(change.actor);
  const reason = change.reason ?? null;
  const snapshotJson = JSON.stringify(change.snapshot);
  await trx
    .insertInto('registry_history')
    .values({
      id,
      entity: change.entity,
      entity_id: change.entityId,
      subject_id: change.subjectId,
      action: change.action,
      version: change.version,
      actor,
      reason,
      snapshot_json: snapshotJson,
      at: change.at,
      ledger_index: null,
    })
    .execute();
  // In the change's own transaction: an instance that sees the new version sees the change.
  await trx
    .updateTable('registry_version')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .execute();
  const type = changeType(change.entity, change.action);
  const facts = {
    entity: change.entity,
    entityId: change.entityId,
    subjectId: change.subjectId,
    action: change.action,
    version: change.version,
    actor,
  };
  await enqueueOutbox(
    trx,
    {
      id,
      type,
      // The private ledger record, as the registry has always logged it.
      record: {
        changeId: id,
        ...facts,
        reason,
        at: change.at,
        snapshot: JSON.parse(snapshotJson) as JsonValue,
      },
      // The event says what changed, not the snapshot (which may hold a contact's details).
      event: { id, type, at: change.at, data: facts },
    },
    change.at,
  );
  return id;
}

export async function listHistory(
  db: Kysely<RegistryDatabase>,
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
  db: Kysely<RegistryDatabase>,
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
  /** Appends every item still pending in the outbox; resolves when those pending at the call were tried. */
  sequencePending(): Promise<void>;
  /** Appends these changes now (coalesced with concurrent callers); change id -> ledger index. */
  sequence(changeIds: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
}

/** Copies ledger indexes into the history, inside the outbox's write-back transaction. */
async function writeBackHistory(
  trx: Transaction<OutboxTables>,
  items: readonly SequencedItem[],
): Promise<void> {
  const db = trx as unknown as Transaction<RegistryTables>;
  for (const item of items) {
    if (!item.type.startsWith('registry.')) continue;
    await db
      .updateTable('registry_history')
      .set({ ledger_index: item.ledgerIndex })
      .where('id', '=', item.id)
      .execute();
  }
}

const isOutbox = (value: OutboxService | LedgerAppender): value is OutboxService =>
  'onSequenced' in value;

/**
 * The registry's side of the outbox: the shared outbox of the server (or, given a bare ledger,
 * one of its own, as tests and tools do), with the hook that fills `registry_history.ledger_index`.
 */
export function createHistorySequencer(
  db: Kysely<RegistryDatabase>,
  sink: OutboxService | LedgerAppender,
): HistorySequencer {
  const outbox = isOutbox(sink)
    ? sink
    : createOutbox({
        db,
        ledger: sink,
      });
  outbox.onSequenced(writeBackHistory);
  return {
    sequencePending: () => outbox.drain(),
    sequence: (changeIds) => outbox.sequence(changeIds),
  };
}
