/**
 * Consent, composed: the service, guardianships, receipts, webhook delivery, the expiry sweep and
 * the routes. `server.ts` creates it with one call and adapts the ports it needs. The access
 * decision uses `coveringConsent` (the only part of this module another module calls).
 */
import type { Kysely } from 'kysely';
import { indexTaxonomy, type TaxonomyIndex } from '../core/taxonomy.js';
import type { RoutePlugin } from '../http/app.js';
import type { FieldCipher } from '../secrets/field-cipher.js';
import type { ConsentOutbox, ConsentRegistry, ConsentSubjects } from './consent.ports.js';
import { consentRoutes } from './consent.routes.js';
import { createConsentService, type ConsentService } from './consent.service.js';
import type { ConsentTables } from './consent.tables.js';
import type { Coverage, CoverageQuery } from './coverage.js';
import { createGuardianService, type GuardianService } from './guardians.js';
import type { ReceiptSigner } from './receipts.js';
import { deliverDue, type WebhookPolicy } from './webhooks.js';

export type { Coverage, CoverageQuery } from './coverage.js';

/** The port the access decision needs: the covering consent, or the precise reason none does. */
export type CoveringConsent = (query: CoverageQuery) => Promise<Coverage>;

export interface ConsentModuleDeps {
  readonly db: Kysely<ConsentTables>;
  readonly outbox: ConsentOutbox;
  readonly subjects: ConsentSubjects;
  readonly registry: ConsentRegistry;
  readonly fields: FieldCipher;
  readonly receipts: ReceiptSigner;
  readonly webhooks: WebhookPolicy;
  readonly taxonomy?: TaxonomyIndex;
  readonly clock?: () => Date;
  readonly log?: { error(obj: unknown, msg: string): void };
}

export interface ConsentModule {
  readonly db: Kysely<ConsentTables>;
  readonly service: ConsentService;
  readonly guardians: GuardianService;
  readonly registry: ConsentRegistry;
  readonly subjects: ConsentSubjects;
  readonly receipts: ReceiptSigner;
  readonly fields: FieldCipher;
  readonly taxonomy: TaxonomyIndex;
  readonly clock: () => Date;
  readonly coveringConsent: CoveringConsent;
  readonly routes: readonly RoutePlugin[];
  /** One pass of the scheduled work: expiries, guardianships ending at 18, webhook deliveries. */
  runDueWork(): Promise<{ expired: number; cameOfAge: number; delivered: number }>;
  /**
   * Runs `runDueWork` every `intervalMs` while `active()` holds (one instance: the one that
   * sequences the ledger), until the returned function stops it. Everything it does is in the
   * database, so a restart picks up where it stopped.
   */
  startScheduler(intervalMs?: number, active?: () => boolean): () => void;
}

export function createConsentModule(deps: ConsentModuleDeps): ConsentModule {
  const clock = deps.clock ?? (() => new Date());
  const taxonomy = deps.taxonomy ?? indexTaxonomy();
  const ports = {
    db: deps.db,
    outbox: deps.outbox,
    subjects: deps.subjects,
    registry: deps.registry,
    taxonomy,
    clock,
  };
  const service = createConsentService({ ...ports, webhooks: deps.webhooks });
  const guardians = createGuardianService(ports);
  let running = false;
  const runDueWork = async () => {
    const expired = await service.expireDue();
    const cameOfAge = await guardians.endAtMajority();
    const delivered = await deliverDue({
      db: deps.db,
      fields: deps.fields,
      policy: deps.webhooks,
      clock,
    });
    return { expired, cameOfAge, delivered };
  };
  const module: Omit<ConsentModule, 'routes'> = {
    db: deps.db,
    service,
    guardians,
    registry: deps.registry,
    subjects: deps.subjects,
    receipts: deps.receipts,
    fields: deps.fields,
    taxonomy,
    clock,
    coveringConsent: (query) => service.coveringConsent(query),
    runDueWork,
    startScheduler(intervalMs = 1000, active = () => true) {
      const timer = setInterval(() => {
        if (running || !active()) return;
        running = true;
        runDueWork()
          .catch((error: unknown) =>
            deps.log?.error({ err: error }, 'consent scheduled work failed; retried next tick'),
          )
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  const full: ConsentModule = { ...module, routes: [] };
  return { ...full, routes: [{ name: 'consent', plugin: consentRoutes(full) }] };
}
