/**
 * Responses: throttle or block an actor, suspend a system, block transfers to a country. Each is
 * a stateful record — proposed → in force → lifted or expired, or proposed → rejected. Every
 * decision (in force, rejected, lifted, expired) is written in one transaction with its outbox row,
 * so it is in the ledger, naming who proposed it and when; a mere proposal, like the alert behind
 * it, changes nothing and is kept only in the centre's table. A rule's response marked
 * `automatic` is in force at once (a critical harvester is blocked within the alert's own
 * processing); `needs-confirmation` waits for an analyst. An analyst's own response is in force
 * at once. Suspending a system goes through the registry's own service (history, ledger entry,
 * standing) and lifting it reinstates the system.
 *
 * The access module reads the responses in force through `responses.inForce` on every check: a
 * snapshot in memory, reloaded after this instance's own changes and every `cacheMs` (default
 * 1 s) for the other instances' ones.
 */
import type { Kysely } from 'kysely';
import type { MonitoringResponse } from '../access/access.model.js';
import type { Responses } from '../access/access.ports.js';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import { refuseIdentifier, shown } from './reference-entries.js';
import type { RuleResponse } from './rule.model.js';
import type {
  By,
  Clock,
  ResponseOutbox,
  ResponseOutboxItem,
  ResponseRegistry,
} from './response.ports.js';
import type { MonitorResponsesTable, MonitorResponseTables } from './response.tables.js';
import {
  accessResponseOf,
  createResponsesStore,
  type ResponseActionName,
  type ResponseFilter,
  responseView,
  type ResponseView,
} from './responses.store.js';

/** What the response side reads of an alert (monitor-core's `AlertRecord` has these fields). */
export interface AlertLike {
  readonly id: string;
  readonly ruleId: string;
  readonly level: string;
  readonly shadow: boolean;
  readonly at: string;
  readonly responses: readonly RuleResponse[];
  readonly group?: Readonly<Record<string, unknown>>;
  readonly caseId?: string | null;
  readonly context: {
    readonly actorId?: string;
    readonly actorPseudonym?: string;
    readonly operator?: string;
    readonly system?: string;
    readonly subject?: string;
  };
}

export interface ManualResponse {
  readonly action: ResponseActionName;
  readonly systemId: string;
  readonly actorId?: string;
  readonly actorPseudonym?: string;
  readonly country?: string;
  readonly limit?: number;
  readonly forMs?: number;
  readonly note: string;
  readonly caseId?: string;
  readonly alertId?: string;
}

export interface ResponseService {
  /** An analyst's response: in force at once. */
  create(input: ManualResponse, by: By): Promise<ResponseView>;
  confirm(id: string, by: By, reason?: string): Promise<ResponseView>;
  reject(id: string, by: By, reason: string): Promise<ResponseView>;
  lift(id: string, by: By, reason: string): Promise<ResponseView>;
  get(id: string): Promise<ResponseView>;
  list(filter: ResponseFilter): Promise<{ items: ResponseView[]; nextCursor: string | null }>;
  /** Acts on a new alert: automatic responses in force, the others proposed. Idempotent by alert. */
  onAlert(alert: AlertLike): Promise<readonly ResponseView[]>;
  /** Records in-force responses whose time ran out as expired; returns how many. */
  expireDue(): Promise<number>;
  /** The access module's port. */
  readonly responses: Responses;
}

export interface ResponseServiceDeps {
  readonly db: Kysely<MonitorResponseTables>;
  readonly outbox: ResponseOutbox;
  readonly registry: ResponseRegistry;
  readonly clock?: Clock;
  readonly cacheMs?: number;
  readonly log?: { error(obj: object, msg: string): void; info?(obj: object, msg: string): void };
}

const ACTOR_ACTIONS: ReadonlySet<ResponseActionName> = new Set(['block-actor', 'throttle-actor']);
const COUNTRY = /^[A-Z]{2}$/;

const RULE_ACTION: Record<RuleResponse['action'], ResponseActionName> = {
  'throttle-actor': 'throttle-actor',
  'block-actor': 'block-actor',
  'suspend-system': 'suspend-system',
  'block-country': 'block-country',
};

/** A throttle a rule asks for, in checks per minute, when the rule names no limit. */
export const DEFAULT_THROTTLE_LIMIT = 10;

const invalid = (detail: string, field: string) =>
  new DomainError('monitor.invalid_response', detail, { field });

function recordOf(row: MonitorResponsesTable, step: string, by: By, at: string): JsonObject {
  return {
    response: row.id,
    step,
    action: row.action,
    mode: row.mode,
    system: row.system_id,
    operator: row.operator_id,
    ...(row.actor_id !== null ? { actor: row.actor_id } : {}),
    ...(row.actor_pseudonym !== null ? { actorPseudonym: row.actor_pseudonym } : {}),
    ...(row.country !== null ? { country: row.country } : {}),
    ...(row.throttle_limit !== null ? { limit: row.throttle_limit } : {}),
    ...(row.in_force_until !== null ? { until: row.in_force_until } : {}),
    ...(row.alert_id !== null ? { alert: row.alert_id } : {}),
    ...(row.rule_id !== null ? { rule: row.rule_id } : {}),
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    by,
    at,
  };
}

function itemOf(row: MonitorResponsesTable, step: string, by: By, at: string): ResponseOutboxItem {
  const id = newId('mrs', Date.parse(at));
  const record = recordOf(row, step, by, at);
  return {
    id,
    type: `monitor.response.${step}`,
    record,
    // Published for the SOC console and other instances; pseudonyms only.
    event: { id, type: `monitor.response.${step}`, at, data: record },
  };
}

const untilOf = (from: string, forMs: number | null): string | null =>
  forMs === null ? null : new Date(Date.parse(from) + forMs).toISOString();

/** How old the responses in force the access decision reads may be (another instance's change). */
export const RESPONSES_CACHE_MS = 1_000;

export function createResponseService(deps: ResponseServiceDeps): ResponseService {
  const { db, outbox, registry } = deps;
  const clock = deps.clock ?? (() => new Date());
  const cacheMs = deps.cacheMs ?? RESPONSES_CACHE_MS;
  const store = createResponsesStore(db);

  let snapshot: { loadedAt: number; list: MonitoringResponse[] } | null = null;
  let loading: Promise<MonitoringResponse[]> | null = null;

  async function reload(): Promise<MonitoringResponse[]> {
    const startedAt = clock().getTime();
    const rows = await store.inForce(clock().toISOString());
    const list = rows.map(accessResponseOf).filter((r): r is MonitoringResponse => r !== null);
    snapshot = { loadedAt: startedAt, list };
    return list;
  }

  async function current(): Promise<MonitoringResponse[]> {
    const age = snapshot ? clock().getTime() - snapshot.loadedAt : Infinity;
    // A clock set back makes the snapshot stale too.
    if (snapshot && age >= 0 && age <= cacheMs) return snapshot.list;
    loading ??= reload().finally(() => {
      loading = null;
    });
    return loading;
  }

  /** Writes rows and their outbox items in one transaction, sequences them, refreshes the snapshot. */
  async function commit<T>(
    work: (
      trx: Kysely<MonitorResponseTables>,
      at: string,
    ) => Promise<{ result: T; items: ResponseOutboxItem[] }>,
  ): Promise<T> {
    const at = clock().toISOString();
    const { result, items } = await db.transaction().execute(async (trx) => {
      const done = await work(trx, at);
      await outbox.enqueue(trx, done.items);
      return done;
    });
    snapshot = null;
    await reload();
    if (items.length > 0)
      await outbox.sequence(items.map((i) => i.id)).catch((error: unknown) => {
        // The change is committed; the outbox drain appends it later.
        deps.log?.error({ err: error }, 'response not yet in the ledger; it stays in the outbox');
      });
    return result;
  }

  async function requireRow(id: string): Promise<MonitorResponsesTable> {
    const row = await store.get(id);
    if (!row)
      throw new DomainError('monitor.response_not_found', `No monitoring response ${shown(id)}.`);
    return row;
  }

  /** The system still there (not revoked); refuses a response on a system that is gone. */
  async function requireSystem(systemId: string) {
    const system = await registry.systemOf(systemId);
    if (!system)
      throw new DomainError(
        'monitor.system_not_found',
        `There is no information system ${shown(systemId)}.`,
      );
    if (system.status === 'revoked')
      throw new DomainError(
        'monitor.system_gone',
        `The information system ${systemId} was revoked; there is nothing to respond on.`,
        { systemId },
      );
    return system;
  }

  function decided(row: MonitorResponsesTable, at: string): DomainError {
    const view = responseView(row, at);
    return new DomainError(
      'monitor.response_decided',
      `The response ${row.id} is ${view.state}${row.decided_by ? ` (decided by ${row.decided_by})` : ''}.`,
      { state: view.state },
    );
  }

  /** Moves a proposed row to a new state, only if it is still proposed (a second confirmation loses). */
  async function decide(
    trx: Kysely<MonitorResponseTables>,
    row: MonitorResponsesTable,
    set: Partial<MonitorResponsesTable>,
    at: string,
  ): Promise<MonitorResponsesTable> {
    const updated = await trx
      .updateTable('monitor_responses')
      .set(set)
      .where('id', '=', row.id)
      .where('state', '=', 'proposed')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw decided(await requireRow(row.id), at);
    return { ...row, ...set };
  }

  function validate(input: ManualResponse): void {
    if (ACTOR_ACTIONS.has(input.action) && !input.actorId && !input.actorPseudonym)
      throw invalid(`${input.action} names the actor (actorId or actorPseudonym).`, 'actorId');
    if (input.actorId) refuseIdentifier('actorId', input.actorId);
    refuseIdentifier('note', input.note);
    if (input.action === 'block-country' && (!input.country || !COUNTRY.test(input.country)))
      throw invalid('block-country names the country (ISO 3166-1 alpha-2, upper case).', 'country');
    if (input.action === 'throttle-actor' && (input.limit === undefined || input.limit < 1))
      throw invalid('throttle-actor sets limit: checks per minute, at least 1.', 'limit');
    if (input.forMs !== undefined && (!Number.isInteger(input.forMs) || input.forMs < 1000))
      throw invalid('forMs is whole milliseconds, at least 1000.', 'forMs');
  }

  async function suspendThroughRegistry(row: MonitorResponsesTable, by: By, at: string) {
    const until = untilOf(at, row.for_ms === null ? null : Number(row.for_ms));
    await registry.suspend(
      row.system_id,
      `Monitoring response ${row.id}${row.rule_id ? ` (rule ${row.rule_id})` : ''}`,
      until,
      by,
    );
    return until;
  }

  const api: ResponseService = {
    async create(input, by) {
      validate(input);
      const system = await requireSystem(input.systemId);
      const at = clock().toISOString();
      const forMs = input.forMs ?? null;
      const row: MonitorResponsesTable = {
        id: newId('rsp', Date.parse(at)),
        action: input.action,
        state: 'in-force',
        mode: 'manual',
        system_id: system.id,
        operator_id: system.operatorId,
        actor_id: input.actorId ?? null,
        actor_pseudonym: input.actorPseudonym ?? null,
        country: input.action === 'block-country' ? (input.country ?? null) : null,
        throttle_limit: input.action === 'throttle-actor' ? (input.limit ?? null) : null,
        for_ms: forMs,
        in_force_from: at,
        in_force_until: untilOf(at, forMs),
        alert_id: input.alertId ?? null,
        rule_id: null,
        case_id: input.caseId ?? null,
        note: input.note,
        proposed_at: at,
        proposed_by: by,
        decided_at: at,
        decided_by: by,
        decision_reason: null,
        lifted_at: null,
        lifted_by: null,
        lift_reason: null,
      };
      if (row.action === 'suspend-system')
        row.in_force_until = await suspendThroughRegistry(row, by, at);
      return commit(async (trx, now) => {
        await trx.insertInto('monitor_responses').values(row).execute();
        return { result: responseView(row, now), items: [itemOf(row, 'in-force', by, now)] };
      });
    },

    async confirm(id, by, reason) {
      if (reason) refuseIdentifier('reason', reason);
      const row = await requireRow(id);
      const at = clock().toISOString();
      if (row.state !== 'proposed') throw decided(row, at);
      await requireSystem(row.system_id);
      const forMs = row.for_ms === null ? null : Number(row.for_ms);
      let until = untilOf(at, forMs);
      if (row.action === 'suspend-system') until = await suspendThroughRegistry(row, by, at);
      return commit(async (trx, now) => {
        const next = await decide(
          trx,
          row,
          {
            state: 'in-force',
            in_force_from: at,
            in_force_until: until,
            decided_at: now,
            decided_by: by,
            decision_reason: reason ?? null,
          },
          now,
        );
        return { result: responseView(next, now), items: [itemOf(next, 'in-force', by, now)] };
      });
    },

    async reject(id, by, reason) {
      refuseIdentifier('reason', reason);
      const row = await requireRow(id);
      return commit(async (trx, now) => {
        if (row.state !== 'proposed') throw decided(row, now);
        const next = await decide(
          trx,
          row,
          { state: 'rejected', decided_at: now, decided_by: by, decision_reason: reason },
          now,
        );
        return { result: responseView(next, now), items: [itemOf(next, 'rejected', by, now)] };
      });
    },

    async lift(id, by, reason) {
      refuseIdentifier('reason', reason);
      const row = await requireRow(id);
      const at = clock().toISOString();
      const state = responseView(row, at).state;
      if (state !== 'in-force') throw decided(row, at);
      if (row.action === 'suspend-system') {
        const system = await requireSystem(row.system_id);
        // Reinstated already (by hand in the registry, or its suspension ran out): nothing to undo.
        if (system.status === 'suspended')
          await registry.reinstate(
            row.system_id,
            `Monitoring response ${row.id} lifted: ${reason}`,
            by,
          );
      }
      return commit(async (trx, now) => {
        const updated = await trx
          .updateTable('monitor_responses')
          .set({ state: 'lifted', lifted_at: now, lifted_by: by, lift_reason: reason })
          .where('id', '=', row.id)
          .where('state', '=', 'in-force')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) throw decided(await requireRow(row.id), now);
        const next: MonitorResponsesTable = {
          ...row,
          state: 'lifted',
          lifted_at: now,
          lifted_by: by,
          lift_reason: reason,
        };
        return { result: responseView(next, now), items: [itemOf(next, 'lifted', by, now)] };
      });
    },

    async get(id) {
      return responseView(await requireRow(id), clock().toISOString());
    },

    async list(filter) {
      const at = clock().toISOString();
      const rows = await store.list(filter, at);
      const page = rows.slice(0, filter.limit);
      return {
        items: page.map((row) => responseView(row, at)),
        nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async onAlert(alert) {
      if (alert.shadow || alert.responses.length === 0) return [];
      const { system, operator, actorId, actorPseudonym } = alert.context;
      if (!system || !operator) {
        deps.log?.error({ alertId: alert.id }, 'alert names no system or operator; no response');
        return [];
      }
      const country =
        typeof alert.group?.country === 'string' ? alert.group.country.toUpperCase() : null;
      const at = clock().toISOString();
      const rows: MonitorResponsesTable[] = [];
      for (const wanted of alert.responses) {
        const action = RULE_ACTION[wanted.action];
        if (ACTOR_ACTIONS.has(action) && !actorId && !actorPseudonym) continue;
        if (action === 'block-country' && (country === null || !COUNTRY.test(country))) continue;
        const automatic = wanted.mode === 'automatic';
        // The registry suspends; a rule never does so without an analyst (high impact).
        const inForce = automatic && action !== 'suspend-system';
        const forMs = wanted.forMs ?? null;
        rows.push({
          id: newId('rsp', Date.parse(at)),
          action,
          state: inForce ? 'in-force' : 'proposed',
          mode: inForce ? 'automatic' : 'needs-confirmation',
          system_id: system,
          operator_id: operator,
          actor_id: ACTOR_ACTIONS.has(action) ? (actorId ?? null) : null,
          actor_pseudonym: ACTOR_ACTIONS.has(action) ? (actorPseudonym ?? null) : null,
          country: action === 'block-country' ? country : null,
          throttle_limit: action === 'throttle-actor' ? DEFAULT_THROTTLE_LIMIT : null,
          for_ms: forMs,
          in_force_from: inForce ? at : null,
          in_force_until: inForce ? untilOf(at, forMs) : null,
          alert_id: alert.id,
          rule_id: alert.ruleId,
          case_id: alert.caseId ?? null,
          note: null,
          proposed_at: at,
          proposed_by: `rule:${alert.ruleId}`,
          decided_at: inForce ? at : null,
          decided_by: inForce ? `rule:${alert.ruleId}` : null,
          decision_reason: null,
          lifted_at: null,
          lifted_by: null,
          lift_reason: null,
        });
      }
      if (rows.length === 0) return [];
      return commit(async (trx, now) => {
        const made: MonitorResponsesTable[] = [];
        const items: ResponseOutboxItem[] = [];
        for (const row of rows) {
          // One response per alert and action: a redelivered alert adds nothing.
          const result = await trx
            .insertInto('monitor_responses')
            .values(row)
            .onConflict((oc) => oc.columns(['alert_id', 'action']).doNothing())
            .executeTakeFirst();
          if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) continue;
          made.push(row);
          // A proposal changes nothing yet (like the alert behind it): the ledger records what was
          // decided — in force, rejected, lifted, expired — each entry naming the proposal.
          if (row.state === 'in-force') items.push(itemOf(row, 'in-force', row.proposed_by, now));
        }
        return { result: made.map((row) => responseView(row, now)), items };
      });
    },

    async expireDue() {
      const at = clock().toISOString();
      const due = await store.due(at);
      let expired = 0;
      for (const row of due) {
        const done = await commit(async (trx, now) => {
          const updated = await trx
            .updateTable('monitor_responses')
            .set({ state: 'expired' })
            .where('id', '=', row.id)
            .where('state', '=', 'in-force')
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) return { result: false, items: [] };
          const next = { ...row, state: 'expired' as const };
          return { result: true, items: [itemOf(next, 'expired', 'monitor:expiry', now)] };
        });
        if (done) expired++;
      }
      return expired;
    },

    responses: {
      async inForce(scope) {
        const list = await current();
        return list.filter((r) =>
          r.scope.kind === 'system'
            ? r.scope.systemId === scope.systemId
            : r.scope.operatorId === scope.operatorId,
        );
      },
    },
  };
  return api;
}
