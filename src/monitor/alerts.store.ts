/**
 * Alerts and cases on the server's database (SQLite or PostgreSQL). An alert is stored once per
 * id (`<ruleId>:<raising event id>`, stable across replays), so replaying the stream after a
 * restart stores nothing twice and tells the caller which alerts are new. A non-shadow alert
 * joins the open case of its actor (or, for an alert about no actor, of its subject); a closed
 * case is never reopened — the next alert opens a new one. Every state change and every match
 * folded into an alert is a history row; a folded match is recorded once however often the
 * stream is replayed.
 */
import {
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  type Transaction,
  sql,
} from 'kysely';
import { ulid } from '../core/ids.js';
import type { MonitorAlert, SuppressedMatch } from './engine.js';
import type { Level, RuleResponse } from './rule.model.js';
import { LEVELS } from './rule.model.js';
import type { DerivedTransaction } from '../storage/storage.js';
import type { MonitorTables } from './monitor.tables.js';

export const ALERT_STATES = ['open', 'acknowledged', 'closed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const OUTCOMES = ['true-positive', 'false-positive'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AlertContext {
  readonly actorId?: string;
  readonly actorPseudonym?: string;
  readonly operator?: string;
  readonly system?: string;
  readonly subject?: string;
}

export interface AlertRecord {
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly level: Level;
  readonly shadow: boolean;
  readonly state: AlertState;
  readonly outcome: Outcome | null;
  readonly assignee: string | null;
  readonly caseId: string | null;
  /** When the raising event happened. */
  readonly at: string;
  /** When the alert was stored. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly count: number;
  /** Matches folded into this alert by its dedup window. */
  readonly suppressed: number;
  readonly groupKey: string;
  readonly group: Readonly<Record<string, unknown>>;
  readonly events: string[];
  readonly responses: RuleResponse[];
  readonly context: AlertContext;
}

export interface CaseRecord {
  readonly id: string;
  readonly key: string;
  readonly state: AlertState;
  readonly outcome: Outcome | null;
  readonly assignee: string | null;
  readonly title: string;
  readonly level: Level;
  readonly operator: string | null;
  readonly system: string | null;
  readonly actorId: string | null;
  readonly subject: string | null;
  readonly alertCount: number;
  readonly openedAt: string;
  readonly updatedAt: string;
}

export interface HistoryEntry {
  readonly action: string;
  readonly at: string;
  readonly by: string | null;
  readonly eventId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: 'alert' | 'event' | 'state';
  readonly alertId?: string;
  readonly ruleId?: string;
  readonly level?: Level;
  readonly eventId?: string;
  readonly eventType?: string;
  /** The event's data (pseudonyms only), or the state change's details. */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly action?: string;
  readonly by?: string | null;
}

export interface AlertFilter {
  readonly state?: AlertState | undefined;
  readonly ruleId?: string | undefined;
  readonly level?: Level | undefined;
  readonly caseId?: string | undefined;
  readonly shadow?: boolean | undefined;
}

/** What the case list filters by. */
export type CaseFilter = Pick<AlertFilter, 'state'>;

export interface PageCursor {
  readonly at: string;
  readonly id: string;
}

export interface RuleHits {
  readonly alerts: number;
  readonly suppressed: number;
  readonly lastAt: string | null;
}

/** What a staff action changes; `by` is the staff member's name. */
export type StateChange =
  | { readonly action: 'acknowledge'; readonly by: string }
  | { readonly action: 'assign'; readonly by: string; readonly assignee: string }
  | {
      readonly action: 'close';
      readonly by: string;
      readonly outcome: Outcome;
      readonly note?: string | undefined;
    };

export type ChangeResult<T> =
  | { readonly ok: true; readonly record: T }
  | {
      readonly ok: false;
      readonly reason: 'not_found' | 'invalid_transition';
      readonly state?: AlertState;
    };

/** The underlying events shown on a case timeline, at most. */
const TIMELINE_EVENTS = 500;
/** Folded matches per insert (seven parameters each, far below both engines' limits). */
const SUPPRESSED_CHUNK = 500;

type Db = Kysely<MonitorTables> | Transaction<MonitorTables>;
type AlertRow = MonitorTables['monitor_alerts'];
type CaseRow = MonitorTables['monitor_cases'];

const levelRank = (level: string): number => LEVELS.indexOf(level as Level);

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function alertOf(row: {
  [K in keyof AlertRow]: AlertRow[K];
}): AlertRecord {
  return {
    id: row.id,
    ruleId: row.rule_id,
    title: row.title,
    level: row.level as Level,
    shadow: row.shadow === 1 || (row.shadow as unknown) === true,
    state: row.state as AlertState,
    outcome: row.outcome as Outcome | null,
    assignee: row.assignee,
    caseId: row.case_id,
    at: row.at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    count: Number(row.count),
    suppressed: Number(row.suppressed),
    groupKey: row.group_key,
    group: parse(row.group_json),
    events: parse(row.events_json),
    responses: parse(row.responses_json),
    context: parse(row.context_json),
  };
}

function caseOf(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    key: row.case_key,
    state: row.state as AlertState,
    outcome: row.outcome as Outcome | null,
    assignee: row.assignee,
    title: row.title,
    level: row.level as Level,
    operator: row.operator,
    system: row.system,
    actorId: row.actor_id,
    subject: row.subject,
    alertCount: Number(row.alert_count),
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
  };
}

/** The case an alert belongs to: its actor (per operator), else its subject; none for neither. */
export function caseKeyOf(alert: MonitorAlert): string | null {
  const { actorId, operator, subject } = alert.context;
  if (actorId !== undefined) return `actor:${operator ?? ''}:${actorId}`;
  if (subject !== undefined) return `subject:${subject}`;
  return null;
}

/** The case's English label (its API `title`); the console composes a localised one from the fields. */
function caseTitleOf(alert: MonitorAlert): string {
  const { actorId, operator, subject } = alert.context;
  if (actorId !== undefined) return `Actor ${actorId}${operator ? ` of ${operator}` : ''}`;
  return `Subject ${subject ?? ''}`;
}

/**
 * The order both lists page in, newest first by (`at`, id), from after `cursor`: rows older than
 * it, or as old with a smaller id.
 */
function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  at: 'created_at' | 'updated_at',
  cursor: PageCursor | undefined,
): SelectQueryBuilder<DB, TB, O> {
  const time = sql.ref<string>(at);
  const id = sql.ref<string>('id');
  const after = cursor
    ? query.where((eb) =>
        eb.or([
          eb(time, '<', cursor.at),
          eb.and([eb(time, '=', cursor.at), eb(id, '<', cursor.id)]),
        ]),
      )
    : query;
  return after.orderBy(time, 'desc').orderBy(id, 'desc');
}

export interface AlertsStore {
  /**
   * Stores a raised alert unless it is already stored (a replay). A new non-shadow alert joins
   * its actor's open case (opened if none). Returns the record and whether it is new.
   */
  record(alert: MonitorAlert, now: string): Promise<{ created: boolean; alert: AlertRecord }>;
  /** Records matches folded into alerts (once each); returns how many were new. */
  recordSuppressed(matches: readonly SuppressedMatch[], now: string): Promise<number>;
  get(id: string): Promise<AlertRecord | null>;
  /** Alerts stored or changed at or after `since` (by `updatedAt`), oldest change first. */
  changedSince(since: string, limit: number): Promise<AlertRecord[]>;
  list(filter: AlertFilter, cursor: PageCursor | undefined, limit: number): Promise<AlertRecord[]>;
  history(kind: 'alert' | 'case', id: string): Promise<HistoryEntry[]>;
  change(id: string, change: StateChange, now: string): Promise<ChangeResult<AlertRecord>>;
  getCase(id: string): Promise<CaseRecord | null>;
  listCases(
    filter: CaseFilter,
    cursor: PageCursor | undefined,
    limit: number,
  ): Promise<CaseRecord[]>;
  changeCase(id: string, change: StateChange, now: string): Promise<ChangeResult<CaseRecord>>;
  /** The case's alerts, its state changes and the events behind its alerts, oldest first. */
  timeline(caseId: string): Promise<TimelineEntry[]>;
  hits(): Promise<ReadonlyMap<string, RuleHits>>;
}

export interface AlertsStoreOptions {
  /**
   * Runs what the evaluator stores — raised alerts (with their case) and folded matches — in
   * transactions of derived data (`storage.derivedTransactions`): every start replays the feed
   * through a fresh engine and stores them again by their stable ids, so a commit lost to a
   * power failure is re-derived (and a response to an alert, committed durably after it, makes
   * the alert durable with it). Staff changes stay ordinary transactions.
   */
  readonly derived?: DerivedTransaction<MonitorTables>;
}

export function createAlertsStore(
  db: Kysely<MonitorTables>,
  options: AlertsStoreOptions = {},
): AlertsStore {
  const derived =
    options.derived ??
    (<T>(work: (trx: Transaction<MonitorTables>) => Promise<T>) => db.transaction().execute(work));
  async function history(
    trx: Db,
    kind: 'alert' | 'case',
    id: string,
    action: string,
    at: string,
    by: string | null,
    detail: Record<string, unknown> = {},
    eventId: string | null = null,
  ): Promise<boolean> {
    const result = await trx
      .insertInto('monitor_history')
      .values({
        target_kind: kind,
        target_id: id,
        action,
        at,
        by_name: by,
        event_id: eventId,
        detail_json: JSON.stringify(detail),
      })
      .onConflict((oc) =>
        oc.columns(['target_kind', 'target_id', 'action', 'event_id']).doNothing(),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async function joinCase(trx: Db, alert: MonitorAlert, now: string): Promise<string | null> {
    const key = caseKeyOf(alert);
    if (key === null) return null;
    const open = await trx
      .selectFrom('monitor_cases')
      .selectAll()
      .where('case_key', '=', key)
      .where('state', '!=', 'closed')
      .orderBy('opened_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (open) {
      const level = levelRank(alert.level) > levelRank(open.level) ? alert.level : open.level;
      await trx
        .updateTable('monitor_cases')
        .set({
          alert_count: sql<number>`alert_count + 1`,
          level,
          updated_at: now,
          system: open.system ?? alert.context.system ?? null,
        })
        .where('id', '=', open.id)
        .execute();
      await history(trx, 'case', open.id, 'alert-added', now, null, { alertId: alert.id });
      return open.id;
    }
    const id = `case_${ulid(Date.parse(now))}`;
    await trx
      .insertInto('monitor_cases')
      .values({
        id,
        case_key: key,
        state: 'open',
        outcome: null,
        assignee: null,
        title: caseTitleOf(alert),
        level: alert.level,
        operator: alert.context.operator ?? null,
        system: alert.context.system ?? null,
        actor_id: alert.context.actorId ?? null,
        subject: alert.context.actorId === undefined ? (alert.context.subject ?? null) : null,
        alert_count: 1,
        opened_at: now,
        updated_at: now,
      })
      .execute();
    await history(trx, 'case', id, 'opened', now, null, { alertId: alert.id });
    return id;
  }

  function applyChange<T extends { state: string }>(
    current: T,
    change: StateChange,
  ): { state: string; patch: Record<string, unknown> } | null {
    if (current.state === 'closed') return null;
    switch (change.action) {
      case 'acknowledge':
        return current.state === 'open' ? { state: 'acknowledged', patch: {} } : null;
      case 'assign':
        return { state: current.state, patch: { assignee: change.assignee } };
      case 'close':
        return { state: 'closed', patch: { outcome: change.outcome } };
    }
  }

  function detailOf(change: StateChange): Record<string, unknown> {
    switch (change.action) {
      case 'acknowledge':
        return {};
      case 'assign':
        return { assignee: change.assignee };
      case 'close':
        return change.note === undefined
          ? { outcome: change.outcome }
          : { outcome: change.outcome, note: change.note };
    }
  }

  async function readHistory(kind: 'alert' | 'case', id: string): Promise<HistoryEntry[]> {
    const rows = await db
      .selectFrom('monitor_history')
      .selectAll()
      .where('target_kind', '=', kind)
      .where('target_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({
      action: row.action,
      at: row.at,
      by: row.by_name,
      eventId: row.event_id,
      detail: parse(row.detail_json),
    }));
  }

  const pastTense = { acknowledge: 'acknowledged', assign: 'assigned', close: 'closed' } as const;

  /**
   * One state change of an alert or a case, in one transaction with its history entry: both
   * follow the same lifecycle (`applyChange`); only the table and the record shown differ.
   */
  async function changeState<K extends 'monitor_alerts' | 'monitor_cases', T>(
    table: K,
    id: string,
    change: StateChange,
    now: string,
    recordOf: (row: Selectable<MonitorTables[K]>) => T,
  ): Promise<ChangeResult<T>> {
    // Both tables share the columns changed here; Kysely is shown one of them.
    const rows = table as 'monitor_cases';
    const show = recordOf as unknown as (row: Selectable<MonitorTables['monitor_cases']>) => T;
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom(rows).selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return { ok: false, reason: 'not_found' } as const;
      const next = applyChange(row, change);
      if (!next)
        return { ok: false, reason: 'invalid_transition', state: row.state as AlertState } as const;
      await trx
        .updateTable(rows)
        .set({ state: next.state, updated_at: now, ...next.patch })
        .where('id', '=', id)
        .execute();
      const kind = table === 'monitor_alerts' ? 'alert' : 'case';
      await history(trx, kind, id, pastTense[change.action], now, change.by, detailOf(change));
      const updated = await trx
        .selectFrom(rows)
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { ok: true, record: show(updated) } as const;
    });
  }

  return {
    async record(alert, now) {
      return derived(async (trx) => {
        const inserted = await trx
          .insertInto('monitor_alerts')
          .values({
            id: alert.id,
            rule_id: alert.ruleId,
            title: alert.title,
            level: alert.level,
            shadow: alert.shadow ? 1 : 0,
            state: 'open',
            outcome: null,
            assignee: null,
            case_id: null,
            at: alert.at,
            created_at: now,
            updated_at: now,
            count: alert.count,
            suppressed: 0,
            group_key: alert.groupKey,
            group_json: JSON.stringify(alert.group),
            events_json: JSON.stringify(alert.events),
            responses_json: JSON.stringify(alert.responses),
            context_json: JSON.stringify(alert.context),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
        if (created) {
          await history(trx, 'alert', alert.id, 'raised', now, null, {
            ruleId: alert.ruleId,
            level: alert.level,
            shadow: alert.shadow,
          });
          const caseId = alert.shadow ? null : await joinCase(trx, alert, now);
          if (caseId !== null)
            await trx
              .updateTable('monitor_alerts')
              .set({ case_id: caseId })
              .where('id', '=', alert.id)
              .execute();
        }
        const row = await trx
          .selectFrom('monitor_alerts')
          .selectAll()
          .where('id', '=', alert.id)
          .executeTakeFirstOrThrow();
        return { created, alert: alertOf(row) };
      });
    },

    async recordSuppressed(matches, now) {
      if (matches.length === 0) return 0;
      return derived(async (trx) => {
        // A round's matches in a few multi-row statements instead of two statements each (at
        // tens of thousands of folded matches a minute the per-row statements held the event
        // loop for hundreds of milliseconds). Still one history row per folded event, inserted
        // once however often the stream is replayed (the unique index on the event id), and the
        // alert's counter raised by the rows actually inserted: one update per alert per round.
        const fresh = new Map<string, number>();
        for (let i = 0; i < matches.length; i += SUPPRESSED_CHUNK) {
          const inserted = await trx
            .insertInto('monitor_history')
            .values(
              matches.slice(i, i + SUPPRESSED_CHUNK).map((match) => ({
                target_kind: 'alert',
                target_id: match.alertId,
                action: 'suppressed',
                at: now,
                by_name: null,
                event_id: match.eventId,
                detail_json: JSON.stringify({ ruleId: match.ruleId }),
              })),
            )
            .onConflict((oc) =>
              oc.columns(['target_kind', 'target_id', 'action', 'event_id']).doNothing(),
            )
            .returning('target_id')
            .execute();
          for (const row of inserted) fresh.set(row.target_id, (fresh.get(row.target_id) ?? 0) + 1);
        }
        let added = 0;
        for (const [alertId, count] of fresh) {
          added += count;
          await trx
            .updateTable('monitor_alerts')
            .set({ suppressed: sql<number>`suppressed + ${count}` })
            .where('id', '=', alertId)
            .execute();
        }
        return added;
      });
    },

    async get(id) {
      const row = await db
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? alertOf(row) : null;
    },

    async changedSince(since, limit) {
      const rows = await db
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('updated_at', '>=', since)
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(alertOf);
    },

    async list(filter, cursor, limit) {
      let query = db.selectFrom('monitor_alerts').selectAll();
      if (filter.state) query = query.where('state', '=', filter.state);
      if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
      if (filter.level) query = query.where('level', '=', filter.level);
      if (filter.caseId) query = query.where('case_id', '=', filter.caseId);
      if (filter.shadow !== undefined) query = query.where('shadow', '=', filter.shadow ? 1 : 0);
      const rows = await newestFirst(query, 'created_at', cursor).limit(limit).execute();
      return rows.map(alertOf);
    },

    history: readHistory,

    async change(id, change, now) {
      return changeState('monitor_alerts', id, change, now, alertOf);
    },

    async getCase(id) {
      const row = await db
        .selectFrom('monitor_cases')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? caseOf(row) : null;
    },

    async listCases(filter, cursor, limit) {
      let query = db.selectFrom('monitor_cases').selectAll();
      if (filter.state) query = query.where('state', '=', filter.state);
      const rows = await newestFirst(query, 'updated_at', cursor).limit(limit).execute();
      return rows.map(caseOf);
    },

    async changeCase(id, change, now) {
      return changeState('monitor_cases', id, change, now, caseOf);
    },

    async timeline(caseId) {
      const alerts = await db
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('at')
        .execute();
      const entries: TimelineEntry[] = [];
      const eventIds = new Set<string>();
      for (const row of alerts) {
        entries.push({
          at: row.at,
          kind: 'alert',
          alertId: row.id,
          ruleId: row.rule_id,
          level: row.level as Level,
        });
        for (const id of parse<string[]>(row.events_json)) eventIds.add(id);
      }
      if (alerts.length > 0) {
        const folded = await db
          .selectFrom('monitor_history')
          .select('event_id')
          .where('target_kind', '=', 'alert')
          .where(
            'target_id',
            'in',
            alerts.map((row) => row.id),
          )
          .where('action', '=', 'suppressed')
          .execute();
        for (const row of folded) if (row.event_id !== null) eventIds.add(row.event_id);
      }
      const ids = [...eventIds].slice(-TIMELINE_EVENTS);
      for (let i = 0; i < ids.length; i += 200) {
        const events = await db
          .selectFrom('monitor_events')
          .select(['id', 'type', 'at', 'data_json'])
          .where('id', 'in', ids.slice(i, i + 200))
          .execute();
        for (const event of events)
          entries.push({
            at: event.at,
            kind: 'event',
            eventId: event.id,
            eventType: event.type,
            detail: parse(event.data_json),
          });
      }
      for (const entry of await readHistory('case', caseId))
        entries.push({
          at: entry.at,
          kind: 'state',
          action: entry.action,
          by: entry.by,
          detail: entry.detail,
        });
      const order = { event: 0, alert: 1, state: 2 } as const;
      return entries.sort((a, b) =>
        a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? -1 : 1,
      );
    },

    async hits() {
      const rows = await db
        .selectFrom('monitor_alerts')
        .select((eb) => [
          'rule_id',
          eb.fn.countAll<number | string>().as('alerts'),
          eb.fn.sum<number | string | null>('suppressed').as('suppressed'),
          eb.fn.max('at').as('last_at'),
        ])
        .groupBy('rule_id')
        .execute();
      return new Map(
        rows.map((row) => [
          row.rule_id,
          {
            alerts: Number(row.alerts),
            suppressed: Number(row.suppressed ?? 0),
            lastAt: row.last_at ?? null,
          },
        ]),
      );
    },
  };
}
