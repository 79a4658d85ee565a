/**
 * The registry, composed: its services, the authenticators it contributes (system API keys, staff
 * tokens, OIDC) and its routes. `server.ts` creates it with one call.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DomainError } from '../core/errors.js';
import type { Kysely } from 'kysely';
import { indexTaxonomy, type TaxonomyIndex } from '../core/taxonomy.js';
import { bearerToken, type Authenticator } from '../http/access.js';
import type { RoutePlugin } from '../http/app.js';
import type { Secrets } from '../secrets/secrets.js';
import type { Database } from '../storage/database.js';
import { credentialRoutes } from './credentials.routes.js';
import { createCredentialService, type CredentialService } from './credentials.service.js';
import { createHistorySequencer, type HistorySequencer, type LedgerAppender } from './history.js';
import type { OutboxService } from '../outbox/outbox.js';
import { createOidcAuthenticator, type OidcOptions } from './oidc.js';
import { operatorRoutes } from './operators.routes.js';
import { createRegistryService, type RegistryService } from './registry.service.js';
import { systemRoutes } from './systems.routes.js';
import { taxonomyRoutes } from './taxonomy.routes.js';

export interface RegistryModuleDeps {
  readonly db: Kysely<Database>;
  readonly secrets: Pick<Secrets, 'lookupKey' | 'fields'>;
  readonly ledger: LedgerAppender;
  /** The server's shared outbox; without one the registry makes its own over `ledger`. */
  readonly outbox?: OutboxService | undefined;
  readonly taxonomy?: TaxonomyIndex;
  readonly clock?: () => Date;
  readonly oidc?: OidcOptions | undefined;
  readonly clientCertHeader?: string | undefined;
  readonly log?: Pick<FastifyBaseLogger, 'error' | 'info'>;
}

export interface RegistryModule {
  readonly db: Kysely<Database>;
  readonly service: RegistryService;
  readonly credentials: CredentialService;
  readonly history: HistorySequencer;
  readonly taxonomy: TaxonomyIndex;
  readonly authenticators: readonly Authenticator[];
  readonly routes: readonly RoutePlugin[];
  /**
   * Sequences changes left in the outbox (by a crash or the CLI) every `intervalMs` while
   * `active()` holds, until the returned function stops it.
   */
  startOutboxDrain(intervalMs?: number, active?: () => boolean): () => void;
}

export function createRegistryModule(deps: RegistryModuleDeps): RegistryModule {
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
  const service = createRegistryService({
    db: deps.db,
    secrets: deps.secrets,
    taxonomy,
    history,
    clock,
    onSequenceError,
  });
  const credentials = createCredentialService({
    db: deps.db,
    lookupKey: deps.secrets.lookupKey,
    history,
    clock,
    clientCertHeader: deps.clientCertHeader,
    onSequenceError,
  });

  const keyAuthenticator: Authenticator = async (request) => {
    const token = bearerToken(request);
    if (!token) return null;
    return (
      (await credentials.authenticateKey(token, request)) ??
      (await credentials.authenticateStaffToken(token))
    );
  };
  const authenticators = deps.oidc
    ? [keyAuthenticator, createOidcAuthenticator(deps.oidc)]
    : [keyAuthenticator];

  const module: RegistryModule = {
    db: deps.db,
    service,
    credentials,
    history,
    taxonomy,
    authenticators,
    routes: [],
    startOutboxDrain(intervalMs = 5000, active = () => true) {
      const timer = setInterval(() => {
        if (active()) history.sequencePending().catch(onSequenceError);
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  const plugins = [
    operatorRoutes(module),
    systemRoutes(module),
    credentialRoutes(module),
    taxonomyRoutes(taxonomy),
  ];
  return {
    ...module,
    routes: [
      {
        name: 'registry',
        plugin: async (app) => {
          for (const plugin of plugins) await app.register(plugin);
        },
      },
    ],
  };
}
