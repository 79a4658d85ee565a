/**
 * Sign-in routes: start (`/v1/portal/sign-in`, redirects to the identity provider), the OIDC
 * callback, the current session (with its CSRF token for the web app), sign-out, and the
 * citizen's own sessions (list, revoke). A browser that meets a refused sign-in is sent back to
 * the web app with the reason code, which it words in the citizen's language; API clients get
 * the problem document.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import {
  type CookiePolicy,
  cookieOf,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  sessionOf,
  setCookie,
} from './citizen-auth.js';
import type { SessionStore } from './sessions.js';
import { callbackPath, type SignIn } from './sign-in.js';

const tags = ['portal'];

export interface PortalRouteDeps {
  readonly signIn: SignIn;
  readonly sessions: SessionStore;
  readonly cookies: CookiePolicy;
  readonly absoluteTimeoutSeconds: number;
  /** The public origin (`https://qalqan.kz`); from the request when not configured. */
  readonly publicUrl: string | undefined;
}

const SessionView = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  idleUntil: Type.String(),
  current: Type.Boolean(),
});

function citizenOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'citizen')
    throw new DomainError('auth.forbidden', 'This route is for citizens.');
  return principal;
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

export function portalRoutes(deps: PortalRouteDeps): FastifyPluginAsyncTypebox {
  const originOf = (request: FastifyRequest) =>
    deps.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  const clearCookie = (request: FastifyRequest, reply: FastifyReply, name: string, path: string) =>
    setCookie(request, reply, deps.cookies, name, '', { path, maxAgeSeconds: 0 });

  return async (app) => {
    app.get(
      '/v1/portal/sign-in',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'Start citizen sign-in (redirects to the identity provider)',
          querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })) }),
        },
      },
      async (request, reply) => {
        const { returnTo } = request.query;
        const started = await deps.signIn.begin(originOf(request), returnTo ?? '/me');
        setCookie(request, reply, deps.cookies, LOGIN_COOKIE, started.loginToken, {
          path: '/v1/portal',
          maxAgeSeconds: 600,
        });
        reply.header('cache-control', 'no-store');
        return reply.redirect(started.redirectTo, 303);
      },
    );

    app.get(
      callbackPath,
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'OpenID Connect callback: finishes sign-in and sets the session cookie',
          querystring: Type.Object({}, { additionalProperties: Type.String({ maxLength: 4096 }) }),
        },
      },
      async (request, reply) => {
        const url = new URL(request.url, originOf(request));
        const loginToken = cookieOf(request, LOGIN_COOKIE);
        clearCookie(request, reply, LOGIN_COOKIE, '/v1/portal');
        reply.header('cache-control', 'no-store');
        try {
          const done = await deps.signIn.finish(originOf(request), loginToken, url);
          setCookie(request, reply, deps.cookies, SESSION_COOKIE, done.token, {
            path: '/',
            maxAgeSeconds: deps.absoluteTimeoutSeconds,
          });
          request.log.info({ sessionId: done.session.id }, 'citizen signed in');
          return reply.redirect(done.returnTo, 303);
        } catch (error) {
          if (error instanceof DomainError && wantsHtml(request)) {
            const reason =
              typeof error.extensions.reason === 'string' ? error.extensions.reason : error.code;
            return reply.redirect(`/sign-in?error=${encodeURIComponent(reason)}`, 303);
          }
          throw error;
        }
      },
    );

    app.get(
      '/v1/portal/session',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'The current citizen session, with its CSRF token (signedIn false without one)',
          response: {
            200: Type.Object({
              signedIn: Type.Boolean(),
              session: Type.Optional(
                Type.Object({
                  id: Type.String(),
                  csrfToken: Type.String(),
                  expiresAt: Type.String(),
                  idleUntil: Type.String(),
                }),
              ),
              ended: Type.Optional(Type.String()),
            }),
          },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        try {
          const session = await sessionOf(request, deps.sessions);
          if (!session) return { signedIn: false };
          return {
            signedIn: true,
            session: {
              id: session.id,
              csrfToken: session.csrfToken,
              expiresAt: session.expiresAt,
              idleUntil: session.idleUntil,
            },
          };
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'portal.session_expired')
            throw error;
          clearCookie(request, reply, SESSION_COOKIE, '/');
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
      '/v1/portal/sign-out',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Sign out: ends this session everywhere it is used',
          response: { 204: Type.Null({ description: 'Signed out' }) },
        },
      },
      async (request, reply) => {
        const { sessionId } = citizenOf(request);
        await deps.sessions.revoke(sessionId, 'sign-out');
        clearCookie(request, reply, SESSION_COOKIE, '/');
        request.log.info({ sessionId }, 'citizen signed out');
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/me/sessions',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Your live sessions',
          response: { 200: Type.Object({ sessions: Type.Array(SessionView) }) },
        },
      },
      async (request) => {
        const { pseudonym, sessionId } = citizenOf(request);
        const sessions = await deps.sessions.listOf(pseudonym);
        return {
          sessions: sessions.map((s) => ({
            id: s.id,
            createdAt: s.createdAt,
            lastSeenAt: s.lastSeenAt,
            expiresAt: s.expiresAt,
            idleUntil: s.idleUntil,
            current: s.id === sessionId,
          })),
        };
      },
    );

    app.post(
      '/v1/me/sessions/:id/revoke',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'End one of your sessions (another device)',
          params: Type.Object({ id: Type.String({ pattern: '^ses_[0-9A-Z]{26}$' }) }),
          response: { 204: Type.Null({ description: 'The session is ended' }) },
        },
      },
      async (request, reply) => {
        const { pseudonym } = citizenOf(request);
        const { id } = request.params;
        const own = (await deps.sessions.listOf(pseudonym)).some((s) => s.id === id);
        if (!own || !(await deps.sessions.revoke(id, 'revoked')))
          throw new DomainError('request.not_found', `You have no live session ${id}.`);
        return reply.status(204).send(null);
      },
    );
  };
}
