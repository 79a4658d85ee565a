/**
 * Access checks, composed: the store, the service and the routes. `server.ts` creates it with one
 * call and adapts the ports. Other modules see `subjectsAccessedBy` (the monitoring centre's
 * breach notices) and nothing else.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { indexTaxonomy, type TaxonomyIndex } from '../core/taxonomy.js';
import type { RoutePlugin } from '../http/app.js';
import type {
  AccessOutbox,
  Clock,
  Consents,
  Profiles,
  Receipts,
  Responses,
  Restrictions,
  Subjects,
} from './access.ports.js';
import { accessRoutes } from './access.routes.js';
import { actorCodeOf } from './actor-code.js';
import { type AccessService, createAccessService } from './access.service.js';
import { createAccessStore } from './access.store.js';
import type { AccessTables } from './access.tables.js';
import { DEFAULT_IDEMPOTENCY_RETENTION_MS } from './idempotency.js';

export interface AccessModuleDeps {
  readonly db: Kysely<AccessTables>;
  readonly profiles: Profiles;
  readonly consents: Consents;
  readonly subjects: Subjects;
  readonly outbox: AccessOutbox;
  readonly receipts: Receipts;
  /** The module's secret: keys the actors' codes, and (derived) the stored idempotency digests. */
  readonly actorKey: Uint8Array;
  /** Monitoring responses; none until the monitoring centre is wired. */
  readonly responses?: Responses;
  /** Rights-request restrictions; none until rights requests exist. */
  readonly restrictions?: Restrictions;
  readonly taxonomy?: TaxonomyIndex;
  readonly clock?: Clock;
  readonly cacheMs?: number;
  /**
   * How long an `Idempotency-Key` answers retries after its check, in milliseconds (default a
   * week); the server passes `QALQAN_ACCESS_IDEMPOTENCY_HOURS` and deletes older keys with
   * `createIdempotencyRetention` over the same retention.
   */
  readonly idempotencyRetentionMs?: number;
}

/** The port the monitoring centre's breach notices use: affected subjects, paged. */
export type SubjectsAccessedBy = AccessService['subjectsAccessedBy'];

export interface AccessModule {
  readonly service: AccessService;
  readonly routes: readonly RoutePlugin[];
  readonly subjectsAccessedBy: SubjectsAccessedBy;
  /** Register on the outbox's write-back: copies each check's ledger index in its transaction. */
  readonly onSequenced: AccessService['onSequenced'];
  /** An actor's opaque per-operator code, as the checks commit it (the monitoring centre shows it). */
  actorCode(operatorId: string, actorId: string): string;
}

export const noResponses: Responses = { inForce: () => Promise.resolve([]) };
export const noRestrictions: Restrictions = { of: () => Promise.resolve([]) };

export function createAccessModule(deps: AccessModuleDeps): AccessModule {
  const service = createAccessService({
    store: createAccessStore(deps.db),
    profiles: deps.profiles,
    consents: deps.consents,
    subjects: deps.subjects,
    outbox: deps.outbox,
    receipts: deps.receipts,
    responses: deps.responses ?? noResponses,
    restrictions: deps.restrictions ?? noRestrictions,
    taxonomy: deps.taxonomy ?? indexTaxonomy(),
    clock: deps.clock ?? (() => new Date()),
    actorKey: deps.actorKey,
    // Its own key for the stored digests of Idempotency-Keys, derived from the module's secret.
    idempotencyKey: createHmac('sha256', deps.actorKey)
      .update('qalqan access idempotency keys')
      .digest(),
    idempotencyRetentionMs: deps.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS,
    ...(deps.cacheMs !== undefined ? { cacheMs: deps.cacheMs } : {}),
  });
  return {
    service,
    routes: [{ name: 'access', plugin: accessRoutes(service) }],
    subjectsAccessedBy: (systemId, from, to, page) =>
      service.subjectsAccessedBy(systemId, from, to, page),
    onSequenced: (trx, items) => service.onSequenced(trx, items),
    actorCode: (operatorId, actorId) => actorCodeOf(deps.actorKey, operatorId, actorId),
  };
}
