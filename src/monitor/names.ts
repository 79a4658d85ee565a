/**
 * The names an analyst reads beside the ids the monitoring centre keeps: a system's and its
 * operator's registry names (as they are now, in kk / ru / en for the operator) and an actor's
 * opaque per-operator code (`A-…`, the one citizens see in their access log). The monitor keeps
 * ids only — its alerts, cases, responses and incidents are evidence and must not change when
 * the registry renames a system — so names are looked up when a route answers, through this
 * narrow port that `server.ts` adapts from the registry (the same `profileOf` adapter the access
 * module reads). The monitor never reads registry tables.
 */
import type { Labels } from '../core/taxonomy.js';

/** A system's and its operator's registry names. */
export interface SystemNames {
  readonly systemName: string;
  readonly operatorId: string;
  readonly operatorName?: Labels;
}

export interface MonitorNames {
  /** The registry's names of a system and its operator now; null for a system it does not know. */
  systemNames(systemId: string): Promise<SystemNames | null>;
  /** The actor's opaque per-operator code, the same the access module commits (`A-…`). */
  actorCode(operatorId: string, actorId: string): string;
}

/** The names added beside the ids (each absent when unknown). */
export interface NamesBeside {
  systemName?: string;
  operatorName?: Labels;
  actorCode?: string;
}

/**
 * Names for one answer: each system is looked up once however many records name it, and a
 * failed look-up leaves the names out rather than failing the answer (the ids stay).
 */
export function createNamer(names: MonitorNames | undefined) {
  const systems = new Map<string, Promise<SystemNames | null>>();
  const systemOf = (systemId: string) => {
    let found = systems.get(systemId);
    if (!found) {
      found = names!.systemNames(systemId).catch(() => null);
      systems.set(systemId, found);
    }
    return found;
  };
  return async function namesOf(ids: {
    readonly system?: string | null | undefined;
    readonly operator?: string | null | undefined;
    readonly actorId?: string | null | undefined;
  }): Promise<NamesBeside> {
    if (!names) return {};
    const result: NamesBeside = {};
    const found = ids.system ? await systemOf(ids.system) : null;
    if (found) {
      result.systemName = found.systemName;
      // The operator's name only when the record's operator is the system's (it always is for
      // records the centre made; a system moved to another operator keeps its old records' ids).
      if (found.operatorName && (!ids.operator || ids.operator === found.operatorId))
        result.operatorName = { ...found.operatorName };
    }
    const operator = ids.operator ?? found?.operatorId;
    if (operator && ids.actorId) result.actorCode = names.actorCode(operator, ids.actorId);
    return result;
  };
}

export type Namer = ReturnType<typeof createNamer>;

/** An alert with the names beside its context's ids. */
export async function nameAlert<
  T extends {
    readonly context: {
      readonly system?: string;
      readonly operator?: string;
      readonly actorId?: string;
    };
  },
>(alert: T, namesOf: Namer): Promise<T> {
  const { system, operator, actorId } = alert.context;
  return {
    ...alert,
    context: { ...alert.context, ...(await namesOf({ system, operator, actorId })) },
  };
}

/** A case with the names beside its ids. */
export async function nameCase<
  T extends {
    readonly system: string | null;
    readonly operator: string | null;
    readonly actorId: string | null;
  },
>(record: T, namesOf: Namer): Promise<T & NamesBeside> {
  return { ...record, ...(await namesOf(record)) };
}

/** A response or incident (`systemId`, `operatorId`, maybe `actorId`) with the names beside. */
export async function nameRecord<
  T extends {
    readonly systemId: string;
    readonly operatorId: string;
    readonly actorId?: string | null;
  },
>(record: T, namesOf: Namer): Promise<T & NamesBeside> {
  return {
    ...record,
    ...(await namesOf({
      system: record.systemId,
      operator: record.operatorId,
      actorId: record.actorId ?? null,
    })),
  };
}
