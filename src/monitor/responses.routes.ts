/**
 * Response routes: the SOC lists, creates, confirms, rejects and lifts responses; the regulator and
 * auditors read. A second confirmation, or a decision on a response already decided: 409
 * `monitor.response_decided`; a response on a system that no longer exists: 404
 * `monitor.system_not_found` or 409 `monitor.system_gone` (revoked).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { byOf } from './response-routes.helpers.js';
import * as S from './response.schema.js';
import type { ResponseService } from './responses.js';

const tags = ['monitor'];
const READERS = ['soc', 'regulator', 'auditor'] as const;

export function responseRoutes(responses: ResponseService): FastifyPluginAsyncTypebox {
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
        return responses.list({
          ...filter,
          ...(cursor ? { after: cursor } : {}),
          limit: limit ?? 100,
        });
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
      async (request) => responses.get(request.params.responseId),
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
        return made;
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
        responses.confirm(request.params.responseId, byOf(request), request.body.reason),
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
        responses.reject(request.params.responseId, byOf(request), request.body.reason),
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
        responses.lift(request.params.responseId, byOf(request), request.body.reason),
    );
  };
}
