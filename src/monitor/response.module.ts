/**
 * The monitoring centre's response side, composed: reference data, responses and incidents with
 * their routes. `server.ts` creates it with one call, passes `responses` to the access module,
 * registers `onAlert` on the monitor module's alert listener and `onReferenceChanged` to feed the
 * engine, and runs `start()` (the expiry sweep) on the sequencing instance.
 */
import type { Kysely } from 'kysely';
import type { Responses } from '../access/access.ports.js';
import type { RoutePlugin } from '../http/app.js';
import type { DayTransfers } from './breach-clock.js';
import { createIncidentService, type IncidentService } from './incidents.js';
import { incidentRoutes } from './incidents.routes.js';
import type { MonitorNames } from './names.js';
import type { MonitorReferenceInput } from './reference.model.js';
import { referenceRoutes } from './reference.routes.js';
import {
  createReferenceData,
  type ReferenceData,
  type ReferenceListener,
} from './reference.store.js';
import type {
  AccessedBy,
  Clock,
  ResponseCases,
  ResponseOutbox,
  ResponseRegistry,
  ResponseSubjects,
} from './response.ports.js';
import type { MonitorResponseTables } from './response.tables.js';
import { type AlertLike, createResponseService, type ResponseService } from './responses.js';
import { responseRoutes } from './responses.routes.js';
import type { ResponseView } from './responses.store.js';

export interface MonitorResponseDeps {
  readonly db: Kysely<MonitorResponseTables>;
  readonly outbox: ResponseOutbox;
  readonly subjects: ResponseSubjects;
  readonly registry: ResponseRegistry;
  /** The access module's `subjectsAccessedBy` (may be bound late: called only at run time). */
  readonly accessedBy: AccessedBy;
  /** monitor-core's cases, to open an incident from one. */
  readonly cases?: ResponseCases;
  readonly clock?: Clock;
  /** Days moved by decree per jurisdiction, for the breach clock (`Config.breachTransfers`). */
  readonly breachTransfers?: Readonly<Record<string, DayTransfers>>;
  /** How long another instance's response may take to be seen by this one. Default 1000 ms. */
  readonly cacheMs?: number;
  /** Affected citizens read and notified per page of a breach notification (default 500). */
  readonly notifyPageSize?: number;
  readonly log?: { error(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Registry names and actor codes shown beside the ids (none: the routes answer ids only). */
  readonly names?: MonitorNames;
}

export interface MonitorResponseModule {
  readonly routes: readonly RoutePlugin[];
  /** For `createAccessModule({ responses })`. */
  readonly responses: Responses;
  readonly reference: ReferenceData;
  readonly service: ResponseService;
  readonly incidents: IncidentService;
  /** Acts on a new, stored alert (automatic responses at once, the others proposed). */
  onAlert(alert: AlertLike): Promise<readonly ResponseView[]>;
  referenceInput(): Promise<MonitorReferenceInput>;
  onReferenceChanged(listener: ReferenceListener): () => void;
  /**
   * Every `intervalMs` (default 5 s) while `active()` (the evaluating instance): records expired
   * responses and re-reads the reference data (changes made through another instance, terminations
   * whose date came). Returns the stop function.
   */
  start(intervalMs?: number, active?: () => boolean): () => void;
}

/** How often the leader expires responses past their time and re-reads the reference lists. */
export const SWEEP_EVERY_MS = 5_000;

export function createMonitorResponseModule(deps: MonitorResponseDeps): MonitorResponseModule {
  const common = { db: deps.db, outbox: deps.outbox, ...(deps.clock ? { clock: deps.clock } : {}) };
  const log = deps.log;
  const reference = createReferenceData({
    ...common,
    subjects: deps.subjects,
    ...(log ? { log } : {}),
  });
  const service = createResponseService({
    ...common,
    registry: deps.registry,
    ...(deps.cacheMs !== undefined ? { cacheMs: deps.cacheMs } : {}),
    ...(log ? { log } : {}),
  });
  const incidents = createIncidentService({
    ...common,
    registry: deps.registry,
    accessedBy: deps.accessedBy,
    ...(deps.cases ? { cases: deps.cases } : {}),
    ...(deps.breachTransfers ? { breachTransfers: deps.breachTransfers } : {}),
    ...(deps.notifyPageSize !== undefined ? { pageSize: deps.notifyPageSize } : {}),
    measures: async (systemId) => {
      const { items } = await service.list({ systemId, limit: 100 });
      return items
        .filter((r) => r.state !== 'rejected' && r.state !== 'proposed')
        .map((r) => ({ id: r.id, action: r.action, state: r.state }));
    },
    ...(log ? { log } : {}),
  });
  return {
    routes: [
      {
        name: 'monitor-response',
        plugin: async (app) => {
          await app.register(
            referenceRoutes(reference, {
              systemOf: (systemId) => deps.registry.systemOf(systemId),
              operatorExists: (operatorId) => deps.registry.operatorExists(operatorId),
            }),
          );
          await app.register(responseRoutes(service, deps.names));
          await app.register(incidentRoutes(incidents, deps.names));
        },
      },
    ],
    responses: service.responses,
    reference,
    service,
    incidents,
    onAlert: (alert) => service.onAlert(alert),
    referenceInput: () => reference.input(),
    onReferenceChanged: (listener) => reference.onChanged(listener),
    start(intervalMs = SWEEP_EVERY_MS, active = () => true) {
      let running = false;
      const timer = setInterval(() => {
        if (running || !active()) return;
        running = true;
        Promise.all([service.expireDue(), reference.refresh()])
          .catch((error: unknown) => log?.error({ err: error }, 'response expiry sweep failed'))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
