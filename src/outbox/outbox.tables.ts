/**
 * The outbox's own table: one row per fact to put in the ledger (and publish), written in the
 * same transaction as the change it records.
 *
 * States: `pending` until its ledger entry exists and its event is published (a row with
 * `ledger_index` set is waiting only for the publish); `done`; `parked` when the ledger refused the
 * record (not well-formed, too large) — kept with its error for an operator, never retried by
 * itself, never in anyone's way; the operator lists parked rows and puts them back to `pending`
 * once the cause is fixed (`qalqan outbox parked|requeue`, `outbox-parked.ts`).
 */
export type OutboxState = 'pending' | 'done' | 'parked';

export interface OutboxTable {
  /** The record's id: the ledger idempotency key and the event id. */
  id: string;
  /** Ledger entry type, e.g. 'registry.system.created'. */
  type: string;
  /** The private ledger record as JSON (pseudonyms only). */
  record_json: string;
  /** The domain event to publish after the append, as JSON; null when there is none. */
  event_json: string | null;
  state: OutboxState;
  /** Failed attempts (ledger unavailable, refused, or publish failed). */
  attempts: number;
  /** Why the last attempt failed; null for a row not yet tried, or just requeued. */
  last_error: string | null;
  ledger_index: number | null;
  created_at: string;
  /** When an operator last requeued the row (`qalqan outbox requeue`); null if never. */
  requeued_at: string | null;
  /** The error the row was parked with when last requeued (its `last_error` then). */
  requeued_error: string | null;
}

/**
 * An event of the one-commit path (`Outbox.appendWith`) not yet published. Such an item has no
 * `outbox` row: its record is in the ledger and its index in the caller's own rows from the
 * commit on, so all that is left to keep is the event, until it is out. Inserted with the ledger
 * entry (only for an item with an event), deleted once published; a failed publish, or a crash
 * before it, leaves the row with its attempts and last error, and the drain publishes it then.
 * (On SQLite `WITHOUT ROWID`: one B-tree.)
 */
export interface OutboxEventTable {
  /** The item's id: the event id, also the ledger idempotency key of its entry. */
  id: string;
  /** The event's type, e.g. 'access.checked'. */
  type: string;
  /** The domain event, as JSON. */
  event_json: string;
  created_at: string;
  /** Failed publishes. */
  attempts: number;
  last_error: string | null;
}

export interface OutboxTables {
  outbox: OutboxTable;
  outbox_events: OutboxEventTable;
}
