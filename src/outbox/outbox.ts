/**
 * The outbox: how every module puts a fact in the transparency ledger and publishes its event
 * without losing it, doubling it, or letting one bad fact stop the rest.
 *
 * 1. `enqueue(trx, items)` writes the items in the caller's transaction, so the change and its
 *    outbox rows commit together or not at all.
 * 2. After the commit, `sequence(ids)` appends them to the ledger. Concurrent callers are
 *    coalesced: one round at a time reads every queued id in one query, appends them together (the
 *    ledger group-commits them into one batch), publishes their events, and writes their indexes
 *    back and marks them done in one transaction. Appends carry the item id as the ledger's
 *    idempotency key, so a crash between the ledger commit and the write-back, or two instances
 *    draining the same row, can never log a record twice: appending it again returns the first
 *    index.
 * 3. What is left — a crash before step 2, a standby instance (it writes, the sequencer appends),
 *    the CLI writing with no server, a publish that failed — is picked up by the drain on the
 *    instance that sequences the ledger: a poll every 250 ms for unsequenced rows (so a standby's
 *    commit reaches the ledger within a second) and a full pass every few seconds that also retries
 *    failed publishes.
 *
 * The one-commit path (`appendWith`, an access check on the sequencing instance) writes no
 * `outbox` row: the entry and the caller's own rows (which carry the index) commit in the ledger's
 * transaction, and with them, for an item with an event, a row in `outbox_events` — the one thing
 * left to do, the publish, kept until done. The event is published in the background and its row
 * deleted then; a failed publish records its attempt on the row, and the drain's full pass (and
 * its pass at start) publishes what is left there — after a crash, or a failed publish — as it
 * republishes pending `outbox` rows: at least once, consumers idempotent by event id.
 *
 * Poison isolation: a record the ledger refuses (`ledger.invalid_entry`: not well-formed Unicode,
 * too large, a bad type) is parked with its error, counted in `qalqan_outbox_parked_total` and
 * logged at error level; each item is appended on its own promise, so the others of the same round
 * go on, and a parked row is never read again by the drain — until an operator, the cause fixed,
 * puts it back to pending (`qalqan outbox requeue`, `outbox-parked.ts`); the unsequenced poll
 * then appends it like any row the CLI wrote. Transient failures (ledger unavailable or
 * overloaded) leave the row pending with its error and attempt count.
 */
import { type CompiledQuery, type Kysely, type Transaction, sql } from 'kysely';
import { Counter, Gauge, type Metric } from 'prom-client';
import { DomainError } from '../core/errors.js';
import type { DomainEvent, EventPublisher } from '../events/events.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import { compiledInsert } from '../storage/compiled-insert.js';
import { derivedTransactions, type NativeHandle } from '../storage/storage.js';
import type { OutboxEventTable, OutboxTable, OutboxTables } from './outbox.tables.js';
import {
  ageSeconds,
  type OutboxWaiting,
  readOutboxWaiting,
  WAITING_STAGES,
} from './outbox-waiting.js';

export interface OutboxItem {
  /** The record's id: ledger idempotency key AND event id. */
  readonly id: string;
  /** Ledger entry type, e.g. 'consent.given', 'access.check'. */
  readonly type: string;
  /** Private ledger record: pseudonyms only, never an IIN. */
  readonly record: JsonObject;
  /** Published (after the ledger append) to the EventPublisher. */
  readonly event?: DomainEvent | undefined;
}

export interface Outbox {
  /** Writes items in the caller's transaction (any Kysely/Transaction whose DB includes OutboxTables). */
  enqueue<DB extends OutboxTables>(
    trx: Kysely<DB> | Transaction<DB>,
    items: OutboxItem | readonly OutboxItem[],
  ): Promise<void>;
  /**
   * After commit: appends these ids now if this instance sequences the ledger (group-committed
   * with concurrent callers), publishes their events; returns id -> ledgerIndex (null on standby,
   * for a parked item, or while the ledger is unavailable — the drain finishes those).
   */
  sequence(ids: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
  /**
   * The item's index while its `outbox` row exists: null too once retention deleted it
   * (`outbox-retention.ts`), so a module that needs the index later copies it in a write-back
   * hook (`onSequenced`) and asks here only while its own copy is still null. Always null for an
   * item of `appendWith`, which has no `outbox` row: its index is in the caller's own rows,
   * written in the same commit as its entry.
   */
  ledgerIndexOf(id: string): Promise<number | null>;
  /**
   * The one-commit path, on the instance that sequences into this database: the caller's rows
   * (given the entry's index) and the item's ledger entry in the ledger's own transaction, so the
   * answer waits for one commit instead of three. No `outbox` row: the record is in the ledger,
   * the index in the caller's rows (`ledgerIndexOf` answers null). An item with an event gets an
   * unpublished-event row (`outbox_events`) in the same transaction; the event is published
   * after, in the background (rounds of everything published meanwhile), and the row deleted
   * then — or, after a failed publish or a crash, published and deleted by the drain's full pass.
   * Resolves the index once all of it is durable, or undefined — this instance cannot (standby, a
   * ledger elsewhere) or the commit failed, and nothing was written — and the caller takes the
   * ordinary path (`enqueue` in its transaction, then `sequence`). Should a failed commit have
   * reached storage after all, that path cannot log the fact twice: `sequence` appends with the
   * item's id as the ledger's idempotency key, which answers the first index (and a caller whose
   * rows are keyed by the item's id — an access check — fails its insert first). Its event may
   * then be published twice (at least once).
   */
  appendWith(
    item: OutboxItem,
    rows: (index: number) => readonly CompiledQuery[],
  ): Promise<number | undefined>;
  /**
   * The same for a group of items (an access-check batch): every item's entry, its event's row and
   * the caller's rows — given the entries' indexes, in the items' order — in one ledger
   * transaction, all or none. The indexes, or undefined as above (nothing written). The items
   * must be new to the ledger (fresh ids): rows are written only for a group appended whole.
   */
  appendWith(
    items: readonly OutboxItem[],
    rows: (indexes: readonly number[]) => readonly CompiledQuery[],
  ): Promise<number[] | undefined>;
}

/** What the outbox needs from the ledger. */
export interface OutboxLedger {
  append(input: {
    readonly type: string;
    readonly record: JsonObject;
    readonly key: string;
    /**
     * Rows committed in the entry's transaction (only when `canCommitAlongside`), given its index
     * and the record's canonical JSON.
     */
    readonly alongside?: (index: number, record: string) => readonly CompiledQuery[];
  }): Promise<{ readonly index: number }>;
  /** Appends in one transaction, all or none (`appendWith` of a group needs it). */
  appendGroup?(
    inputs: readonly Parameters<OutboxLedger['append']>[0][],
  ): Promise<readonly { readonly index: number }[]>;
  /** Absent: always try to append. 'standby': leave the rows to the sequencing instance. */
  readonly role?: 'sequencer' | 'standby';
  /** True when an append can carry `alongside` rows (the ledger writes into this database). */
  readonly canCommitAlongside?: boolean;
}

/** One sequenced item, as handed to write-back hooks. */
export interface SequencedItem {
  readonly id: string;
  readonly type: string;
  readonly ledgerIndex: number;
}

/**
 * Runs inside the write-back transaction, so a module can copy the indexes into its own table
 * (the registry's history) atomically with the outbox's state.
 */
export type WriteBack = (
  trx: Transaction<OutboxTables>,
  items: readonly SequencedItem[],
) => Promise<void>;

export interface OutboxLog {
  error(object: unknown, message: string): void;
  info(object: unknown, message: string): void;
}

export interface OutboxOptions {
  readonly db: Kysely<OutboxTables>;
  readonly ledger: OutboxLedger;
  readonly events?: EventPublisher | undefined;
  readonly log?: OutboxLog | undefined;
  /** Most rows per sequencing round and per drain read. Default 500. */
  readonly maxBatch?: number;
  /**
   * The database's native handle: 'done' marks of `appendWith` items (the deletion of their
   * unpublished-event rows) committed on their own (by their timer, when no ledger transaction
   * took them) then do not wait for the disk (`derivedTransactions`). A lost mark only leaves its
   * row in `outbox_events`, and the drain publishes the event again.
   */
  readonly native?: NativeHandle | undefined;
  /**
   * How long a background publish waits for more events before it starts, in milliseconds.
   * Default 0: the next turn of the loop. Every publish runs each consumer's own transaction (the
   * citizen inbox's, the monitoring feed's, then the rule evaluator's), whatever its size: at a
   * moderate rate of checks a round holds one or two events, and those per-round costs are most
   * of the answering thread's work. Waiting a few milliseconds lets a round gather the events of
   * that time (group commit for derived data). A slice goes once it is full (`PUBLISH_SLICE`
   * events) or once its oldest event has waited this long, so a backlog is published at once and
   * no event waits longer than this for its slice. A check's answer never waits for its event.
   */
  readonly publishLingerMs?: number;
}

export interface OutboxService extends Outbox {
  /** Registers a write-back hook; returns the function that removes it. */
  onSequenced(hook: WriteBack): () => void;
  /**
   * Sequences (and publishes) everything pending now, and publishes the events `appendWith` left
   * unpublished (not those it is publishing now); resolves when those rows were tried.
   */
  drain(): Promise<void>;
  /** Resolves once the background publishes of `appendWith` items so far are done. */
  published(): Promise<void>;
  /**
   * Starts the background drain on this instance while `isSequencer()` holds: a poll every
   * `pollMs` (default 250) for unsequenced rows and a full pass every `intervalMs` (failed
   * publishes too, and events `appendWith` left unpublished). Runs a full pass at once. Returns
   * the function that stops it (resolving once the background publishes have finished).
   */
  start(intervalMs?: number, isSequencer?: () => boolean, pollMs?: number): () => Promise<void>;
  /** Asks this instance to look for pending rows now (e.g. after the CLI wrote some). */
  notify(): void;
  /**
   * prom-client metrics to register on the app's registry: `qalqan_outbox_parked_total`, and
   * `qalqan_outbox_waiting` / `qalqan_outbox_oldest_waiting_seconds` by stage (read at scrape).
   */
  readonly metrics: readonly Metric[];
}

/** Writes the items in the caller's transaction; the standalone form of `Outbox.enqueue`. */
export async function enqueueOutbox<DB extends OutboxTables>(
  trx: Kysely<DB> | Transaction<DB>,
  items: OutboxItem | readonly OutboxItem[],
  now: string = new Date().toISOString(),
): Promise<void> {
  const list: readonly OutboxItem[] = Array.isArray(items) ? items : [items as OutboxItem];
  if (list.length === 0) return;
  // Kysely<DB> is not assignable to Kysely<OutboxTables> (its types are invariant in DB), but
  // DB includes the outbox table, so the narrowing is sound.
  await (trx as unknown as Kysely<OutboxTables>)
    .insertInto('outbox')
    .values(
      list.map((item) => ({
        id: item.id,
        type: item.type,
        record_json: JSON.stringify(item.record),
        event_json: item.event ? JSON.stringify(item.event) : null,
        state: 'pending' as const,
        attempts: 0,
        last_error: null,
        ledger_index: null,
        created_at: now,
      })),
    )
    .execute();
}

type Row = Pick<
  OutboxTable,
  'id' | 'type' | 'record_json' | 'event_json' | 'state' | 'ledger_index'
>;

/** Errors are stored and logged by message only (never a record: they could be long or private). */
const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500);

const isRefusal = (error: unknown): boolean =>
  error instanceof DomainError && error.code === 'ledger.invalid_entry';

export function createOutbox(options: OutboxOptions): OutboxService {
  const { db, ledger, events, log } = options;
  const maxBatch = options.maxBatch ?? 500;
  const hooks = new Set<WriteBack>();
  const parked = new Counter({
    name: 'qalqan_outbox_parked_total',
    help: 'Outbox items parked because the ledger refused their record',
    labelNames: ['type'] as const,
    registers: [],
  });
  /** One read shared by both gauges of a scrape (the registry collects them side by side). */
  let reading: Promise<OutboxWaiting> | undefined;
  const readWaiting = () =>
    (reading ??= readOutboxWaiting(db).finally(() => {
      reading = undefined;
    }));
  const waiting = new Gauge({
    name: 'qalqan_outbox_waiting',
    help: 'Outbox facts waiting: stage="ledger" not yet appended, stage="publish" appended but their event not yet published',
    labelNames: ['stage'] as const,
    registers: [],
    async collect() {
      const stages = await readWaiting();
      for (const stage of WAITING_STAGES) this.set({ stage }, stages[stage].count);
    },
  });
  const oldestWaiting = new Gauge({
    name: 'qalqan_outbox_oldest_waiting_seconds',
    help: 'Age of the oldest outbox fact waiting at each stage (0 when none)',
    labelNames: ['stage'] as const,
    registers: [],
    async collect() {
      const stages = await readWaiting();
      for (const stage of WAITING_STAGES) this.set({ stage }, ageSeconds(stages[stage].oldest));
    },
  });

  /** Ids waiting for the next round, with their callers; one round runs at a time. */
  let queued = new Map<string, ((index: number | null) => void)[]>();
  let round: Promise<void> | undefined;
  let soon = false;
  /** Ids in the round now running: the drain does not queue them again meanwhile. */
  let running = new Set<string>();

  function schedule(): void {
    if (round || soon || queued.size === 0) return;
    soon = true;
    // A microtask: callers in the same tick share the round.
    queueMicrotask(() => {
      soon = false;
      if (!round && queued.size > 0) startRound();
    });
  }

  function startRound(): void {
    const taken = queued;
    queued = new Map();
    running = new Set(taken.keys());
    round = runRound(taken)
      .catch((error: unknown) => {
        log?.error({ err: error }, 'outbox round failed; its items stay pending');
        for (const waiters of taken.values()) for (const resolve of waiters) resolve(null);
      })
      .finally(() => {
        round = undefined;
        running = new Set();
        if (queued.size > 0) startRound();
      });
  }

  async function runRound(taken: Map<string, ((index: number | null) => void)[]>): Promise<void> {
    const ids = [...taken.keys()];
    const answer = (id: string, index: number | null) => {
      for (const resolve of taken.get(id) ?? []) resolve(index);
    };
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += maxBatch) {
      rows.push(
        ...(await db
          .selectFrom('outbox')
          .select(['id', 'type', 'record_json', 'event_json', 'state', 'ledger_index'])
          .where('id', 'in', ids.slice(i, i + maxBatch))
          .execute()),
      );
    }
    const found = new Set(rows.map((row) => row.id));
    for (const id of ids) if (!found.has(id)) answer(id, null);

    const toAppend = rows.filter((row) => row.state === 'pending' && row.ledger_index === null);
    const outcomes = await Promise.all(
      toAppend.map((row) =>
        appendRow(row).then(
          (index) => ({ row, index, error: undefined }),
          (error: unknown) => ({ row, index: undefined, error }),
        ),
      ),
    );
    const appended: SequencedItem[] = [];
    const refused: { row: Row; error: unknown }[] = [];
    const failed: { row: Row; error: unknown }[] = [];
    for (const outcome of outcomes) {
      if (outcome.index !== undefined) {
        appended.push({ id: outcome.row.id, type: outcome.row.type, ledgerIndex: outcome.index });
      } else if (isRefusal(outcome.error)) {
        refused.push({ row: outcome.row, error: outcome.error });
      } else {
        failed.push({ row: outcome.row, error: outcome.error });
      }
    }
    // Indexes known now: new appends and rows a previous round (or instance) already sequenced.
    const indexOf = new Map<string, number>();
    for (const item of appended) indexOf.set(item.id, item.ledgerIndex);
    for (const row of rows) if (row.ledger_index !== null) indexOf.set(row.id, row.ledger_index);

    // Events go out once their entries are in the ledger, before the write-back, so the write-back
    // marks them done in the same transaction (one commit per round, not two). A crash between the
    // two publishes them again: publishing is at least once, and consumers are idempotent by id.
    const toPublish = rows.filter((row) => row.state === 'pending' && indexOf.has(row.id));
    const published = await publish(toPublish);
    if (
      appended.length > 0 ||
      refused.length > 0 ||
      failed.length > 0 ||
      published.done.length > 0 ||
      published.failed.length > 0
    ) {
      await writeBack(appended, refused, failed, published);
    }
    for (const { row, error } of refused) {
      parked.inc({ type: row.type });
      log?.error(
        { outboxId: row.id, type: row.type, reason: messageOf(error) },
        'outbox item parked: the ledger refused its record; the other items go on',
      );
    }
    if (failed.length > 0) {
      const error = failed[0]!.error;
      const standby = error instanceof DomainError && error.code === 'ledger.unavailable';
      const message = 'outbox items not yet in the ledger; they stay pending for the drain';
      // Unavailable is routine on a standby or during a take-over; anything else is an error.
      if (standby) log?.info({ err: error, count: failed.length }, message);
      else log?.error({ err: error, count: failed.length }, message);
    }
    for (const row of rows) answer(row.id, indexOf.get(row.id) ?? null);
  }

  function appendRow(row: Row): Promise<number> {
    let record: JsonObject;
    try {
      record = JSON.parse(row.record_json) as JsonObject;
    } catch {
      // Not the parser's message: V8 quotes a piece of the text, and the record holds pseudonyms;
      // `last_error` is logged and shown to operators (`qalqan outbox parked`).
      return Promise.reject(
        new DomainError('ledger.invalid_entry', 'the stored record is not valid JSON'),
      );
    }
    return ledger.append({ type: row.type, record, key: row.id }).then((r) => r.index);
  }

  /** What a round's publish did: ids now done (published, or with no event) and ids that failed. */
  interface Published {
    readonly done: readonly string[];
    readonly failed: readonly string[];
    readonly error?: unknown;
  }

  async function writeBack(
    appended: readonly SequencedItem[],
    refused: readonly { row: Row; error: unknown }[],
    failed: readonly { row: Row; error: unknown }[],
    published: Published,
  ): Promise<void> {
    const done = new Set(published.done);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < appended.length; i += maxBatch) {
        const part = appended.slice(i, i + maxBatch);
        // One statement per part: `case id when … then … end` runs the same on both engines (the
        // cast types PostgreSQL's parameter, which it would otherwise take as text). A row is done
        // once its event is out (or it has none).
        const cases = sql.join(
          part.map((item) => sql`when ${item.id} then cast(${item.ledgerIndex} as bigint)`),
          sql` `,
        );
        const out = part.filter((item) => done.has(item.id)).map((item) => item.id);
        const state =
          out.length > 0
            ? sql`case when event_json is null or id in (${sql.join(out)}) then 'done' else 'pending' end`
            : sql`case when event_json is null then 'done' else 'pending' end`;
        await sql`update outbox set ledger_index = case id ${cases} end, state = ${state}
          where id in (${sql.join(part.map((item) => item.id))})`.execute(trx);
      }
      // Rows sequenced in an earlier round whose publish is retried here.
      const appendedIds = new Set(appended.map((item) => item.id));
      const earlier = published.done.filter((id) => !appendedIds.has(id));
      for (let i = 0; i < earlier.length; i += maxBatch)
        await trx
          .updateTable('outbox')
          .set({ state: 'done' })
          .where('id', 'in', earlier.slice(i, i + maxBatch))
          .execute();
      for (const { row, error } of refused) {
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            state: 'parked',
            attempts: eb('attempts', '+', 1),
            last_error: messageOf(error),
          }))
          .where('id', '=', row.id)
          .execute();
      }
      if (failed.length > 0) {
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            last_error: messageOf(failed[0]!.error),
          }))
          .where(
            'id',
            'in',
            failed.map(({ row }) => row.id),
          )
          .execute();
      }
      for (let i = 0; i < published.failed.length; i += maxBatch)
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            last_error: messageOf(published.error),
          }))
          .where('id', 'in', published.failed.slice(i, i + maxBatch))
          .execute();
      for (const hook of hooks) if (appended.length > 0) await hook(trx, appended);
    });
  }

  /**
   * Publishes the rows' events (at least once). Returns which rows may be marked done (published,
   * or without an event) and which failed; the write-back records both, and the drain retries
   * a failed publish (the ledger entries stand).
   */
  async function publish(rows: readonly Row[]): Promise<Published> {
    const withEvents = rows.filter((row) => row.event_json !== null);
    const without = rows.filter((row) => row.event_json === null).map((row) => row.id);
    if (withEvents.length === 0) return { done: without, failed: [] };
    const ids = withEvents.map((row) => row.id);
    try {
      if (events) {
        await events.publish(withEvents.map((row) => JSON.parse(row.event_json!) as DomainEvent));
      }
    } catch (error) {
      log?.error(
        { err: error, count: ids.length },
        'outbox events not published; the drain retries the publish (the ledger entries stand)',
      );
      return { done: without, failed: ids, error };
    }
    return { done: [...without, ...ids], failed: [] };
  }

  // ---- the one-commit path: entry, event row and the caller's rows together; events after
  /** Events of `appendWith` items waiting for the next background publish. */
  const toPublish: { id: string; event: DomainEvent; queuedAt: number }[] = [];
  /** Wakes a lingering slice early, once a full slice has queued. */
  let sliceFull: (() => void) | undefined;
  /**
   * Ids of `appendWith` events being published here, from the moment their transaction is built
   * until their 'done' mark (the deletion of their `outbox_events` row) commits: the drain skips
   * them, so it never publishes an event this instance has in hand.
   */
  const publishingIds = new Set<string>();
  let publishing: Promise<void> | undefined;
  /**
   * Published ids waiting for their 'done' mark — the deletion of their `outbox_events` row: it
   * rides in the next ledger transaction.
   */
  const toMarkDone: string[] = [];
  let markTimer: NodeJS.Timeout | undefined;
  /** How long a 'done' mark waits for a ledger transaction to ride in before its own commit. */
  const MARK_DONE_MS = 200;
  /** Most events per background publish (one turn of the consumers' synchronous work). */
  const PUBLISH_SLICE = 100;
  const publishLingerMs = options.publishLingerMs ?? 0;

  const markTransaction =
    options.native !== undefined
      ? derivedTransactions(db, options.native)
      : <T>(work: (trx: Transaction<OutboxTables>) => Promise<T>) => db.transaction().execute(work);
  const doneQuery = (ids: readonly string[]) =>
    db.deleteFrom('outbox_events').where('id', 'in', ids).compile();

  /** The event rows' insert, compiled once per row count (`storage/compiled-insert.ts`). */
  const insertEvents = compiledInsert<OutboxEventTable>(db, 'outbox_events', [
    'id',
    'type',
    'event_json',
    'created_at',
    'attempts',
    'last_error',
  ]);

  /** An item's unpublished-event row (only for an item with an event). */
  const eventRow = (item: OutboxItem, event: DomainEvent, now: string): OutboxEventTable => ({
    id: item.id,
    type: event.type,
    event_json: JSON.stringify(event),
    created_at: now,
    attempts: 0,
    last_error: null,
  });

  /** A failed publish: its attempt and error on the event rows, which stay for the drain. */
  async function recordPublishFailure(ids: readonly string[], error: unknown): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += maxBatch)
        await db
          .updateTable('outbox_events')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: messageOf(error) }))
          .where('id', 'in', ids.slice(i, i + maxBatch))
          .execute();
    } catch (writeError) {
      log?.error({ err: writeError, count: ids.length }, 'outbox could not record the failure');
    }
  }

  function appendWith(
    item: OutboxItem,
    rows: (index: number) => readonly CompiledQuery[],
  ): Promise<number | undefined>;
  function appendWith(
    items: readonly OutboxItem[],
    rows: (indexes: readonly number[]) => readonly CompiledQuery[],
  ): Promise<number[] | undefined>;
  async function appendWith(
    what: OutboxItem | readonly OutboxItem[],
    rows:
      | ((index: number) => readonly CompiledQuery[])
      | ((indexes: readonly number[]) => readonly CompiledQuery[]),
  ): Promise<number | number[] | undefined> {
    if (ledger.role === 'standby' || ledger.canCommitAlongside !== true) return undefined;
    const group = Array.isArray(what);
    const items: readonly OutboxItem[] = group ? what : [what as OutboxItem];
    if (items.length === 0) return [];
    if (items.length > 1 && !ledger.appendGroup) return undefined;
    const now = new Date().toISOString();
    const last = items.length - 1;
    // Filled as the ledger builds the transaction, entry by entry in the items' order (one batch
    // for a group); the last entry's rows carry everything.
    const indexes = new Array<number>(items.length);
    // The 'done' marks this append carries (taken when its transaction is built): back to the
    // list if that transaction does not commit.
    let marks: string[] = [];
    /** Settled once this append's transaction, carrying `marks`, is known to have committed or not. */
    let carried: (() => void) | undefined;
    const withEvents = items.filter((item) => item.event !== undefined);
    const inputs = items.map((item, position) => ({
      type: item.type,
      record: item.record,
      key: item.id,
      // A fresh id (the caller's rows with it, and its event's row, are inserted alongside): the
      // ledger does not look it up. Were it in the log after all, the ledger's unique key on
      // records refuses the batch, and nothing is written.
      keyIsNew: true,
      alongside: (index: number): readonly CompiledQuery[] => {
        indexes[position] = index;
        if (position !== last) return [];
        for (let i = 0; i < last; i++)
          if (indexes[i] === undefined)
            throw new Error('a group of outbox items was only partly new to the ledger');
        const queries = [
          ...(group
            ? (rows as (indexes: readonly number[]) => readonly CompiledQuery[])(indexes)
            : (rows as (index: number) => readonly CompiledQuery[])(index)),
          ...insertEvents(withEvents.map((one) => eventRow(one, one.event!, now))),
        ];
        // In hand from before the commit: the drain cannot read these rows and publish them too.
        for (const one of withEvents) publishingIds.add(one.id);
        marks = toMarkDone.splice(0, maxBatch);
        if (marks.length > 0) carried = inFlight();
        if (marks.length > 0) queries.push(doneQuery(marks));
        return queries;
      },
    }));
    let result: number[];
    try {
      // One item: the ledger's plain append (its hot path), whichever form the caller used.
      result =
        items.length > 1
          ? (await ledger.appendGroup!(inputs)).map((r) => r.index)
          : [(await ledger.append(inputs[0]!)).index];
    } catch (error) {
      if (marks.length > 0) markDoneLater(marks);
      carried?.();
      // Not committed (as far as this instance knows): the drain may publish what reached storage.
      for (const item of withEvents) publishingIds.delete(item.id);
      // Refused (a record the ledger will not take) or not committed: the ordinary path parks
      // or retries it with its usual bookkeeping.
      log?.info(
        { err: error, outboxId: items[0]!.id, count: items.length },
        'one-commit append failed; ordinary path',
      );
      return undefined;
    }
    for (const id of marks) publishingIds.delete(id);
    carried?.();
    const queuedAt = performance.now();
    for (const item of withEvents) toPublish.push({ id: item.id, event: item.event!, queuedAt });
    const queued = withEvents.length > 0;
    if (queued && sliceFull && toPublish.length >= PUBLISH_SLICE) sliceFull();
    if (queued)
      publishing ??= publishRounds().finally(() => {
        publishing = undefined;
      });
    return group ? result : result[0];
  }

  /**
   * Transactions carrying 'done' marks now (a ledger transaction that took some, the timer's own
   * commit): `published()` and the drain's stop wait for them, so "published" means the marks are
   * committed, not merely taken off the list by a transaction still running.
   */
  const marking = new Set<Promise<void>>();
  /** Registers a transaction carrying marks; the function returned says it has settled. */
  function inFlight(): () => void {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    marking.add(settled);
    return () => {
      marking.delete(settled);
      settle();
    };
  }

  /** Until every publish so far is out and its 'done' mark committed. */
  async function settleMarks(): Promise<void> {
    for (;;) {
      if (publishing) await publishing;
      else if (marking.size > 0) await Promise.all([...marking]);
      else break;
    }
    clearTimeout(markTimer);
    markTimer = undefined;
    await markDoneNow();
  }

  /** Queues 'done' marks; a timer commits them alone if no ledger transaction takes them first. */
  function markDoneLater(ids: readonly string[]): void {
    toMarkDone.push(...ids);
    markTimer ??= setTimeout(() => {
      markTimer = undefined;
      void markDoneNow();
    }, MARK_DONE_MS);
    markTimer.unref();
  }

  async function markDoneNow(): Promise<void> {
    const settled = inFlight();
    try {
      await markQueued();
    } finally {
      settled();
    }
  }

  async function markQueued(): Promise<void> {
    while (toMarkDone.length > 0) {
      // Everything queued, in one transaction: one commit however many marks piled up — batches
      // of checks queue more marks than their own transactions take — not one per statement in
      // the same turn; and a commit that does not wait for the disk (see `native`).
      const ids = toMarkDone.splice(0);
      try {
        await markTransaction(async (trx) => {
          for (let i = 0; i < ids.length; i += maxBatch)
            await trx.executeQuery(doneQuery(ids.slice(i, i + maxBatch)));
        });
      } catch (error) {
        // Their rows are left: the drain's full pass publishes them again (at least once).
        log?.error({ err: error, count: ids.length }, 'outbox could not mark events published');
      }
      for (const id of ids) publishingIds.delete(id);
    }
  }

  /**
   * Publishes what `appendWith` committed, a round at a time (each round everything that queued
   * during the last). A published event's row is deleted in the next ledger transaction (or by a
   * timer when none comes), not in a commit of its own. A failed publish is recorded on the rows,
   * which are left; a crash before the deletion leaves them too: the drain's full pass publishes
   * those again (at least once; consumers are idempotent by id).
   */
  async function publishRounds(): Promise<void> {
    while (toPublish.length > 0) {
      // Before each slice, the loop's pending I/O runs: answers of this turn join the slice
      // instead of waiting for the next, and requests that arrived meanwhile are read and
      // decided first. A slice's consumers (the inbox's and the monitoring feed's transactions)
      // run synchronously on SQLite; a bounded slice keeps that turn short, so a check arriving
      // behind it waits milliseconds, not the whole backlog. A slice that is not full waits until
      // its oldest event has waited `publishLingerMs` or a full slice has queued: every slice,
      // not only a round's first, so under a steady load the consumers' per-slice transactions
      // are shared by a linger's worth of events instead of by what queued during the last slice.
      const wait =
        toPublish.length < PUBLISH_SLICE
          ? publishLingerMs - (performance.now() - toPublish[0]!.queuedAt)
          : 0;
      await new Promise<void>((resolve) => {
        if (wait < 1) {
          setImmediate(resolve);
          return;
        }
        const timer = setTimeout(woken, wait);
        function woken() {
          clearTimeout(timer);
          sliceFull = undefined;
          resolve();
        }
        sliceFull = woken;
      });
      const taken = toPublish.splice(0, Math.min(maxBatch, PUBLISH_SLICE));
      const ids = taken.map((t) => t.id);
      try {
        if (events) await events.publish(taken.map((t) => t.event));
      } catch (error) {
        log?.error(
          { err: error, count: ids.length },
          'outbox events not published; the drain retries the publish (the ledger entries stand)',
        );
        await recordPublishFailure(ids, error);
        for (const id of ids) publishingIds.delete(id);
        continue;
      }
      markDoneLater(ids);
    }
  }

  function sequence(ids: readonly string[]): Promise<ReadonlyMap<string, number | null>> {
    if (ids.length === 0) return Promise.resolve(new Map());
    if (ledger.role === 'standby') {
      // The sequencing instance's poll picks these rows up; answering now keeps this one fast.
      return Promise.resolve(new Map(ids.map((id) => [id, null])));
    }
    const waits = ids.map(
      (id) =>
        new Promise<[string, number | null]>((resolve) => {
          const waiters = queued.get(id);
          const done = (index: number | null) => resolve([id, index]);
          if (waiters) waiters.push(done);
          else queued.set(id, [done]);
        }),
    );
    schedule();
    return Promise.all(waits).then((pairs) => new Map(pairs));
  }

  /**
   * Pending ids not already queued or running here, oldest first. The unsequenced poll writes its
   * conditions as literals so the planner can use the partial index `outbox_unsequenced` (a bound
   * parameter cannot show it implies the index's condition).
   */
  async function pendingIds(onlyUnsequenced: boolean, after: string | undefined) {
    let query = db
      .selectFrom('outbox')
      .select('id')
      .where(sql.ref('state'), '=', onlyUnsequenced ? sql.lit('pending') : 'pending')
      .orderBy('id')
      .limit(maxBatch);
    if (onlyUnsequenced) query = query.where('ledger_index', 'is', null);
    if (after !== undefined) query = query.where('id', '>', after);
    return (await query.execute()).map((row) => row.id);
  }

  let draining: Promise<void> | undefined;
  async function drainPass(onlyUnsequenced: boolean): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const ids = await pendingIds(onlyUnsequenced, after);
      if (ids.length === 0) break;
      const fresh = ids.filter(
        (id) => !running.has(id) && !queued.has(id) && !publishingIds.has(id),
      );
      if (fresh.length > 0) await sequence(fresh);
      if (ids.length < maxBatch) break;
      after = ids.at(-1);
    }
    if (!onlyUnsequenced) await drainEvents();
  }

  /**
   * The full pass's share of the one-commit path: events `appendWith` left in `outbox_events` (a
   * failed publish; a crash before the publish or before its row was deleted), by id, a slice at
   * a time (as the background publish: one bounded turn of the consumers' work each) — not those
   * this instance is publishing now (`publishingIds`). A published slice's rows are deleted; a
   * failed publish records its attempt and error on them and leaves them for the next pass.
   */
  async function drainEvents(): Promise<void> {
    const slice = Math.min(maxBatch, PUBLISH_SLICE);
    let after: string | undefined;
    for (;;) {
      let query = db
        .selectFrom('outbox_events')
        .select(['id', 'event_json'])
        .orderBy('id')
        .limit(slice);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query.execute();
      if (rows.length === 0) return;
      after = rows.at(-1)!.id;
      const fresh = rows.filter((row) => !publishingIds.has(row.id));
      if (fresh.length > 0) {
        const ids = fresh.map((row) => row.id);
        let published = true;
        try {
          if (events)
            await events.publish(fresh.map((row) => JSON.parse(row.event_json) as DomainEvent));
        } catch (error) {
          published = false;
          log?.error(
            { err: error, count: ids.length },
            'outbox events not published; the drain retries the publish (the ledger entries stand)',
          );
          await recordPublishFailure(ids, error);
        }
        // A durable delete, as the drain's other write-backs: rare, off the checks' path.
        if (published) await db.deleteFrom('outbox_events').where('id', 'in', ids).execute();
      }
      if (rows.length < slice) return;
    }
  }

  /** One pass at a time: a slow pass is not overlapped by the next tick. */
  function pass(onlyUnsequenced: boolean): Promise<void> {
    if (draining) return draining;
    draining = drainPass(onlyUnsequenced).finally(() => {
      draining = undefined;
    });
    return draining;
  }

  let wanted: (() => void) | undefined;

  return {
    metrics: [parked, waiting, oldestWaiting],
    enqueue: (trx, items) => enqueueOutbox(trx, items),
    sequence,
    appendWith,
    published: settleMarks,
    async ledgerIndexOf(id) {
      const row = await db
        .selectFrom('outbox')
        .select('ledger_index')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.ledger_index ?? null;
    },
    onSequenced(hook) {
      hooks.add(hook);
      return () => {
        hooks.delete(hook);
      };
    },
    drain: () => pass(false),
    notify() {
      wanted?.();
    },
    start(intervalMs = 5000, isSequencer = () => ledger.role !== 'standby', pollMs = 250) {
      const report = (error: unknown) => log?.error({ err: error }, 'outbox drain failed');
      const run = (onlyUnsequenced: boolean) => {
        if (isSequencer()) pass(onlyUnsequenced).catch(report);
      };
      wanted = () => run(true);
      run(false);
      const full = setInterval(() => run(false), intervalMs);
      const poll = setInterval(() => run(true), pollMs);
      full.unref();
      poll.unref();
      return async () => {
        wanted = undefined;
        clearInterval(full);
        clearInterval(poll);
        await settleMarks();
      };
    },
  };
}
