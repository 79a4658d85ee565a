/**
 * Response routes: the SOC lists, creates, confirms, rejects and lifts responses; the regulator and
 * auditors read. A second confirmation, or a decision on a response already decided: 409
 * `monitor.response_decided`; a response on a system that no longer exists: 404
 * `monitor.system_not_found` or 409 `monitor.system_gone` (revoked).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { idCursor } from '../core/cursors.js';
import { byOf } from './response-routes.helpers.js';
import * as S from './response.schema.js';
import { createNamer, type MonitorNames, nameRecord } from './names.js';
import type { ResponseService } from './responses.js';

const tags = ['monitor'];
const READERS = ['soc', 'regulator', 'auditor'] as const;

export function responseRoutes(
  responses: ResponseService,
  names?: MonitorNames,
): FastifyPluginAsyncTypebox {
  // Registry names (and actor codes) beside the ids, looked up per answer.
  const named = async <T extends Parameters<typeof nameRecord>[0]>(record: T) =>
    nameRecord(record, createNamer(names));
  const namedPage = async <T extends Parameters<typeof nameRecord>[0], P extends { items: T[] }>(
    page: P,
  ) => {
    const namesOf = createNamer(names);
    return { ...page, items: await Promise.all(page.items.map((r) => nameRecord(r, namesOf))) };
  };
  return async (app) => {
    app.get(
      '/v1/monitor/responses',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'Responses: proposed, in force, rejected, lifted, expired',
          querystring: S.ResponseQuery,
          response: { 200: S.ResponsePage },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        return namedPage(
          await responses.list({
            ...filter,
            ...(cursor !== undefined ? { after: idCursor(cursor, 'rsp') } : {}),
            limit: limit ?? 100,
          }),
        );
      },
    );

    app.get(
      '/v1/monitor/responses/:responseId',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One response',
          params: S.ResponseParams,
          response: { 200: S.ResponseView },
        },
      },
      async (request) => named(await responses.get(request.params.responseId)),
    );

    app.post(
      '/v1/monitor/responses',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary:
            "An analyst's response, in force at once (a system suspension goes through the registry)",
          body: S.ResponseCreate,
          response: { 201: S.ResponseView },
        },
      },
      async (request, reply) => {
        const made = await responses.create(request.body, byOf(request));
        reply.status(201).header('location', `/v1/monitor/responses/${made.id}`);
        return named(made);
      },
    );

    app.post(
      '/v1/monitor/responses/:responseId/confirm',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Confirm a proposed response: it is in force from now',
          params: S.ResponseParams,
          body: S.Confirm,
          response: { 200: S.ResponseView },
        },
      },
      async (request) =>
        named(
          await responses.confirm(request.params.responseId, byOf(request), request.body.reason),
        ),
    );

    app.post(
      '/v1/monitor/responses/:responseId/reject',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Reject a proposed response',
          params: S.ResponseParams,
          body: S.Reasoned,
          response: { 200: S.ResponseView },
        },
      },
      async (request) =>
        named(
          await responses.reject(request.params.responseId, byOf(request), request.body.reason),
        ),
    );

    app.post(
      '/v1/monitor/responses/:responseId/lift',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Lift a response in force (a suspended system is reinstated)',
          params: S.ResponseParams,
          body: S.Reasoned,
          response: { 200: S.ResponseView },
        },
      },
      async (request) =>
        named(await responses.lift(request.params.responseId, byOf(request), request.body.reason)),
    );
  };
}
