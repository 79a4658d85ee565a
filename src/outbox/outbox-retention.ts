/**
 * Outbox retention: finished rows are deleted once older than the retention, so the table holds
 * days of facts, not every fact ever recorded (about 1 KB a row, one per access check).
 *
 * Finished means `done` with its ledger index: the entry is in the ledger (which keeps the record
 * and answers its idempotency key forever, so deleting the row can never let it be logged twice)
 * and the event was handed to every consumer (the outbox marks a row done only after the publish
 * returned, in a commit after the consumers' own). Nothing needs such a row again: the sequencer's
 * poll and the drain read `pending` rows only; a module that needs an index later keeps its own
 * copy, written back in the sequencing transaction (`access_checks.ledger_index`,
 * `registry_history.ledger_index`); the monitor rebuilds from its own log or the JetStream stream,
 * the citizen inbox from its own rows. Pending rows (not yet in the ledger, or not yet delivered)
 * and parked ones (refused by the ledger, kept for an operator) are never deleted. The one-commit
 * path's `outbox_events` is not retention's: each row is deleted once its event is published.
 *
 * Rows go a bounded batch per statement, oldest first, through the partial index
 * `outbox_finished`, with a pause between batches: on SQLite each statement runs on the event
 * loop, so a backlog (the first run over a table that grew for months) is spread out instead of
 * one long stall. The cutoff is fixed when a run starts, so a run ends even while rows keep aging.
 * The schedule, batching and metric are `storage/batched-retention.ts`'s, shared with the access
 * checks' Idempotency-Key expiry.
 */
import { type Kysely, sql } from 'kysely';
import {
  type BatchedRetention,
  type BatchedRetentionOptions,
  createBatchedRetention,
  type RetentionLog,
} from '../storage/batched-retention.js';
import type { OutboxTables } from './outbox.tables.js';

export { retentionCutoff } from '../storage/batched-retention.js';

export type OutboxRetentionLog = RetentionLog;

export interface OutboxRetentionOptions extends Omit<
  BatchedRetentionOptions,
  'deleteBatch' | 'metric' | 'what'
> {
  readonly db: Kysely<OutboxTables>;
}

/** Deletes finished rows written before the retention (`qalqan_outbox_pruned_total`). */
export type OutboxRetention = BatchedRetention;

/**
 * The ids of the oldest finished rows written before `before`, at most `limit`. Both conditions
 * are literals, so the planner can use the partial index `outbox_finished` (a bound parameter
 * cannot show it implies the index's condition).
 */
export function finishedRows(db: Kysely<OutboxTables>, before: string, limit: number) {
  return db
    .selectFrom('outbox')
    .select('id')
    .where(sql.ref('state'), '=', sql.lit('done'))
    .where('ledger_index', 'is not', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit);
}

export function createOutboxRetention(options: OutboxRetentionOptions): OutboxRetention {
  const { db, ...schedule } = options;
  return createBatchedRetention({
    ...schedule,
    // One batch (see `finishedRows`); the rows are chosen in a subquery because neither engine
    // takes `delete … limit` as such.
    async deleteBatch(before, limit) {
      const result = await db
        .deleteFrom('outbox')
        .where('id', 'in', finishedRows(db, before, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    metric: {
      name: 'qalqan_outbox_pruned_total',
      help: 'Finished outbox rows deleted after the retention',
    },
    what: 'outbox retention',
  });
}
