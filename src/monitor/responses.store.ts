/**
 * The responses' table: row <-> view, the list query, and the responses in force as the access
 * module's `Responses` port takes them.
 */
import type { Kysely } from 'kysely';
import type { MonitoringResponse } from '../access/access.model.js';
import type {
  MonitorResponsesTable,
  MonitorResponseTables,
  ResponseState,
} from './response.tables.js';

export type ResponseActionName = MonitorResponsesTable['action'];

export interface ResponseView {
  readonly id: string;
  readonly action: ResponseActionName;
  readonly state: ResponseState;
  readonly mode: MonitorResponsesTable['mode'];
  readonly systemId: string;
  readonly operatorId: string;
  readonly actorId: string | null;
  readonly actorPseudonym: string | null;
  readonly country: string | null;
  readonly limit: number | null;
  readonly forMs: number | null;
  readonly inForceFrom: string | null;
  readonly inForceUntil: string | null;
  readonly alertId: string | null;
  readonly ruleId: string | null;
  readonly caseId: string | null;
  readonly note: string | null;
  readonly proposedAt: string;
  readonly proposedBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
  readonly liftedAt: string | null;
  readonly liftedBy: string | null;
  readonly liftReason: string | null;
}

/** An in-force response whose time ran out reads as expired before the sweep records it. */
export function stateAt(row: MonitorResponsesTable, at: string): ResponseState {
  if (row.state === 'in-force' && row.in_force_until !== null && row.in_force_until <= at)
    return 'expired';
  return row.state;
}

export function responseView(row: MonitorResponsesTable, at: string): ResponseView {
  return {
    id: row.id,
    action: row.action,
    state: stateAt(row, at),
    mode: row.mode,
    systemId: row.system_id,
    operatorId: row.operator_id,
    actorId: row.actor_id,
    actorPseudonym: row.actor_pseudonym,
    country: row.country,
    limit: row.throttle_limit,
    forMs: row.for_ms === null ? null : Number(row.for_ms),
    inForceFrom: row.in_force_from,
    inForceUntil: row.in_force_until,
    alertId: row.alert_id,
    ruleId: row.rule_id,
    caseId: row.case_id,
    note: row.note,
    proposedAt: row.proposed_at,
    proposedBy: row.proposed_by,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
    liftReason: row.lift_reason,
  };
}

/**
 * The access module's view of a response in force. An actor is blocked or throttled across the
 * whole operator (an actor id names an employee or process of the operator, whichever system it
 * uses); transfers are blocked for the system. A suspended system is the registry's business
 * (its standing), so `suspend-system` has no entry here.
 */
export function accessResponseOf(row: MonitorResponsesTable): MonitoringResponse | null {
  const from = row.in_force_from ?? row.proposed_at;
  const until = row.in_force_until;
  const actor = {
    ...(row.actor_id !== null ? { id: row.actor_id } : {}),
    ...(row.actor_pseudonym !== null ? { pseudonym: row.actor_pseudonym } : {}),
  };
  switch (row.action) {
    case 'block-actor':
      return {
        id: row.id,
        action: 'block-actor',
        scope: { kind: 'operator', operatorId: row.operator_id },
        actor,
        from,
        until,
      };
    case 'throttle-actor':
      return {
        id: row.id,
        action: 'throttle-actor',
        scope: { kind: 'operator', operatorId: row.operator_id },
        actor,
        ...(row.throttle_limit !== null ? { limit: row.throttle_limit } : {}),
        from,
        until,
      };
    case 'block-country':
      return {
        id: row.id,
        action: 'block-transfers',
        scope: { kind: 'system', systemId: row.system_id },
        ...(row.country !== null ? { country: row.country } : {}),
        from,
        until,
      };
    case 'suspend-system':
      return null;
  }
}

export interface ResponseFilter {
  readonly state?: ResponseState;
  readonly systemId?: string;
  readonly caseId?: string;
  readonly alertId?: string;
  /** Ids after this one (ascending pages). */
  readonly after?: string;
  readonly limit: number;
}

export function createResponsesStore(db: Kysely<MonitorResponseTables>) {
  return {
    async get(id: string): Promise<MonitorResponsesTable | undefined> {
      return db.selectFrom('monitor_responses').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async list(filter: ResponseFilter, at: string): Promise<MonitorResponsesTable[]> {
      let q = db.selectFrom('monitor_responses').selectAll();
      if (filter.state === 'expired')
        q = q.where((eb) =>
          eb.or([
            eb('state', '=', 'expired'),
            eb.and([eb('state', '=', 'in-force'), eb('in_force_until', '<=', at)]),
          ]),
        );
      else if (filter.state === 'in-force')
        q = q
          .where('state', '=', 'in-force')
          .where((eb) => eb.or([eb('in_force_until', 'is', null), eb('in_force_until', '>', at)]));
      else if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.systemId) q = q.where('system_id', '=', filter.systemId);
      if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
      if (filter.alertId) q = q.where('alert_id', '=', filter.alertId);
      if (filter.after) q = q.where('id', '>', filter.after);
      return q
        .orderBy('id')
        .limit(filter.limit + 1)
        .execute();
    },

    /** Responses in force (or awaiting expiry) the access module applies. */
    async inForce(at: string): Promise<MonitorResponsesTable[]> {
      return db
        .selectFrom('monitor_responses')
        .selectAll()
        .where('state', '=', 'in-force')
        .where('action', '!=', 'suspend-system')
        .where((eb) => eb.or([eb('in_force_until', 'is', null), eb('in_force_until', '>', at)]))
        .execute();
    },

    /** In force with their time run out: the sweep records them as expired. */
    async due(at: string): Promise<MonitorResponsesTable[]> {
      return db
        .selectFrom('monitor_responses')
        .selectAll()
        .where('state', '=', 'in-force')
        .where('in_force_until', '<=', at)
        .orderBy('id')
        .limit(500)
        .execute();
    },
  };
}

export type ResponsesStore = ReturnType<typeof createResponsesStore>;
