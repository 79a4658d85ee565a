/**
 * The registry, composed. Other modules see only its ports: `profileOf` (the read port every
 * access check asks), the authenticators it contributes (system API keys, staff tokens, OIDC), its
 * routes, the bootstrap of staff tokens (the CLI and the demo) and the outbox drain. Its tables,
 * stores, services and history stay inside. `server.ts` creates it with one call.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import { indexTaxonomy, type TaxonomyIndex } from '../core/taxonomy.js';
import { bearerToken, type Authenticator, type StaffRole } from '../http/access.js';
import type { RoutePlugin } from '../http/app.js';
import type { OutboxService } from '../outbox/outbox.js';
import type { Secrets } from '../secrets/secrets.js';
import type { RegistryDatabase } from './registry.tables.js';
import { credentialRoutes } from './credentials.routes.js';
import {
  createCredentialService,
  type CredentialService,
  type KeyPolicy,
} from './credentials.service.js';
import { findStaffToken } from './credentials.store.js';
import { createHistorySequencer, type HistorySequencer, type LedgerAppender } from './history.js';
import { createOidcAuthenticator, type OidcOptions } from './oidc.js';
import { operatorRoutes } from './operators.routes.js';
import type { Actor, SystemProfile } from './registry.model.js';
import {
  createRegistryReads,
  createRegistryService,
  type RegistryReads,
  type RegistryService,
} from './registry.service.js';
import { createRegistryVersion } from './registry-cache.js';
import { clientCertificateSha256 } from './route-helpers.js';
import { systemRoutes } from './systems.routes.js';
import { taxonomyRoutes } from './taxonomy.routes.js';

export interface RegistryModuleDeps {
  readonly db: Kysely<RegistryDatabase>;
  readonly secrets: Pick<Secrets, 'lookupKey' | 'fields'>;
  readonly ledger: LedgerAppender;
  /** The server's shared outbox; without one the registry makes its own over `ledger`. */
  readonly outbox?: OutboxService | undefined;
  readonly taxonomy?: TaxonomyIndex;
  readonly clock?: () => Date;
  readonly oidc?: OidcOptions | undefined;
  readonly clientCertHeader?: string | undefined;
  readonly keyPolicy?: KeyPolicy | undefined;
  readonly log?: Pick<FastifyBaseLogger, 'error' | 'info'>;
  /**
   * How long a read of the registry version is trusted, in ms, before cached credentials and
   * profiles are checked against the database again. Default 250 (changes through this
   * instance are seen at once).
   */
  readonly versionProbeMs?: number | undefined;
}

/** The read port (contract 4): a system's declared processing, standing and legal grounds. */
export interface RegistryReadPort {
  /** One query; null for an unknown system. `at` defaults to now. */
  profileOf(systemId: string, at?: Date): Promise<SystemProfile | null>;
  /**
   * Whether an operator with this id is registered, whatever its status: for modules that keep
   * lists by operator id and must refuse an id the registry does not know.
   */
  operatorExists(operatorId: string): Promise<boolean>;
}

/** First credentials of a deployment, for the CLI and the demo loader. */
export interface StaffTokenBootstrap {
  issueStaffToken(
    role: StaffRole,
    name: string,
    actor: Actor,
    expiresAt?: string | null,
  ): Promise<{ id: string; token: string }>;
  /** Whether a staff token or system API key is still good: not revoked or expired (never throws). */
  credentialWorks(token: string): Promise<boolean>;
}

/**
 * For sessions begun with a staff token (the console's cookie): whether the token behind a staff
 * principal's subject has since been revoked or has expired. A subject that is no staff token of
 * this registry (an OIDC subject) is not ended here; its session keeps its own timeouts.
 */
export type StaffTokenEnded = (subject: string) => Promise<boolean>;

/**
 * Suspending and reinstating a system for the monitoring centre's responses: through the registry's
 * own service, so the change has its history and ledger entry like any other (an unknown system is
 * `registry.system_not_found`, a revoked one `registry.invalid_transition`).
 */
export interface SystemStatusPort {
  suspend(systemId: string, reason: string, until: string | null, actor: Actor): Promise<void>;
  reinstate(systemId: string, reason: string, actor: Actor): Promise<void>;
}

export interface RegistryModule extends RegistryReadPort {
  readonly authenticators: readonly Authenticator[];
  readonly routes: readonly RoutePlugin[];
  readonly bootstrap: StaffTokenBootstrap;
  readonly staffTokenEnded: StaffTokenEnded;
  readonly systemStatus: SystemStatusPort;
  /** Sequences changes left in the outbox (by a crash, a standby instance or the CLI). */
  sequencePending(): Promise<void>;
  /**
   * Sequences changes left in the outbox every `intervalMs` while `active()` holds, until the
   * returned function stops it.
   */
  startOutboxDrain(intervalMs?: number, active?: () => boolean): () => void;
}

/** The module with its insides, for the registry's own CLI and tests; nothing else uses these. */
export interface RegistryParts extends RegistryModule {
  readonly service: RegistryService;
  readonly credentials: CredentialService;
  readonly reads: RegistryReads;
  readonly history: HistorySequencer;
  readonly taxonomy: TaxonomyIndex;
}

export function createRegistryModule(deps: RegistryModuleDeps): RegistryModule {
  const parts = createRegistryParts(deps);
  // Only the ports leave: services, stores, history and the database stay inside.
  return {
    profileOf: (systemId, at) => parts.profileOf(systemId, at),
    operatorExists: (operatorId) => parts.operatorExists(operatorId),
    authenticators: parts.authenticators,
    routes: parts.routes,
    bootstrap: parts.bootstrap,
    systemStatus: parts.systemStatus,
    staffTokenEnded: (subject) => parts.staffTokenEnded(subject),
    sequencePending: () => parts.sequencePending(),
    startOutboxDrain: (intervalMs, active) => parts.startOutboxDrain(intervalMs, active),
  };
}

export function createRegistryParts(deps: RegistryModuleDeps): RegistryParts {
  const clock = deps.clock ?? (() => new Date());
  const taxonomy = deps.taxonomy ?? indexTaxonomy();
  const history = createHistorySequencer(deps.db, deps.outbox ?? deps.ledger);
  // On a standby instance the ledger refuses appends by design: the change waits in the outbox
  // for the sequencing instance, which is routine, not an error.
  const onSequenceError = (error: unknown) =>
    (error instanceof DomainError && error.code === 'ledger.unavailable'
      ? deps.log?.info
      : deps.log?.error
    )?.call(
      deps.log,
      { err: error },
      'registry change not yet in the ledger; it stays in the outbox',
    );
  // Credentials and profiles cached in memory while this version holds (registry-cache.ts).
  const version = createRegistryVersion(deps.db, {
    ...(deps.versionProbeMs !== undefined ? { probeMs: deps.versionProbeMs } : {}),
  });
  const changeDeps = { db: deps.db, history, clock, onSequenceError, version };
  const service = createRegistryService({ ...changeDeps, secrets: deps.secrets, taxonomy });
  const credentials = createCredentialService({
    ...changeDeps,
    lookupKey: deps.secrets.lookupKey,
    keyPolicy: deps.keyPolicy,
  });
  const reads = createRegistryReads(deps.db, clock, version);

  const keyAuthenticator: Authenticator = async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!token) return null;
    return (
      (await credentials.authenticateKey(token, {
        clientCertSha256: clientCertificateSha256(request, deps.clientCertHeader),
        acceptsNotInStanding: request.routeOptions.config.allowNotInStanding === true,
      })) ?? (await credentials.authenticateStaffToken(token))
    );
  };
  const authenticators = deps.oidc
    ? [keyAuthenticator, createOidcAuthenticator(deps.oidc)]
    : [keyAuthenticator];

  const plugins = [
    operatorRoutes({ operators: service, reads }),
    systemRoutes({ systems: service, reads }),
    credentialRoutes({ systems: service, operators: service, credentials }),
    taxonomyRoutes(taxonomy),
  ];
  const sequencePending = () => history.sequencePending();

  return {
    service,
    credentials,
    reads,
    history,
    taxonomy,
    profileOf: reads.profileOf,
    operatorExists: reads.operatorExists,
    systemStatus: {
      async suspend(systemId, reason, until, actor) {
        await service.setSystemStatus(systemId, 'suspended', reason, until, actor);
      },
      async reinstate(systemId, reason, actor) {
        await service.setSystemStatus(systemId, 'active', reason, null, actor);
      },
    },
    authenticators,
    routes: [
      {
        name: 'registry',
        plugin: async (app) => {
          for (const plugin of plugins) await app.register(plugin);
        },
      },
    ],
    async staffTokenEnded(subject) {
      const row = await findStaffToken(deps.db, subject);
      if (!row) return false;
      // ISO instants compare as text, as the token authenticator compares them.
      return (
        row.revoked_at !== null ||
        (row.expires_at !== null && row.expires_at <= clock().toISOString())
      );
    },
    bootstrap: {
      issueStaffToken: (role, name, actor, expiresAt = null) =>
        credentials.issueStaffToken(role, name, actor, expiresAt),
      async credentialWorks(token) {
        try {
          // "Works" means the credential itself is good: a system that is merely not in standing
          // (uncertified, suspended) still holds a working key.
          return (
            ((await credentials.authenticateKey(token, { acceptsNotInStanding: true })) ??
              (await credentials.authenticateStaffToken(token))) !== null
          );
        } catch {
          return false;
        }
      },
    },
    sequencePending,
    startOutboxDrain(intervalMs = 5000, active = () => true) {
      const timer = setInterval(() => {
        if (active()) sequencePending().catch(onSequenceError);
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
