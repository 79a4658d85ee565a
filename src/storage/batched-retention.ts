/**
 * The shape every retention job of a table shares: rows older than the retention are deleted a
 * bounded batch per statement, with a pause between batches (on SQLite each statement runs on the
 * event loop, so a backlog — the first run over a table that grew for months — is spread out
 * instead of one long stall), counted in a prom-client counter, and run every `intervalMs` by one
 * instance. The cutoff is fixed when a run starts, so a run ends even while rows keep aging.
 *
 * What a batch is (which rows, through which index) is the table owner's: it passes `deleteBatch`.
 * Used by the outbox's retention (`outbox/outbox-retention.ts`) and the access checks'
 * Idempotency-Key expiry (`access/idempotency.ts`).
 */
import { Counter, type Metric } from 'prom-client';

export interface RetentionLog {
  error(object: unknown, message: string): void;
}

export interface BatchedRetentionOptions {
  /** Rows are kept this long after they were written, in milliseconds. */
  readonly retentionMs: number;
  /**
   * Deletes one batch: at most about `limit` of the oldest rows written before `before` (ISO text
   * like `created_at`); resolves to how many went. Fewer than `limit` ends the run.
   */
  readonly deleteBatch: (before: string, limit: number) => Promise<number>;
  /** The counter of deleted rows, registered by whoever registers `metrics`. */
  readonly metric: { readonly name: string; readonly help: string };
  /** What the job is called in its log line when a run fails (`outbox retention`). */
  readonly what: string;
  /** Most rows one statement deletes. Default 1,000. */
  readonly batchSize?: number;
  /** Pause between two batches of one run, so requests are served meanwhile. Default 20 ms. */
  readonly pauseMs?: number;
  readonly clock?: () => Date;
  readonly log?: RetentionLog | undefined;
}

export interface BatchedRetention {
  /** Deletes every row written before the retention, a batch at a time; the count. */
  prune(): Promise<number>;
  /**
   * Prunes every `intervalMs` (default a minute) while `isSequencer()` holds. Returns the
   * function that stops it for good, resolving once a run in progress has stopped after its
   * batch.
   */
  start(intervalMs?: number, isSequencer?: () => boolean): () => Promise<void>;
  /** prom-client metrics to register on the app's registry (the counter of deleted rows). */
  readonly metrics: readonly Metric[];
}

/** The instant before which rows go, as ISO text like `created_at`. */
export function retentionCutoff(now: Date, retentionMs: number): string {
  return new Date(now.getTime() - retentionMs).toISOString();
}

export function createBatchedRetention(options: BatchedRetentionOptions): BatchedRetention {
  const { retentionMs, deleteBatch, what, log } = options;
  const batchSize = options.batchSize ?? 1000;
  const pauseMs = options.pauseMs ?? 20;
  const clock = options.clock ?? (() => new Date());
  const pruned = new Counter({ ...options.metric, registers: [] });
  let stopping = false;

  async function prune(): Promise<number> {
    const before = retentionCutoff(clock(), retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch(before, batchSize);
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
      // Leadership only keeps the work on one instance: two deleting expired rows at once is
      // harmless, so a run that outlives its instance's leadership is not interrupted.
      const run = () => {
        if (running || stopping || !isSequencer()) return;
        running = prune()
          .then(
            () => undefined,
            (error: unknown) => {
              log?.error({ err: error }, `${what} failed; the next run tries again`);
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
