/**
 * Idempotency keys of access checks at rest, and their expiry.
 *
 * The key is the client's text, and a client may choose the citizen's IIN, or a request id that
 * holds one, as its key: only a digest is stored. It is keyed (HMAC-SHA-256 under a key the server
 * derives from its secrets) because an IIN has too few possible values for a plain hash to hide
 * it: a dump's SHA-256 of a twelve-digit key is reversed by trying every valid IIN, in minutes.
 * The body's digest, compared on a retry, is keyed the same way: the body holds the subject's IIN,
 * and a system sends bodies of a few known shapes. Rows written before keys were digested were
 * converted by a migration, which has no secret, to the key's plain SHA-256 (their body digest was
 * a plain SHA-256 already); a lookup also tries that digest, so a retry with such a key still
 * replays, and those rows are gone with the retention that follows the upgrade.
 *
 * A key answers retries for the retention after its check (`QALQAN_ACCESS_IDEMPOTENCY_HOURS`),
 * then it is forgotten: a lookup ignores an older row whether or not it was deleted yet, so the
 * answer does not depend on when the deleting job last ran, and the first request after that
 * replaces the row. One instance (the ledger's sequencer) deletes such rows periodically, a bounded
 * batch per statement, oldest first, through the index on `created_at`, with a pause between
 * batches (on SQLite each statement runs on the event loop). The cutoff is fixed when a run starts.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Counter, type Metric } from 'prom-client';
import type { AccessTables } from './access.tables.js';

/** The default retention: a week, like the outbox's. */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * The digests a key may be stored under, the keyed one first (what every row is written with);
 * the second is the plain SHA-256 the migration left on rows written before.
 */
export function keyDigests(secret: Uint8Array, key: string): readonly [string, string] {
  return [
    createHmac('sha256', secret).update(key, 'utf8').digest('hex'),
    createHash('sha256').update(key, 'utf8').digest('hex'),
  ];
}

/** The instant before which a key is forgotten, as ISO text like `created_at`. */
export function idempotencyCutoff(now: Date, retentionMs: number): string {
  return new Date(now.getTime() - retentionMs).toISOString();
}

/**
 * The instant of the `limit`-th oldest key written before `before` (or of the last, if fewer), read
 * from the index on `created_at`: a batch deletes the keys up to it.
 */
export function batchEnd(db: Kysely<AccessTables>, before: string, limit: number) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('access_idempotency')
        .select('created_at')
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit)
        .as('oldest'),
    )
    .select((eb) => eb.fn.max('oldest.created_at').as('end'));
}

export interface IdempotencyRetentionLog {
  error(object: unknown, message: string): void;
}

export interface IdempotencyRetentionOptions {
  readonly db: Kysely<AccessTables>;
  /** Keys are kept this long after their check, in milliseconds. */
  readonly retentionMs: number;
  /** Most rows one statement deletes. Default 1,000. */
  readonly batchSize?: number;
  /** Pause between two batches of one run, so requests are served meanwhile. Default 20 ms. */
  readonly pauseMs?: number;
  readonly clock?: () => Date;
  readonly log?: IdempotencyRetentionLog | undefined;
}

export interface IdempotencyRetention {
  /** Deletes every key written before the retention, a batch at a time; the count. */
  prune(): Promise<number>;
  /**
   * Prunes every `intervalMs` (default a minute) while `isSequencer()` holds. Returns the function
   * that stops it for good, resolving once a run in progress has stopped after its batch.
   */
  start(intervalMs?: number, isSequencer?: () => boolean): () => Promise<void>;
  /** prom-client metrics to register (`qalqan_access_idempotency_pruned_total`). */
  readonly metrics: readonly Metric[];
}

export function createIdempotencyRetention(
  options: IdempotencyRetentionOptions,
): IdempotencyRetention {
  const { db, retentionMs, log } = options;
  const batchSize = options.batchSize ?? 1000;
  const pauseMs = options.pauseMs ?? 20;
  const clock = options.clock ?? (() => new Date());
  const pruned = new Counter({
    name: 'qalqan_access_idempotency_pruned_total',
    help: 'Access-check idempotency keys deleted after their retention',
    registers: [],
  });
  let stopping = false;

  /**
   * One batch: the keys up to the `batchSize`-th oldest, a range of the index on `created_at` on
   * both engines (chosen in a subquery: neither takes `delete … limit` as such). Keys of the same
   * instant as the last go with it, so a batch may exceed `batchSize` by such ties.
   */
  async function deleteBatch(before: string): Promise<number> {
    const result = await db
      .deleteFrom('access_idempotency')
      .where('created_at', '<', before)
      .where('created_at', '<=', batchEnd(db, before, batchSize))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async function prune(): Promise<number> {
    const before = idempotencyCutoff(clock(), retentionMs);
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
      // Leadership only keeps the work on one instance: two deleting expired keys at once is
      // harmless (a lookup ignores them already), so a run is not interrupted when it is lost.
      const run = () => {
        if (running || stopping || !isSequencer()) return;
        running = prune()
          .then(
            () => undefined,
            (error: unknown) => {
              log?.error({ err: error }, 'idempotency key expiry failed; the next run tries again');
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
