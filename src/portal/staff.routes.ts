/**
 * The console's staff sign-in: `POST /v1/staff/session` with a staff credential in
 * `Authorization: Bearer …` (a staff token, or a staff OIDC token) begins a session and sets its
 * cookie; the credential passes the shell's access hook like on any staff route, so a wrong one is
 * refused with the usual problem and counts toward the failed-authentication limit.
 * `GET /v1/staff/session` tells the console whether it is signed in (with the CSRF token it must
 * echo) and `POST /v1/staff/sign-out` ends the session.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { bearerToken, principalOf } from '../http/access.js';
import { type CookiePolicy, setCookie } from './citizen-auth.js';
import { STAFF_COOKIE, staffSessionOf, staffSessionOfRequest } from './staff-auth.js';
import type { StaffSession, StaffSessionStore } from './staff-sessions.js';

const tags = ['staff'];
const STAFF = ['regulator', 'soc', 'auditor'] as const;

export interface StaffRouteDeps {
  readonly sessions: StaffSessionStore;
  readonly cookies: CookiePolicy;
  readonly absoluteTimeoutSeconds: number;
}

const SessionBody = Type.Object({
  id: Type.String(),
  csrfToken: Type.String(),
  subject: Type.String(),
  roles: Type.Array(Type.String()),
  name: Type.String(),
  expiresAt: Type.String(),
  idleUntil: Type.String(),
});

const shown = (session: StaffSession) => ({
  id: session.id,
  csrfToken: session.csrfToken,
  subject: session.subject,
  roles: [...session.roles],
  name: session.name,
  expiresAt: session.expiresAt,
  idleUntil: session.idleUntil,
});

export function staffRoutes(deps: StaffRouteDeps): FastifyPluginAsyncTypebox {
  const cookie = (request: FastifyRequest, reply: FastifyReply, value: string, maxAge: number) =>
    setCookie(request, reply, deps.cookies, STAFF_COOKIE, value, {
      path: '/',
      maxAgeSeconds: maxAge,
      sameSite: 'strict',
    });

  return async (app) => {
    app.post(
      '/v1/staff/session',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary:
            'Staff sign-in to the console: a staff credential in Authorization begins a session cookie',
          response: { 201: Type.Object({ session: SessionBody }) },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        // Only a credential presented now begins a session; an existing session does not renew itself.
        if (
          principal.kind !== 'staff' ||
          bearerToken(request) === undefined ||
          staffSessionOfRequest(request)
        )
          throw new DomainError(
            'auth.unauthenticated',
            'Sign in with a staff token in Authorization: Bearer <token>.',
          );
        const { session, token } = await deps.sessions.create({
          subject: principal.subject,
          roles: principal.roles,
          name: principal.name,
        });
        cookie(request, reply, token, deps.absoluteTimeoutSeconds);
        request.log.info({ sessionId: session.id, roles: session.roles }, 'staff signed in');
        reply.status(201).header('cache-control', 'no-store');
        return { session: shown(session) };
      },
    );

    app.get(
      '/v1/staff/session',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'The current staff session, with its CSRF token (signedIn false without one)',
          response: {
            200: Type.Object({
              signedIn: Type.Boolean(),
              session: Type.Optional(SessionBody),
              ended: Type.Optional(Type.String()),
            }),
          },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        try {
          const session = await staffSessionOf(request, deps.sessions);
          if (!session) return { signedIn: false };
          return { signedIn: true, session: shown(session) };
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'portal.session_expired')
            throw error;
          cookie(request, reply, '', 0);
          return {
            signedIn: false,
            ...(typeof error.extensions.reason === 'string'
              ? { ended: error.extensions.reason }
              : {}),
          };
        }
      },
    );

    app.post(
      '/v1/staff/sign-out',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary: 'Staff sign-out: ends this console session',
          response: { 204: Type.Null({ description: 'Signed out' }) },
        },
      },
      async (request, reply) => {
        const session = staffSessionOfRequest(request);
        if (!session)
          throw new DomainError(
            'request.validation',
            'This request carries no console session to end (it was made with a bearer credential).',
          );
        await deps.sessions.revoke(session.id, 'sign-out');
        cookie(request, reply, '', 0);
        request.log.info({ sessionId: session.id }, 'staff signed out');
        return reply.status(204).send(null);
      },
    );
  };
}
