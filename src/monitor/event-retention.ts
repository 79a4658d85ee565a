/**
 * Keeps `monitor_events` bounded. The table exists for two readers: the evaluator's replay on
 * start or take-over, which reaches back only to the longest window among the rules (counted
 * from the newest logged event), and a case's timeline, which shows the events behind its
 * alerts. So an event older than the longest window plus a margin is deleted — unless an alert
 * names it (the alert's own events, or a match its dedup window folded into it): the evidence
 * behind an alert stays as long as the alert does.
 *
 * Runs on a timer on the elected evaluator only (one instance deletes; the others would only
 * contend for the same rows), in batches so no transaction holds the table for long, and reports
 * what it deleted in `qalqan_monitor_events_pruned_total` and an info log line.
 */
import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
import type { MonitorTables } from './monitor.tables.js';

export interface EventRetentionOptions {
  readonly db: Kysely<MonitorTables>;
  /** The longest window among the rules in force, in ms (read at every pass: rules change). */
  readonly windowMs: () => number | Promise<number>;
  /** Kept beyond the longest window, so a replay never finds the start of its range missing. Default 1 day. */
  readonly marginMs?: number;
  readonly clock: () => Date;
  readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Rows examined per batch. Default 1,000. */
  readonly batchSize?: number;
}

export interface EventRetention {
  /** Deletes what the windows no longer need and no alert names; returns how many rows went. */
  prune(): Promise<number>;
  /** Prunes every `intervalMs` while `active()`; returns the stop function. */
  start(intervalMs: number, active: () => boolean): () => void;
  readonly metric: Counter;
}

/** Kept past the longest window of the rules in force: one day. */
export const RETENTION_MARGIN_MS = 86_400_000;

export function createEventRetention(options: EventRetentionOptions): EventRetention {
  const { db } = options;
  const marginMs = options.marginMs ?? RETENTION_MARGIN_MS;
  const batchSize = options.batchSize ?? 1_000;
  const metric = new Counter({
    name: 'qalqan_monitor_events_pruned_total',
    help: 'Rows deleted from monitor_events: older than the longest rule window plus a margin, named by no alert',
    registers: [],
  });

  /** Ids among `ids` that an alert names (its events, or a match folded into it). */
  async function named(
    ids: readonly string[],
    fromAt: string,
    untilAt: string,
  ): Promise<Set<string>> {
    const wanted = new Set(ids);
    const found = new Set<string>();
    // An alert names only events within its window before it: [event time, + the longest window].
    const alerts = await db
      .selectFrom('monitor_alerts')
      .select('events_json')
      .where('at', '>=', fromAt)
      .where('at', '<=', untilAt)
      .execute();
    for (const alert of alerts) {
      const cited = JSON.parse(alert.events_json) as unknown;
      if (Array.isArray(cited))
        for (const id of cited) if (typeof id === 'string' && wanted.has(id)) found.add(id);
    }
    const folded = await db
      .selectFrom('monitor_history')
      .select('event_id')
      .where('event_id', 'in', [...ids])
      .execute();
    for (const row of folded) if (row.event_id !== null) found.add(row.event_id);
    return found;
  }

  async function prune(): Promise<number> {
    const newest = await db
      .selectFrom('monitor_events')
      .select((eb) => eb.fn.max('at').as('at'))
      .executeTakeFirst();
    if (!newest?.at) return 0;
    const windowMs = await options.windowMs();
    // Counted back from the earlier of now and the newest event, as the replay counts from the
    // newest event: a clock behind the stream, or a stream gone quiet, never cuts into a window.
    const from = Math.min(options.clock().getTime(), Date.parse(newest.at));
    const before = new Date(from - windowMs - marginMs).toISOString();
    let deleted = 0;
    let afterSeq = 0;
    for (;;) {
      const rows = await db
        .selectFrom('monitor_events')
        .select(['seq', 'id', 'at'])
        .where('at', '<', before)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      afterSeq = Number(rows[rows.length - 1]!.seq);
      const ats = rows.map((row) => row.at).sort();
      const untilAt = new Date(Date.parse(ats[ats.length - 1]!) + windowMs).toISOString();
      const keep = await named(
        rows.map((row) => row.id),
        ats[0]!,
        untilAt,
      );
      const gone = rows.filter((row) => !keep.has(row.id)).map((row) => row.id);
      if (gone.length > 0) {
        const result = await db
          .deleteFrom('monitor_events')
          .where('id', 'in', gone)
          .where('at', '<', before)
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      if (rows.length < batchSize) break;
    }
    if (deleted > 0) {
      metric.inc(deleted);
      options.log.info({ deleted, before }, 'monitor events pruned');
    }
    return deleted;
  }

  return {
    prune,
    metric,
    start(intervalMs, active) {
      let running = false;
      const timer = setInterval(() => {
        if (running || !active()) return;
        running = true;
        prune()
          .catch((error: unknown) =>
            options.log.error({ err: error }, 'monitor event pruning failed'),
          )
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
