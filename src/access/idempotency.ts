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
 * The schedule, batching and metric are `storage/batched-retention.ts`'s, shared with the outbox's
 * retention.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type BatchedRetention,
  type BatchedRetentionOptions,
  createBatchedRetention,
  retentionCutoff,
  type RetentionLog,
} from '../storage/batched-retention.js';
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
  return retentionCutoff(now, retentionMs);
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

export type IdempotencyRetentionLog = RetentionLog;

export interface IdempotencyRetentionOptions extends Omit<
  BatchedRetentionOptions,
  'deleteBatch' | 'metric' | 'what'
> {
  readonly db: Kysely<AccessTables>;
}

/** Deletes keys written before the retention (`qalqan_access_idempotency_pruned_total`). */
export type IdempotencyRetention = BatchedRetention;

export function createIdempotencyRetention(
  options: IdempotencyRetentionOptions,
): IdempotencyRetention {
  const { db, ...schedule } = options;
  return createBatchedRetention({
    ...schedule,
    // One batch: the keys up to the `limit`-th oldest, a range of the index on `created_at` on
    // both engines (chosen in a subquery: neither takes `delete … limit` as such). Keys of the same
    // instant as the last go with it, so a batch may exceed `limit` by such ties.
    async deleteBatch(before, limit) {
      const result = await db
        .deleteFrom('access_idempotency')
        .where('created_at', '<', before)
        .where('created_at', '<=', batchEnd(db, before, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    metric: {
      name: 'qalqan_access_idempotency_pruned_total',
      help: 'Access-check idempotency keys deleted after their retention',
    },
    what: 'idempotency key expiry',
  });
}
