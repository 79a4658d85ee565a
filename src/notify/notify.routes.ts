/**
 * The citizen inbox over HTTP: list (newest first, paged by cursor), mark read, preferences and
 * a live stream (server-sent events over the session cookie; `Last-Event-ID` resumes). The
 * subject is the citizen principal, so another citizen's notification id is simply not found.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { ULID_PATTERN } from '../core/ids.js';
import { principalOf } from '../http/access.js';
import type { Inbox, Notification } from './inbox.js';

const tags = ['inbox'];
const CategorySchema = Type.Union([
  Type.Literal('access'),
  Type.Literal('consent-request'),
  Type.Literal('consent-change'),
  Type.Literal('breach'),
]);
const NotificationSchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  type: Type.String(),
  category: CategorySchema,
  at: Type.String(),
  read: Type.Boolean(),
  data: Type.Object({}, { additionalProperties: true }),
});
const PreferencesSchema = Type.Object({
  access: Type.Boolean(),
  'consent-request': Type.Boolean(),
  'consent-change': Type.Boolean(),
  breach: Type.Boolean(),
});
const IdParams = Type.Object({ id: Type.String({ pattern: '^ntf_[0-9A-Z]{26}$' }) });

function subjectOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'citizen')
    throw new DomainError('auth.forbidden', 'This route is for citizens.');
  return principal.pseudonym;
}

export interface NotifyRouteOptions {
  /** Comment line sent this often so proxies keep the stream open. */
  readonly heartbeatMs?: number;
}

export function notifyRoutes(
  inbox: Inbox,
  options: NotifyRouteOptions = {},
): FastifyPluginAsyncTypebox {
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  return async (app) => {
    app.get(
      '/v1/me/inbox',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Your notifications, newest first',
          querystring: Type.Object({
            unread: Type.Optional(Type.Boolean()),
            category: Type.Optional(CategorySchema),
            // The cursor is a notification id, exactly (a ULID: Crockford base32, no I, L, O, U).
            before: Type.Optional(Type.String({ pattern: `^ntf_${ULID_PATTERN}$` })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          }),
          response: {
            200: Type.Object({
              notifications: Type.Array(NotificationSchema),
              unread: Type.Integer(),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await inbox.list(subjectOf(request), {
          ...(q.unread !== undefined ? { unread: q.unread } : {}),
          ...(q.category ? { category: q.category } : {}),
          ...(q.before ? { before: q.before } : {}),
          limit: q.limit ?? 50,
        });
        return {
          notifications: page.notifications.map((n) => ({ ...n, data: { ...n.data } })),
          unread: page.unread,
          nextCursor: page.nextCursor,
        };
      },
    );

    app.post(
      '/v1/me/inbox/:id/read',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Mark a notification read',
          params: IdParams,
          response: { 204: Type.Null({ description: 'Marked read' }) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        if (!(await inbox.markRead(subjectOf(request), id)))
          throw new DomainError('notify.not_found', `You have no notification ${id}.`);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/v1/me/inbox/read-all',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Mark every notification read',
          response: { 200: Type.Object({ marked: Type.Integer() }) },
        },
      },
      async (request) => ({ marked: await inbox.markAllRead(subjectOf(request)) }),
    );

    app.get(
      '/v1/me/inbox/preferences',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Which categories notify you (muted ones are kept, already read)',
          response: { 200: Type.Object({ preferences: PreferencesSchema }) },
        },
      },
      async (request) => ({ preferences: await inbox.preferences(subjectOf(request)) }),
    );

    app.put(
      '/v1/me/inbox/preferences',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Change which categories notify you',
          body: Type.Object(
            { preferences: Type.Partial(PreferencesSchema, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ preferences: PreferencesSchema }) },
        },
      },
      async (request) => {
        const { preferences } = request.body;
        return { preferences: await inbox.setPreferences(subjectOf(request), preferences) };
      },
    );

    app.get(
      '/v1/me/inbox/stream',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary:
            'Live notifications as server-sent events (event: notification); Last-Event-ID resumes',
          response: {
            200: {
              description: 'A stream of server-sent events (text/event-stream) that stays open',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
          },
        },
      },
      async (request, reply) => {
        const subject = subjectOf(request);
        const lastId = request.headers['last-event-id'];
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        const send = (n: Notification) =>
          res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
        res.write('retry: 5000\n\n');
        const stop = inbox.listen(subject, send);
        if (typeof lastId === 'string' && /^ntf_[0-9A-Z]{26}$/.test(lastId))
          for (const n of await inbox.since(subject, lastId, 200)) send(n);
        const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
        beat.unref();
        request.raw.on('close', () => {
          clearInterval(beat);
          stop();
        });
      },
    );
  };
}
