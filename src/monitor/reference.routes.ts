/**
 * Reference-data routes. Honeytoken subjects and protected persons: the SOC registers and removes
 * them (by IIN, pseudonymised at once); the regulator and auditors read. An operator's working
 * hours, terminated actors and staff register, and the destinations a system declares: the
 * operator through its system's key, or the regulator; the SOC and auditors read. Every change is
 * in the ledger.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.js';
import { ProblemSchema } from '../http/schemas.js';
import { shown } from './reference-entries.js';
import type { ReferenceData, WatchList } from './reference.store.js';
import { byOf, requireOperator } from './response-routes.helpers.js';
import type { FastifyRequest } from 'fastify';
import type { ResponseRegistry, SystemFacts } from './response.ports.js';
import * as S from './response.schema.js';

const tags = ['monitor'];
const READERS = ['soc', 'regulator', 'auditor'] as const;
/**
 * A full staff batch with every field at its longest, escaped as `\uXXXX`, is about 2 MB; the
 * shell's default limit is smaller.
 */
const STAFF_BATCH_BODY_LIMIT = 4 * 1024 * 1024;

export function referenceRoutes(
  reference: ReferenceData,
  registry: {
    readonly systemOf: (systemId: string) => Promise<Pick<SystemFacts, 'id' | 'operatorId'> | null>;
    readonly operatorExists: ResponseRegistry['operatorExists'];
  },
): FastifyPluginAsyncTypebox {
  /** The system named in the path, which a system's key may act on only for its own operator. */
  async function systemFor(request: FastifyRequest, systemId: string) {
    const found = await registry.systemOf(systemId);
    if (!found)
      throw new DomainError(
        'monitor.system_not_found',
        `No information system ${shown(systemId)}.`,
      );
    requireOperator(request, found.operatorId);
    return found;
  }

  /**
   * The operator named in the path of a change to its lists: a system's key acts only for its own
   * operator, and anyone only for an operator the registry knows. An entry under an id the
   * registry does not hold (a typo, another deployment's id) would be stored, ledgered and never
   * match a check — a list the operator believes in that watches nothing. Asked through the
   * registry port before anything is written, so a refused request stores nothing.
   */
  async function operatorFor(request: FastifyRequest, operatorId: string): Promise<void> {
    requireOperator(request, operatorId);
    if (!(await registry.operatorExists(operatorId)))
      throw new DomainError(
        'monitor.operator_not_found',
        `operatorId: no operator ${shown(operatorId)} in the registry.`,
        { in: 'path', field: 'operatorId' },
      );
  }

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
          schema: {
            tags,
            summary: `Remove an entry (${path})`,
            params: S.EntryParams,
            response: S.Removed,
          },
        },
        async (request, reply) => {
          await reference.removeWatched(list, request.params.entryId, byOf(request));
          return reply.status(204).send(null);
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
          description:
            'An operator the registry does not hold is 404 monitor.operator_not_found (field operatorId), and nothing is stored.',
          params: S.OperatorParams,
          body: S.WorkingHoursBody,
          response: { 200: S.WorkingHoursView },
        },
      },
      async (request) => {
        await operatorFor(request, request.params.operatorId);
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
          description:
            'An operator the registry does not hold is 404 monitor.operator_not_found (field operatorId), and nothing is stored.',
          params: S.OperatorParams,
          body: S.TerminatedCreate,
          response: { 201: S.TerminatedEntry },
        },
      },
      async (request, reply) => {
        await operatorFor(request, request.params.operatorId);
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
          response: S.Removed,
        },
      },
      async (request, reply) => {
        requireOperator(request, request.params.operatorId);
        await reference.removeTerminated(
          request.params.operatorId,
          request.params.actorId,
          byOf(request),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/monitor/operators/:operatorId/staff',
      {
        config: { allow: ['system', ...READERS] },
        schema: {
          tags,
          summary: "An operator's staff register (its employees' pseudonyms)",
          params: S.OperatorParams,
          response: { 200: S.StaffList },
        },
      },
      async (request) => {
        requireOperator(request, request.params.operatorId);
        return { items: [...(await reference.listStaff(request.params.operatorId))] };
      },
    );
    app.post(
      '/v1/monitor/operators/:operatorId/staff',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary:
            'Register an employee by IIN (kept as a pseudonym): their record looked up by a coworker raises an alert',
          description:
            'An operator the registry does not hold is 404 monitor.operator_not_found (field operatorId), and nothing is stored.',
          params: S.OperatorParams,
          body: S.StaffCreate,
          response: { 201: S.StaffEntry },
        },
      },
      async (request, reply) => {
        await operatorFor(request, request.params.operatorId);
        const entry = await reference.addStaff(
          request.params.operatorId,
          request.body.iin,
          request.body.actorId ?? null,
          request.body.label ?? null,
          byOf(request),
        );
        reply
          .status(201)
          .header('location', `/v1/monitor/operators/${entry.operatorId}/staff/${entry.id}`);
        return entry;
      },
    );
    app.post(
      '/v1/monitor/operators/:operatorId/staff/batch',
      {
        config: { allow: ['system', 'regulator'] },
        bodyLimit: STAFF_BATCH_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Register up to 1,000 employees at once, all or none',
          description:
            'An operator the registry does not hold is 404 monitor.operator_not_found (field operatorId) before any entry is checked. Each entry under the rules of the single registration. A refused batch stores nothing and answers 422 monitor.batch_refused, whose errors[] names every failing entry by index, field and code (core.invalid_iin, request.validation, monitor.reference_exists with the id of the live entry it collides with). No Idempotency-Key: a batch sent again after a lost answer is refused whole, each entry naming the entry it made.',
          params: S.OperatorParams,
          body: S.StaffBatch,
          response: { 201: S.StaffList, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        await operatorFor(request, request.params.operatorId);
        const items = await reference.addStaffBatch(
          request.params.operatorId,
          request.body.entries.map((entry) => ({
            iin: entry.iin,
            actorId: entry.actorId ?? null,
            label: entry.label ?? null,
          })),
          byOf(request),
        );
        reply.status(201);
        return { items };
      },
    );
    app.delete(
      '/v1/monitor/operators/:operatorId/staff/:entryId',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary: 'Remove an employee from the staff register (they left)',
          params: S.StaffParams,
          response: S.Removed,
        },
      },
      async (request, reply) => {
        requireOperator(request, request.params.operatorId);
        await reference.removeStaff(
          request.params.operatorId,
          request.params.entryId,
          byOf(request),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/monitor/systems/:systemId/destinations',
      {
        config: { allow: ['system', ...READERS] },
        schema: {
          tags,
          summary: 'The countries a system declares it transfers personal data to',
          params: S.SystemParams,
          response: { 200: S.DestinationList },
        },
      },
      async (request) => {
        await systemFor(request, request.params.systemId);
        return { items: [...(await reference.listDestinations(request.params.systemId))] };
      },
    );
    app.post(
      '/v1/monitor/systems/:systemId/destinations',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary:
            'Declare a destination country (a transfer elsewhere, or to a non-adequate country, raises an alert)',
          params: S.SystemParams,
          body: S.DestinationCreate,
          response: { 201: S.DestinationEntry },
        },
      },
      async (request, reply) => {
        const system = await systemFor(request, request.params.systemId);
        const entry = await reference.addDestination(
          system,
          request.body.country,
          request.body.note ?? null,
          byOf(request),
        );
        reply
          .status(201)
          .header('location', `/v1/monitor/systems/${system.id}/destinations/${entry.country}`);
        return entry;
      },
    );
    app.delete(
      '/v1/monitor/systems/:systemId/destinations/:country',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary: 'Withdraw a declared destination',
          params: S.DestinationParams,
          response: S.Removed,
        },
      },
      async (request, reply) => {
        await systemFor(request, request.params.systemId);
        await reference.removeDestination(
          request.params.systemId,
          request.params.country,
          byOf(request),
        );
        return reply.status(204).send(null);
      },
    );
  };
}
