/**
 * Incident routes: the SOC opens incidents (from a case or by hand), reads the affected citizens,
 * notifies the authorised body and the citizens, and closes them; the regulator and auditors read.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { idCursor, pseudonymCursor } from '../core/cursors.js';
import type { IncidentService } from './incidents.js';
import { byOf } from './response-routes.helpers.js';
import * as S from './response.schema.js';
import { createNamer, type MonitorNames, nameRecord } from './names.js';

const tags = ['monitor'];
const READERS = ['soc', 'regulator', 'auditor'] as const;

export function incidentRoutes(
  incidents: IncidentService,
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
      '/v1/monitor/incidents',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'Incidents with their notification clocks, newest first',
          querystring: S.IncidentQuery,
          response: { 200: S.IncidentPage },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        return namedPage(
          await incidents.list({
            ...filter,
            ...(cursor !== undefined ? { after: idCursor(cursor, 'inc') } : {}),
            limit: limit ?? 50,
          }),
        );
      },
    );

    app.post(
      '/v1/monitor/incidents',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Open an incident from a case, or for a system and a window',
          body: S.IncidentCreate,
          response: { 201: S.IncidentView },
        },
      },
      async (request, reply) => {
        const made = await incidents.open(request.body, byOf(request));
        reply.status(201).header('location', `/v1/monitor/incidents/${made.id}`);
        return named(made);
      },
    );

    app.get(
      '/v1/monitor/incidents/:incidentId',
      {
        config: { allow: [...READERS] },
        schema: {
          tags,
          summary: 'One incident, its clock and its prefilled notice',
          params: S.IncidentParams,
          response: { 200: S.IncidentView },
        },
      },
      async (request) => named(await incidents.get(request.params.incidentId)),
    );

    app.get(
      '/v1/monitor/incidents/:incidentId/affected',
      {
        config: { allow: ['soc', 'regulator'] },
        schema: {
          tags,
          summary: 'The affected citizens (pseudonyms), from the access records of the window',
          params: S.IncidentParams,
          querystring: S.AffectedQuery,
          response: { 200: S.AffectedPage },
        },
      },
      async (request) =>
        incidents.affected(request.params.incidentId, {
          ...(request.query.cursor !== undefined
            ? { after: pseudonymCursor(request.query.cursor) }
            : {}),
          limit: request.query.limit ?? 100,
        }),
    );

    app.post(
      '/v1/monitor/incidents/:incidentId/notify-authority',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Record the notice to the authorised body as sent (once)',
          params: S.IncidentParams,
          body: S.NoteBody,
          response: { 200: S.IncidentView },
        },
      },
      async (request) =>
        named(
          await incidents.notifyAuthority(
            request.params.incidentId,
            byOf(request),
            request.body.note,
          ),
        ),
    );

    app.post(
      '/v1/monitor/incidents/:incidentId/notify-citizens',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary:
            'Notify every affected citizen through their inbox (once; resumes if interrupted)',
          params: S.IncidentParams,
          response: { 200: S.IncidentView },
        },
      },
      async (request) =>
        named(await incidents.notifyCitizens(request.params.incidentId, byOf(request))),
    );

    app.post(
      '/v1/monitor/incidents/:incidentId/close',
      {
        config: { allow: ['soc'] },
        schema: {
          tags,
          summary: 'Close an incident',
          params: S.IncidentParams,
          body: S.CloseBody,
          response: { 200: S.IncidentView },
        },
      },
      async (request) =>
        named(await incidents.close(request.params.incidentId, byOf(request), request.body.note)),
    );
  };
}
