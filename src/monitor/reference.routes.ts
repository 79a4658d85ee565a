/**
 * Reference-data routes. Honeytoken subjects and protected persons: the SOC registers and removes
 * them (by IIN, pseudonymised at once); the regulator and auditors read. An operator's working
 * hours and terminated actors: the operator through its system's key, or the regulator; the SOC
 * and auditors read. Every change is in the ledger.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.js';
import { type ReferenceData, shown, type WatchList } from './reference.store.js';
import { byOf, requireOperator } from './response-routes.helpers.js';
import * as S from './response.schema.js';

const tags = ['monitor'];
const READERS = ['soc', 'regulator', 'auditor'] as const;

export function referenceRoutes(reference: ReferenceData): FastifyPluginAsyncTypebox {
  return async (app) => {
    const lists: readonly [string, WatchList, string][] = [
      ['honeytokens', 'honeytoken', 'Honeytoken subjects (any access to one is critical)'],
      ['protected-persons', 'protected-person', 'Protected persons (public figures, witnesses)'],
    ];
    for (const [path, list, what] of lists) {
      app.get(
        `/v1/monitor/${path}`,
        {
          config: { allow: [...READERS] },
          schema: { tags, summary: what, response: { 200: S.WatchedList } },
        },
        async () => ({ items: [...(await reference.listWatched(list))] }),
      );
      app.post(
        `/v1/monitor/${path}`,
        {
          config: { allow: ['soc'] },
          schema: {
            tags,
            summary: `Register one of the ${what.toLowerCase()} by IIN (kept as a pseudonym)`,
            body: S.WatchedCreate,
            response: { 201: S.WatchedEntry },
          },
        },
        async (request, reply) => {
          const entry = await reference.addWatched(
            list,
            request.body.iin,
            request.body.label ?? null,
            byOf(request),
          );
          reply.status(201).header('location', `/v1/monitor/${path}/${entry.id}`);
          return entry;
        },
      );
      app.delete(
        `/v1/monitor/${path}/:entryId`,
        {
          config: { allow: ['soc'] },
          schema: { tags, summary: `Remove an entry (${path})`, params: S.EntryParams },
        },
        async (request, reply) => {
          await reference.removeWatched(list, request.params.entryId, byOf(request));
          return reply.status(204).send();
        },
      );
    }

    app.get(
      '/v1/monitor/operators/:operatorId/working-hours',
      {
        config: { allow: ['system', ...READERS] },
        schema: {
          tags,
          summary: "An operator's working hours (checks outside them count as off-hours)",
          params: S.OperatorParams,
          response: { 200: S.WorkingHoursView },
        },
      },
      async (request) => {
        requireOperator(request, request.params.operatorId);
        const found = await reference.workingHoursOf(request.params.operatorId);
        if (!found)
          throw new DomainError(
            'monitor.reference_not_found',
            `The operator ${shown(request.params.operatorId)} has declared no working hours.`,
          );
        return { ...found, days: [...found.days] };
      },
    );
    app.put(
      '/v1/monitor/operators/:operatorId/working-hours',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary: "Set an operator's working hours (its own system's key, or the regulator)",
          params: S.OperatorParams,
          body: S.WorkingHoursBody,
          response: { 200: S.WorkingHoursView },
        },
      },
      async (request) => {
        requireOperator(request, request.params.operatorId);
        const set = await reference.setWorkingHours(
          request.params.operatorId,
          request.body,
          byOf(request),
        );
        return { ...set, days: [...set.days] };
      },
    );

    app.get(
      '/v1/monitor/operators/:operatorId/terminated-actors',
      {
        config: { allow: ['system', ...READERS] },
        schema: {
          tags,
          summary: "An operator's terminated actors",
          params: S.OperatorParams,
          response: { 200: S.TerminatedList },
        },
      },
      async (request) => {
        requireOperator(request, request.params.operatorId);
        return { items: [...(await reference.listTerminated(request.params.operatorId))] };
      },
    );
    app.post(
      '/v1/monitor/operators/:operatorId/terminated-actors',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary: 'Report an actor as no longer employed (their checks then raise an alert)',
          params: S.OperatorParams,
          body: S.TerminatedCreate,
          response: { 201: S.TerminatedEntry },
        },
      },
      async (request, reply) => {
        requireOperator(request, request.params.operatorId);
        const entry = await reference.addTerminated(
          request.params.operatorId,
          request.body.actorId,
          request.body.terminatedAt ?? null,
          byOf(request),
        );
        reply.status(201);
        return entry;
      },
    );
    app.delete(
      '/v1/monitor/operators/:operatorId/terminated-actors/:actorId',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary: 'Withdraw a report of termination (reported by mistake)',
          params: S.TerminatedParams,
        },
      },
      async (request, reply) => {
        requireOperator(request, request.params.operatorId);
        await reference.removeTerminated(
          request.params.operatorId,
          request.params.actorId,
          byOf(request),
        );
        return reply.status(204).send();
      },
    );
  };
}
