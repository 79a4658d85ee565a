/**
 * The citizen portal's server side, composed: sessions, the citizen authenticator, OIDC sign-in
 * and its routes, and — in demo mode only — the demo identity provider; and the same session
 * machinery for staff signing in to the web console (the monitoring centre) with a staff
 * credential. `server.ts` creates it with one call, adds its two authenticators after the staff
 * and system bearer ones, and its routes.
 */
import type { Kysely } from 'kysely';
import type { Authenticator } from '../http/access.js';
import type { RoutePlugin } from '../http/app.js';
import { citizenAuthenticator } from './citizen-auth.js';
import { absentDemoProvider, createDemoIdentityProvider, type DemoIdentity } from './demo-idp.js';
import type { PortalTables } from './portal.tables.js';
import { portalRoutes } from './portal.routes.js';
import { type SystemNames, systemNamesRoutes } from './names.routes.js';
import { createSessionStore, type SessionStore } from './sessions.js';
import { createSignIn, type IdentityProvider, type PortalSubjects } from './sign-in.js';
import { type CredentialEnded, staffAuthenticator } from './staff-auth.js';
import { staffRoutes } from './staff.routes.js';
import { createStaffSessionStore, type StaffSessionStore } from './staff-sessions.js';

export type { DemoIdentity } from './demo-idp.js';
export type { IdentityProvider, PortalSubjects } from './sign-in.js';
export type { SystemNames } from './names.routes.js';

export interface PortalSettings {
  readonly issuer: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly iinClaim: string;
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
  /** Staff console sessions: idle end (default 15 minutes) and absolute end (default 8 hours). */
  readonly staffIdleTimeoutSeconds?: number;
  readonly staffAbsoluteTimeoutSeconds?: number;
}

const NO_NAMES: SystemNames = { namesOf: () => Promise.resolve(null) };

export const STAFF_IDLE_TIMEOUT_SECONDS = 15 * 60;
export const STAFF_ABSOLUTE_TIMEOUT_SECONDS = 8 * 60 * 60;

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
  /** The registry's port: a console session ends when the staff token that began it has. */
  readonly staffCredentialEnded?: CredentialEnded;
  /**
   * The registry's names of a system and its operator, for pages that hold only ids; `server.ts`
   * adapts the registry's `profileOf`. Without it (tests of sessions alone) no system is named.
   */
  readonly systemNames?: SystemNames;
  /** Tests: adjusts the provider the portal uses (e.g. a back channel that forges answers). */
  readonly wrapProvider?: (provider: IdentityProvider) => IdentityProvider;
}

export interface PortalModule {
  readonly sessions: SessionStore;
  readonly authenticator: Authenticator;
  readonly staffSessions: StaffSessionStore;
  /** The console's staff session cookie; placed before the citizen authenticator. */
  readonly staffAuthenticator: Authenticator;
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
  const staffAbsolute = settings.staffAbsoluteTimeoutSeconds ?? STAFF_ABSOLUTE_TIMEOUT_SECONDS;
  const staffSessions = createStaffSessionStore(
    deps.db,
    {
      idleSeconds: settings.staffIdleTimeoutSeconds ?? STAFF_IDLE_TIMEOUT_SECONDS,
      absoluteSeconds: staffAbsolute,
    },
    deps.clock,
  );
  const routes: RoutePlugin[] = [
    {
      name: 'staff-session',
      plugin: staffRoutes({
        sessions: staffSessions,
        cookies: { alwaysSecure: deps.production },
        absoluteTimeoutSeconds: staffAbsolute,
      }),
    },
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
    { name: 'system-names', plugin: systemNamesRoutes(deps.systemNames ?? NO_NAMES) },
  ];
  if (demo) routes.push({ name: 'demo-idp', plugin: demo.routes });
  else routes.push({ name: 'demo-idp-absent', plugin: absentDemoProvider });
  return {
    sessions,
    authenticator: citizenAuthenticator(sessions),
    staffSessions,
    staffAuthenticator: staffAuthenticator(staffSessions, deps.staffCredentialEnded),
    routes,
  };
}
