/**
 * The citizen authenticator: a session cookie becomes the principal
 * `{ kind: 'citizen', pseudonym, sessionId }`. Every state-changing request (anything but GET,
 * HEAD, OPTIONS) must also carry the session's synchronizer token in `X-CSRF-Token`; a cross-site
 * form or script cannot read it, so it cannot act for the citizen even though the browser sends
 * the cookie (SameSite=Lax already keeps the cookie off cross-site POSTs; this is the second lock).
 */
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import type { Authenticator } from '../http/access.js';
import { sameToken, type Session, type SessionEnd, type SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'qalqan_session';
export const LOGIN_COOKIE = 'qalqan_login';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const value = fastifyCookie.parse(header)[name];
  return value && value.length <= 256 ? value : undefined;
}

export interface CookiePolicy {
  /** Always mark cookies Secure (production); otherwise only on HTTPS requests. */
  readonly alwaysSecure: boolean;
}

export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  policy: CookiePolicy,
  name: string,
  value: string,
  options: { path: string; maxAgeSeconds: number; sameSite?: 'lax' | 'strict' },
): void {
  const cookie = fastifyCookie.serialize(name, value, {
    path: options.path,
    httpOnly: true,
    sameSite: options.sameSite ?? 'lax',
    secure: policy.alwaysSecure || request.protocol === 'https',
    maxAge: options.maxAgeSeconds,
  });
  const existing = reply.getHeader('set-cookie');
  const list =
    existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}

export const ENDED: Record<Exclude<SessionEnd, null> | 'unknown', string> = {
  revoked: 'Your session was ended (signed out or revoked). Sign in again.',
  idle: 'Your session ended after a period without activity. Sign in again.',
  expired: 'Your session reached its maximum length. Sign in again.',
  unknown: 'Your session is not known here. Sign in again.',
};

/** The live session behind the request's cookie; `null` without a cookie; throws if it ended. */
export async function sessionOf(
  request: FastifyRequest,
  sessions: SessionStore,
): Promise<Session | null> {
  const token = cookieOf(request, SESSION_COOKIE);
  if (!token) return null;
  const resolved = await sessions.resolve(token);
  if ('ended' in resolved) {
    request.log.warn({ reason: resolved.ended }, 'citizen session refused');
    throw new DomainError('portal.session_expired', ENDED[resolved.ended], {
      reason: resolved.ended,
    });
  }
  return resolved;
}

/**
 * Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that does not echo the
 * session's synchronizer token in `X-CSRF-Token`; used for citizen and staff sessions alike.
 */
export function requireCsrf(
  request: FastifyRequest,
  session: { readonly id: string; readonly csrfToken: string },
  who: 'citizen' | 'staff',
): void {
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent === 'string' && sameToken(sent, session.csrfToken)) return;
  request.log.warn(
    { reason: typeof sent === 'string' ? 'wrong' : 'missing', sessionId: session.id },
    `${who} request refused: CSRF token`,
  );
  throw new DomainError(
    'portal.csrf_failed',
    typeof sent === 'string'
      ? 'The X-CSRF-Token header does not match this session; reload the page and try again.'
      : 'This request changes something and needs the X-CSRF-Token header of your session.',
    { reason: typeof sent === 'string' ? 'wrong' : 'missing' },
  );
}

export function citizenAuthenticator(sessions: SessionStore): Authenticator {
  return async (request) => {
    const session = await sessionOf(request, sessions);
    if (!session) return null;
    requireCsrf(request, session, 'citizen');
    return { kind: 'citizen', pseudonym: session.pseudonym, sessionId: session.id };
  };
}
