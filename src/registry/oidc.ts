/**
 * Staff sign-in through the country's identity provider: the API accepts OIDC access tokens (JWTs)
 * from the configured issuer, verified against the issuer's published keys, and maps a roles claim
 * to Qalqan's staff roles. Only signature, issuer, audience and expiry decide; nothing is cached
 * but the issuer's keys (refreshed by jose when an unknown key id appears).
 */
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { DomainError } from '../core/errors.js';
import { bearerToken, type Authenticator, type StaffRole } from '../http/access.js';

export interface OidcOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Dotted path to the roles claim, e.g. `roles` or `realm_access.roles` (Keycloak). */
  readonly rolesClaim: string;
  /** Claim value for each staff role. */
  readonly roleValues: Readonly<Record<StaffRole, string>>;
  readonly fetchImpl?: typeof fetch;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The longest `sub` taken. The subject is recorded as the actor of what staff do
 * (`staff:<roles>:<sub>`) in columns of 160 characters and more — which SQLite stores whatever the
 * length and PostgreSQL refuses with a 500 — and OIDC allows 255. Identity providers issue far
 * shorter ones (a UUID is 36); a longer one is refused at sign-in, saying why, on both engines.
 */
export const MAX_SUBJECT = 128;
/** The display name kept of the `name` claim (a staff session holds 256). */
export const MAX_NAME = 200;

/** The staff identity of a verified token's claims: its subject checked, its name bounded. */
export function staffIdentity(payload: JWTPayload): { subject: string; name: string } {
  const subject = payload.sub ?? 'unknown';
  if ([...subject].length > MAX_SUBJECT || subject.includes('\u0000'))
    throw new DomainError(
      'auth.unauthenticated',
      `The access token's subject (sub) is longer than ${MAX_SUBJECT} characters or holds U+0000.`,
    );
  const name =
    typeof payload.name === 'string'
      ? [...payload.name.replaceAll('\u0000', '')].slice(0, MAX_NAME).join('')
      : (payload.sub ?? 'staff');
  return { subject, name };
}

export function rolesFrom(
  payload: JWTPayload,
  path: string,
  roleValues: OidcOptions['roleValues'],
): StaffRole[] {
  let value: unknown = payload;
  for (const key of path.split('.'))
    value =
      value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const claimed = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/\s+/)
      : [];
  return (Object.keys(roleValues) as StaffRole[]).filter((role) =>
    claimed.includes(roleValues[role]),
  );
}

export function createOidcAuthenticator(options: OidcOptions): Authenticator {
  const fetchImpl = options.fetchImpl ?? fetch;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  async function keys() {
    if (jwks) return jwks;
    const discovery = new URL(
      `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    );
    const response = await fetchImpl(discovery, { signal: AbortSignal.timeout(5000) });
    if (!response.ok)
      throw new DomainError(
        'server.unavailable',
        `The identity provider did not answer its discovery document (${response.status}).`,
      );
    const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
    if (document.issuer !== options.issuer || typeof document.jwks_uri !== 'string') {
      throw new DomainError(
        'server.unavailable',
        'The identity provider\u2019s discovery document does not match the configured issuer.',
      );
    }
    jwks = createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 5000 });
    return jwks;
  }

  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!token || !JWT_SHAPE.test(token)) return null;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keys(), {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockTolerance: 30,
      }));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const reason =
        error instanceof errors.JWTExpired
          ? 'has expired'
          : error instanceof errors.JWTClaimValidationFailed
            ? `fails the ${error.claim} check`
            : 'is not valid';
      throw new DomainError('auth.unauthenticated', `The access token ${reason}.`);
    }
    const roles = rolesFrom(payload, options.rolesClaim, options.roleValues);
    if (roles.length === 0)
      throw new DomainError('auth.forbidden', 'The access token carries no Qalqan staff role.');
    return { kind: 'staff', roles, ...staffIdentity(payload) };
  };
}
