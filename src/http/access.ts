/**
 * Who may call a route. Every route declares `config: { allow: [...] }`; a route without it stops
 * the server at start (least privilege is checked by construction, not by review). Credentials
 * are resolved by authenticators the modules contribute (API keys, staff tokens, OIDC, citizen
 * sessions); the shell only enforces the declaration.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, isDomainError } from '../core/errors.js';

export type StaffRole = 'regulator' | 'soc' | 'auditor';
export type Audience = 'public' | 'system' | 'operator' | 'citizen' | StaffRole;

export type Principal =
  /** An information system calling with its API key; it also acts for its operator. */
  | {
      readonly kind: 'system';
      readonly systemId: string;
      readonly operatorId: string;
      readonly credentialId: string;
      /**
       * Whether the system may act now, and every reason why not. Not ok only on routes that
       * declare `allowNotInStanding` (the access checks answer such a system with a recorded deny).
       */
      readonly standing?: {
        readonly ok: boolean;
        readonly reasons: readonly {
          readonly code: string;
          readonly message: { readonly kk: string; readonly ru: string; readonly en: string };
        }[];
      };
    }
  | { readonly kind: 'operator'; readonly operatorId: string; readonly credentialId: string }
  | {
      readonly kind: 'staff';
      readonly roles: readonly StaffRole[];
      readonly subject: string;
      readonly name: string;
    }
  | { readonly kind: 'citizen'; readonly pseudonym: string; readonly sessionId: string };

/**
 * Resolves the caller from the request, or returns `null` when the request carries no credential
 * this authenticator understands. It throws `auth.unauthenticated` for a credential it recognises
 * but rejects (revoked, expired, suspended system), so the client learns why.
 */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

/** Counts failed authentications per client address (see auth-failures.ts). */
export interface AuthFailureLimiter {
  /** Throws `auth.too_many_failures` while the caller's address has no failures left. */
  check(request: FastifyRequest): Promise<void>;
  /** Records one failure; throws `auth.too_many_failures` once the address is over its limit. */
  fail(request: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. `['public']` means anyone, without credentials. */
    allow?: readonly Audience[];
    /**
     * The route admits a system that is not in standing (suspended, or a biometric system without
     * a certificate in force) with its standing on the principal, instead of 401 / 403. Revoked
     * systems, operators and keys are refused everywhere. See docs/ARCHITECTURE.md "Standing".
     */
    allowNotInStanding?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function audiencesOf(principal: Principal): readonly Audience[] {
  switch (principal.kind) {
    case 'system':
      return ['system', 'operator'];
    case 'operator':
      return ['operator'];
    case 'staff':
      return principal.roles;
    case 'citizen':
      return ['citizen'];
  }
}

/** The bearer token of the request, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,4096})\s*$/i.exec(header);
  return match?.[1];
}

/** Installs the declaration check and the per-request enforcement on `app`. */
export function installAccessControl(
  app: FastifyInstance,
  authenticators: readonly Authenticator[],
  failures?: AuthFailureLimiter,
): void {
  app.decorateRequest('principal', null);

  // Checked once all onRoute hooks have run (a child context may fill in `allow` for routes a
  // third-party plugin registers), and before the server accepts its first request.
  const routes: { method: string; url: string; config?: { allow?: readonly Audience[] } }[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route as (typeof routes)[number]);
  });
  app.addHook('onReady', async () => {
    const undeclared = routes.filter(
      (route) => !route.config?.allow || route.config.allow.length === 0,
    );
    if (undeclared.length > 0) {
      const list = undeclared.map((route) => `${String(route.method)} ${route.url}`).join(', ');
      throw new Error(`routes do not declare who may call them (config.allow): ${list}`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const allow = request.routeOptions.config.allow;
    // The not-found handler has no route config: let it answer 404 without asking for credentials.
    if (!allow || allow.includes('public')) return;
    if (failures) await failures.check(request);
    let principal: Principal | null = null;
    try {
      for (const authenticate of authenticators) {
        principal = await authenticate(request);
        if (principal) break;
      }
    } catch (error) {
      // A credential recognised and refused is a failed attempt; guessing keys counts here.
      if (failures && isDomainError(error) && error.status === 401) {
        await failures.fail(request);
      }
      throw error;
    }
    if (!principal) {
      // A credential nobody recognised is a failed attempt too; no credential at all is not.
      const sent = request.headers.authorization !== undefined;
      if (failures && sent) await failures.fail(request);
      // Said apart, so a client learns its credential was read and refused, not missed; the
      // credential itself is never repeated.
      throw new DomainError(
        'auth.unauthenticated',
        sent
          ? 'The credential in Authorization was not recognised: send a valid one as Authorization: Bearer <token>.'
          : 'This route needs credentials: send Authorization: Bearer <token>.',
      );
    }
    const audiences = audiencesOf(principal);
    if (!allow.some((audience) => audiences.includes(audience))) {
      throw new DomainError('auth.forbidden', `This route is for: ${allow.join(', ')}.`);
    }
    request.principal = principal;
  });
}

/** The authenticated caller of a protected route (set by the access hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new DomainError('auth.unauthenticated', 'This route needs credentials.');
  return request.principal;
}
