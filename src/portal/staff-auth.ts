/**
 * The staff session authenticator: the console's cookie becomes the same principal the staff
 * credential that began the session yielded, `{ kind: 'staff', roles, subject, name }`, so every
 * staff route (`allow: ['soc']`…) admits it without knowing about sessions, the browser's
 * `EventSource` included. State-changing requests must echo the session's CSRF token, as for
 * citizens. The cookie has its own name and SameSite=Strict; a citizen's session cookie yields a
 * citizen principal and so never reaches a staff route, nor this one a citizen route.
 */
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import type { Authenticator } from '../http/access.js';
import { cookieOf, ENDED, requireCsrf } from './citizen-auth.js';
import type { StaffSession, StaffSessionStore } from './staff-sessions.js';

export const STAFF_COOKIE = 'qalqan_staff';

/** The requests this authenticator admitted, with their session (for sign-out). */
const admitted = new WeakMap<FastifyRequest, StaffSession>();

/** The staff session a request was admitted with; undefined for bearer credentials. */
export const staffSessionOfRequest = (request: FastifyRequest): StaffSession | undefined =>
  admitted.get(request);

/** The live staff session behind the request's cookie; `null` without one; throws if it ended. */
export async function staffSessionOf(
  request: FastifyRequest,
  sessions: StaffSessionStore,
): Promise<StaffSession | null> {
  const token = cookieOf(request, STAFF_COOKIE);
  if (!token) return null;
  const resolved = await sessions.resolve(token);
  if ('ended' in resolved) {
    request.log.warn({ reason: resolved.ended }, 'staff session refused');
    throw new DomainError('portal.session_expired', ENDED[resolved.ended], {
      reason: resolved.ended,
    });
  }
  return resolved;
}

/**
 * Whether the credential that began a session has since been revoked or has expired (the
 * registry's port); a session never outlives the staff token it was begun with.
 */
export type CredentialEnded = (subject: string) => Promise<boolean>;

export function staffAuthenticator(
  sessions: StaffSessionStore,
  credentialEnded?: CredentialEnded,
): Authenticator {
  return async (request) => {
    const session = await staffSessionOf(request, sessions);
    if (!session) return null;
    if (credentialEnded && (await credentialEnded(session.subject))) {
      await sessions.revokeAllOf(session.subject);
      request.log.warn({ reason: 'credential-ended' }, 'staff session refused');
      throw new DomainError('portal.session_expired', ENDED.revoked, { reason: 'revoked' });
    }
    requireCsrf(request, session, 'staff');
    admitted.set(request, session);
    return { kind: 'staff', roles: session.roles, subject: session.subject, name: session.name };
  };
}
