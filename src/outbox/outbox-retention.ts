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
 */
import { type Kysely, sql } from 'kysely';
import { Counter, type Metric } from 'prom-client';
import type { OutboxTables } from './outbox.tables.js';

export interface OutboxRetentionLog {
  error(object: unknown, message: string): void;
}

export interface OutboxRetentionOptions {
  readonly db: Kysely<OutboxTables>;
  /** Finished rows are kept this long after they were written, in milliseconds. */
  readonly retentionMs: number;
  /** Most rows one statement deletes. Default 1,000. */
  readonly batchSize?: number;
  /** Pause between two batches of one run, so requests are served meanwhile. Default 20 ms. */
  readonly pauseMs?: number;
  readonly clock?: () => Date;
  readonly log?: OutboxRetentionLog | undefined;
}

export interface OutboxRetention {
  /** Deletes every finished row written before the retention, a batch at a time; the count. */
  prune(): Promise<number>;
  /**
   * Prunes every `intervalMs` (default a minute) while `isSequencer()` holds. Returns the
   * function that stops it for good, resolving once a run in progress has stopped after its
   * batch.
   */
  start(intervalMs?: number, isSequencer?: () => boolean): () => Promise<void>;
  /** prom-client metrics to register on the app's registry (`qalqan_outbox_pruned_total`). */
  readonly metrics: readonly Metric[];
}

/** The instant before which finished rows go, as ISO text like `created_at`. */
export function retentionCutoff(now: Date, retentionMs: number): string {
  return new Date(now.getTime() - retentionMs).toISOString();
}

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
  const { db, retentionMs, log } = options;
  const batchSize = options.batchSize ?? 1000;
  const pauseMs = options.pauseMs ?? 20;
  const clock = options.clock ?? (() => new Date());
  const pruned = new Counter({
    name: 'qalqan_outbox_pruned_total',
    help: 'Finished outbox rows deleted after the retention',
    registers: [],
  });
  let stopping = false;

  /**
   * One batch (see `finishedRows`); the rows are chosen in a subquery because neither engine takes
   * `delete … limit` as such.
   */
  async function deleteBatch(before: string): Promise<number> {
    const result = await db
      .deleteFrom('outbox')
      .where('id', 'in', finishedRows(db, before, batchSize))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async function prune(): Promise<number> {
    const before = retentionCutoff(clock(), retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch(before);
      total += deleted;
      pruned.inc(deleted);
      if (deleted < batchSize || stopping) return total;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  return {
    prune,
    metrics: [pruned],
    start(intervalMs = 60_000, isSequencer = () => true) {
      let running: Promise<void> | undefined;
      // Leadership only keeps the work on one instance: two deleting finished rows at once is
      // harmless, so a run that outlives its instance's leadership is not interrupted.
      const run = () => {
        if (running || stopping || !isSequencer()) return;
        running = prune()
          .then(
            () => undefined,
            (error: unknown) => {
              log?.error({ err: error }, 'outbox retention failed; the next run tries again');
            },
          )
          .finally(() => {
            running = undefined;
          });
      };
      const timer = setInterval(run, intervalMs);
      timer.unref();
      return async () => {
        stopping = true;
        clearInterval(timer);
        await running;
      };
    },
  };
}
