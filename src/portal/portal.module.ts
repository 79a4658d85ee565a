/**
 * The citizen portal's server side, composed: sessions, the citizen authenticator, OIDC sign-in
 * and its routes, and — in demo mode only — the demo identity provider. `server.ts` creates it
 * with one call, adds its authenticator after the staff and system ones, and its routes.
 */
import type { Kysely } from 'kysely';
import type { Authenticator } from '../http/access.js';
import type { RoutePlugin } from '../http/app.js';
import { citizenAuthenticator } from './citizen-auth.js';
import { absentDemoProvider, createDemoIdentityProvider, type DemoIdentity } from './demo-idp.js';
import type { PortalTables } from './portal.tables.js';
import { portalRoutes } from './portal.routes.js';
import { createSessionStore, type SessionStore } from './sessions.js';
import { createSignIn, type IdentityProvider, type PortalSubjects } from './sign-in.js';

export type { DemoIdentity } from './demo-idp.js';
export type { IdentityProvider, PortalSubjects } from './sign-in.js';

export interface PortalSettings {
  readonly issuer: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly iinClaim: string;
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
}

export interface PortalModuleDeps {
  readonly db: Kysely<PortalTables>;
  readonly subjects: PortalSubjects;
  readonly settings: PortalSettings;
  /** Demo mode: the demo citizens the demo identity provider offers; absent outside demo mode. */
  readonly demoCitizens?: readonly DemoIdentity[];
  readonly production: boolean;
  readonly publicUrl: string | undefined;
  readonly trustProxy: boolean;
  readonly clock?: () => Date;
  readonly log?: { warn(obj: object, msg: string): void };
  /** Tests: adjusts the provider the portal uses (e.g. a back channel that forges answers). */
  readonly wrapProvider?: (provider: IdentityProvider) => IdentityProvider;
}

export interface PortalModule {
  readonly sessions: SessionStore;
  readonly authenticator: Authenticator;
  readonly routes: readonly RoutePlugin[];
}

export function createPortalModule(deps: PortalModuleDeps): PortalModule {
  const { settings } = deps;
  const sessions = createSessionStore(
    deps.db,
    { idleSeconds: settings.idleTimeoutSeconds, absoluteSeconds: settings.absoluteTimeoutSeconds },
    deps.clock,
  );
  const demo = deps.demoCitizens
    ? createDemoIdentityProvider({
        citizens: deps.demoCitizens,
        clientId: settings.clientId,
        iinClaim: settings.iinClaim,
        trustProxy: deps.trustProxy,
      })
    : undefined;
  const configured = settings.issuer;
  const wrap = deps.wrapProvider ?? ((p: IdentityProvider) => p);
  const provider = (origin: string): IdentityProvider | undefined => {
    const found = providerOf(origin);
    return found && wrap(found);
  };
  const providerOf = (origin: string): IdentityProvider | undefined => {
    // A configured issuer wins, also in demo mode; otherwise the demo provider on this origin.
    if (configured)
      return {
        issuer: configured,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        iinClaim: settings.iinClaim,
        allowHttp: !deps.production && configured.startsWith('http:'),
      };
    return demo?.identityProvider(origin);
  };
  const signIn = createSignIn({
    db: deps.db,
    sessions,
    subjects: deps.subjects,
    provider,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const routes: RoutePlugin[] = [
    {
      name: 'portal',
      plugin: portalRoutes({
        signIn,
        sessions,
        cookies: { alwaysSecure: deps.production },
        absoluteTimeoutSeconds: settings.absoluteTimeoutSeconds,
        publicUrl: deps.publicUrl,
      }),
    },
  ];
  if (demo) routes.push({ name: 'demo-idp', plugin: demo.routes });
  else routes.push({ name: 'demo-idp-absent', plugin: absentDemoProvider });
  return { sessions, authenticator: citizenAuthenticator(sessions), routes };
}
