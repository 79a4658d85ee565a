/**
 * The monitor's event log, parked inputs and rule modes on the server's database.
 *
 * The event log is the embedded bus's durable copy: every instance that receives an event writes
 * it once (by id), and the elected evaluator reads it in arrival order — live, and from the
 * longest window's start after a restart or a take-over, so every window sees every event.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DomainEvent } from '../events/events.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type { OutboxItem } from '../outbox/index.js';
import type { OutboxTables } from '../outbox/index.js';
import type { DerivedTransaction } from '../storage/storage.js';
import type { MonitorTables } from './monitor.tables.js';

export interface LoggedEvent {
  readonly seq: number;
  readonly event: DomainEvent;
}

export interface ParkedRecord {
  readonly seq: number;
  readonly eventId: string | null;
  readonly reason: string;
  readonly input: unknown;
  readonly parkedAt: string;
}

export type RuleMode = 'active' | 'shadow';

export interface RuleModeRecord {
  readonly ruleId: string;
  readonly mode: RuleMode;
  readonly reason: string;
  readonly changedBy: string;
  readonly changedAt: string;
  readonly ledgerId: string;
}

/** What a rule switch writes to the outbox in its transaction (the ledger record). */
export type EnqueueOutbox = (
  trx: Transaction<MonitorTables & OutboxTables>,
  item: OutboxItem,
) => Promise<void>;

export interface MonitorStore {
  /** Writes events not seen before (by id); returns how many were new. */
  appendEvents(events: readonly DomainEvent[], now: string): Promise<number>;
  /** Events after `seq` (up to `untilSeq`) in arrival order, with `at` ≥ `fromAt` when given. */
  eventsAfter(
    seq: number,
    limit: number,
    range?: { readonly fromAt?: string | undefined; readonly untilSeq?: number | undefined },
  ): Promise<LoggedEvent[]>;
  /** The highest sequence number logged (0 when empty). */
  lastSeq(): Promise<number>;
  /** The newest event time logged, or null. */
  newestAt(): Promise<string | null>;
  /** Removes events older than `before` (past every window); returns how many. */
  prune(before: string): Promise<number>;
  park(
    items: readonly { eventId: string | null; reason: string; input: unknown }[],
    now: string,
  ): Promise<void>;
  parked(afterSeq: number, limit: number): Promise<ParkedRecord[]>;
  parkedCount(): Promise<number>;
  ruleModes(): Promise<ReadonlyMap<string, RuleModeRecord>>;
  setRuleMode(record: RuleModeRecord, item: OutboxItem, enqueue: EnqueueOutbox): Promise<void>;
  /** The rule-change counter (versions, enable/disable, modes): the evaluator polls it. */
  rulesVersion(): Promise<number>;
}

/** Bumps the rule-change counter in the change's own transaction (see `rulesVersion`). */
export async function bumpRulesVersion(trx: Transaction<MonitorTables>): Promise<void> {
  await trx
    .updateTable('monitor_rules_version')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}

/** The most of an unreadable input kept for inspection (characters of its JSON). */
const MAX_PARKED_CHARS = 16_384;

function eventOf(row: { id: string; type: string; at: string; data_json: string }): DomainEvent {
  return { id: row.id, type: row.type, at: row.at, data: JSON.parse(row.data_json) as JsonObject };
}

function jsonOfInput(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? 'null';
  } catch {
    text = JSON.stringify(String(input));
  }
  return text.length > MAX_PARKED_CHARS
    ? JSON.stringify({ truncated: true, prefix: text.slice(0, MAX_PARKED_CHARS) })
    : text;
}

export interface MonitorStoreOptions {
  /**
   * Runs the feed's writes (the logged events, the parked ones) in transactions of derived data
   * (`storage.derivedTransactions`): only where the events come from this database's outbox,
   * which delivers them again until a later durable commit marks them done. Absent: ordinary
   * transactions (a JetStream consumer acknowledges what it wrote, so it must be durable).
   */
  readonly derived?: DerivedTransaction<MonitorTables & OutboxTables>;
}

export function createMonitorStore(
  db: Kysely<MonitorTables & OutboxTables>,
  options: MonitorStoreOptions = {},
): MonitorStore {
  const transaction =
    options.derived ??
    (<T>(work: (trx: Transaction<MonitorTables & OutboxTables>) => Promise<T>) =>
      db.transaction().execute(work));
  return {
    async appendEvents(events, now) {
      if (events.length === 0) return 0;
      // One transaction (one commit) for the batch, however many statements it takes.
      return transaction(async (trx) => {
        let added = 0;
        // 200 rows per statement keeps PostgreSQL's parameter count (65,535) far away.
        for (let i = 0; i < events.length; i += 200) {
          const result = await trx
            .insertInto('monitor_events')
            .values(
              events.slice(i, i + 200).map((event) => ({
                id: event.id,
                type: event.type,
                at: event.at,
                data_json: JSON.stringify(event.data),
                received_at: now,
              })),
            )
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          added += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
        return added;
      });
    },

    async eventsAfter(seq, limit, range = {}) {
      let query = db
        .selectFrom('monitor_events')
        .select(['seq', 'id', 'type', 'at', 'data_json'])
        .where('seq', '>', seq);
      if (range.fromAt !== undefined) query = query.where('at', '>=', range.fromAt);
      if (range.untilSeq !== undefined) query = query.where('seq', '<=', range.untilSeq);
      const rows = await query.orderBy('seq').limit(limit).execute();
      return rows.map((row) => ({ seq: Number(row.seq), event: eventOf(row) }));
    },

    async lastSeq() {
      const row = await db
        .selectFrom('monitor_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    },

    async newestAt() {
      const row = await db
        .selectFrom('monitor_events')
        .select((eb) => eb.fn.max('at').as('at'))
        .executeTakeFirst();
      return row?.at ?? null;
    },

    async prune(before) {
      const result = await db
        .deleteFrom('monitor_events')
        .where('at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async park(items, now) {
      if (items.length === 0) return;
      await transaction((trx) =>
        trx
          .insertInto('monitor_parked')
          .values(
            items.map((item) => ({
              event_id: item.eventId === null ? null : item.eventId.slice(0, 128),
              reason: item.reason,
              input_json: jsonOfInput(item.input),
              parked_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['event_id', 'reason']).doNothing())
          .execute(),
      );
    },

    async parked(afterSeq, limit) {
      const rows = await db
        .selectFrom('monitor_parked')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        seq: Number(row.seq),
        eventId: row.event_id,
        reason: row.reason,
        input: JSON.parse(row.input_json) as unknown,
        parkedAt: row.parked_at,
      }));
    },

    async parkedCount() {
      const row = await db
        .selectFrom('monitor_parked')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async ruleModes() {
      const rows = await db.selectFrom('monitor_rule_modes').selectAll().execute();
      return new Map(
        rows.map((row) => [
          row.rule_id,
          {
            ruleId: row.rule_id,
            mode: row.mode as RuleMode,
            reason: row.reason,
            changedBy: row.changed_by,
            changedAt: row.changed_at,
            ledgerId: row.ledger_id,
          },
        ]),
      );
    },

    async setRuleMode(record, item, enqueue) {
      await db.transaction().execute(async (trx) => {
        const row = {
          mode: record.mode,
          reason: record.reason,
          changed_by: record.changedBy,
          changed_at: record.changedAt,
          ledger_id: record.ledgerId,
        };
        await trx
          .insertInto('monitor_rule_modes')
          .values({ rule_id: record.ruleId, ...row })
          .onConflict((oc) => oc.column('rule_id').doUpdateSet(row))
          .execute();
        // Other instances' evaluators see the switch through the counter.
        await bumpRulesVersion(trx);
        await enqueue(trx, item);
      });
    },

    async rulesVersion() {
      const row = await db
        .selectFrom('monitor_rules_version')
        .select('version')
        .where('id', '=', 1)
        .executeTakeFirst();
      return Number(row?.version ?? 0);
    },
  };
}
