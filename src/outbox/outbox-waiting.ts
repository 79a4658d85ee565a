/**
 * What waits in the outbox, by stage — read by the gauges `qalqan_outbox_waiting` and
 * `qalqan_outbox_oldest_waiting_seconds` at each scrape, and by `qalqan outbox waiting`:
 * - `ledger`: facts written but not yet appended (pending rows without an index: a standby's,
 *   the CLI's, a failed append's; the sequencing instance polls them every 250 ms);
 * - `publish`: facts in the ledger whose event is not yet delivered (pending rows with an index,
 *   and the one-commit path's `outbox_events`: a broker down, a consumer failing).
 * With the oldest of each, so an operator can tell a moment's backlog from a stuck drain. Parked
 * rows (refused by the ledger) are not waiting: they wait for an operator (`qalqan outbox parked`).
 */
import { type Kysely, sql } from 'kysely';
import type { OutboxTables } from './outbox.tables.js';

export type WaitingStage = 'ledger' | 'publish';
export const WAITING_STAGES: readonly WaitingStage[] = ['ledger', 'publish'];

export interface Waiting {
  readonly count: number;
  /** `created_at` of the oldest, or null when none waits. */
  readonly oldest: string | null;
}

export type OutboxWaiting = Readonly<Record<WaitingStage, Waiting>>;

/** Seconds since an ISO instant (0 for none; never negative under clock skew between instances). */
export const ageSeconds = (iso: string | null, now: number = Date.now()): number =>
  iso === null ? 0 : Math.max(0, (now - Date.parse(iso)) / 1000);

export async function readOutboxWaiting(db: Kysely<OutboxTables>): Promise<OutboxWaiting> {
  const pendingRows = (inLedger: boolean) =>
    db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.min('created_at').as('oldest'),
      ])
      // Literals, so SQLite's planner can use the partial index `outbox_unsequenced`.
      .where(sql.ref('state'), '=', sql.lit('pending'))
      .where('ledger_index', inLedger ? 'is not' : 'is', null)
      .executeTakeFirstOrThrow();
  const [unsequenced, unpublishedRows, unpublishedEvents] = await Promise.all([
    pendingRows(false),
    pendingRows(true),
    db
      .selectFrom('outbox_events')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const olderOf = (a: string | null, b: string | null) =>
    a === null ? b : b === null || a < b ? a : b;
  return {
    ledger: { count: Number(unsequenced.count), oldest: unsequenced.oldest },
    publish: {
      count: Number(unpublishedRows.count) + Number(unpublishedEvents.count),
      oldest: olderOf(unpublishedRows.oldest, unpublishedEvents.oldest),
    },
  };
}
