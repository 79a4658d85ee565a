/**
 * Parked outbox rows, for an operator (`qalqan outbox parked|requeue`): a row is parked when the
 * ledger refused its record (`outbox.ts`, "Poison isolation") and nothing reads it again by
 * itself. Once the cause is fixed — most often an upgrade whose ledger now takes the record — the
 * operator lists the rows and puts them back to `pending`.
 *
 * A requeued row is as `enqueue` writes it: `pending`, `ledger_index` null, `attempts` 0,
 * `last_error` null — what the row shows is its state now, not the refusal it came back from. The
 * refusal is not lost: it moves to `requeued_error`, with the time in `requeued_at`, and the
 * requeue reports it per row (`previousError`), so the operator's terminal holds what each row was
 * parked with; a row parked again shows its new error and when it was requeued. Nothing else
 * changes — the id, so the ledger's idempotency key, stays too: a record appended once is never
 * appended twice. The rows are then picked up by the unsequenced poll of the instance that
 * sequences the ledger (`OutboxService.start`, within a second), as rows the CLI writes are; if
 * no server runs, by the first full pass of the next one to start. A record the ledger still
 * refuses is parked again, counted again.
 *
 * The list never carries `record_json` or `event_json`: they hold pseudonyms and personal data,
 * and the list is printed on a terminal. Only parked rows change: every update's condition is the
 * row's state, so a row that is pending or done — say one another operator requeued meanwhile and
 * the drain appended — is never touched, however far the operator's list is behind the table.
 */
import type { Kysely, Transaction } from 'kysely';
import type { OutboxState, OutboxTables } from './outbox.tables.js';

/** A parked row as an operator sees it: what and when, and why the ledger refused it. */
export interface ParkedRow {
  readonly id: string;
  readonly type: string;
  readonly createdAt: string;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When an operator last requeued it, so it was refused again since; null if never. */
  readonly requeuedAt: string | null;
}

/** A row a requeue put back, with the error it was parked with (now cleared from the row). */
export interface RequeuedRow {
  readonly id: string;
  readonly type: string;
  readonly previousError: string | null;
}

/** What became of one id given to `requeue`. */
export type RequeueOutcome =
  | ({ readonly result: 'requeued' } & RequeuedRow)
  | { readonly id: string; readonly result: 'unknown' }
  | { readonly id: string; readonly result: 'not parked'; readonly state: OutboxState };

export interface ParkedOutbox {
  /** The oldest parked rows first (by `created_at`, then id), at most `limit`. */
  list(limit: number): Promise<ParkedRow[]>;
  /** How many rows are parked. */
  count(): Promise<number>;
  /**
   * Puts the given rows back to `pending`, in one transaction; one outcome per distinct id, in
   * the order given. An id that is unknown or not parked changes nothing.
   */
  requeue(ids: readonly string[]): Promise<RequeueOutcome[]>;
  /** Puts every parked row back to `pending`, in one transaction; those rows, oldest first. */
  requeueAll(): Promise<RequeuedRow[]>;
}

export interface ParkedOutboxOptions {
  /** The time a requeue records (`requeued_at`); the system clock by default. */
  readonly clock?: () => Date;
}

/** Ids per statement: far under either engine's limit on bound parameters. */
const CHUNK = 500;

/** The ids in the order given, each once. */
export function distinctIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * One outcome per id, in the order given, from what the update changed (`requeued`, by id) and
 * the state of every other id that exists (`states`).
 */
export function requeueOutcomes(
  ids: readonly string[],
  requeued: ReadonlyMap<string, RequeuedRow>,
  states: ReadonlyMap<string, OutboxState>,
): RequeueOutcome[] {
  return distinctIds(ids).map((id): RequeueOutcome => {
    const row = requeued.get(id);
    if (row !== undefined) return { ...row, result: 'requeued' };
    const state = states.get(id);
    return state === undefined ? { id, result: 'unknown' } : { id, result: 'not parked', state };
  });
}

export function createParkedOutbox(
  db: Kysely<OutboxTables>,
  options: ParkedOutboxOptions = {},
): ParkedOutbox {
  const clock = options.clock ?? (() => new Date());

  /**
   * The one change a requeue makes; `where state = 'parked'` is part of every statement. The
   * error moves to `requeued_error` in the same statement: on both engines the right-hand side of
   * a SET reads the row as it was, and `returning` the row as it is now.
   */
  async function requeueIn(
    trx: Transaction<OutboxTables>,
    ids: readonly string[],
  ): Promise<Map<string, RequeuedRow>> {
    const requeued = new Map<string, RequeuedRow>();
    const at = clock().toISOString();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx
        .updateTable('outbox')
        .set((eb) => ({
          state: 'pending',
          ledger_index: null,
          attempts: 0,
          last_error: null,
          requeued_at: at,
          requeued_error: eb.ref('last_error'),
        }))
        .where('state', '=', 'parked')
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .returning(['id', 'type', 'requeued_error'])
        .execute();
      for (const row of rows)
        requeued.set(row.id, { id: row.id, type: row.type, previousError: row.requeued_error });
    }
    return requeued;
  }

  return {
    async list(limit) {
      const rows = await db
        .selectFrom('outbox')
        .select(['id', 'type', 'created_at', 'attempts', 'last_error', 'requeued_at'])
        .where('state', '=', 'parked')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        createdAt: row.created_at,
        attempts: Number(row.attempts),
        lastError: row.last_error,
        requeuedAt: row.requeued_at,
      }));
    },

    async count() {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('state', '=', 'parked')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async requeue(ids) {
      const wanted = distinctIds(ids);
      if (wanted.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const requeued = await requeueIn(trx, wanted);
        const others = wanted.filter((id) => !requeued.has(id));
        const states = new Map<string, OutboxState>();
        for (let i = 0; i < others.length; i += CHUNK) {
          const rows = await trx
            .selectFrom('outbox')
            .select(['id', 'state'])
            .where('id', 'in', others.slice(i, i + CHUNK))
            .execute();
          for (const row of rows) states.set(row.id, row.state);
        }
        return requeueOutcomes(wanted, requeued, states);
      });
    },

    async requeueAll() {
      return db.transaction().execute(async (trx) => {
        // Read then update by id (the update's condition still checks the state): the rows come
        // back oldest first, which `returning` does not promise.
        const parked = await trx
          .selectFrom('outbox')
          .select(['id', 'type'])
          .where('state', '=', 'parked')
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        const requeued = await requeueIn(
          trx,
          parked.map((row) => row.id),
        );
        return parked.flatMap((row) => requeued.get(row.id) ?? []);
      });
    },
  };
}
