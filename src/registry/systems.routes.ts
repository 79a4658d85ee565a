import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { InformationSystem } from './registry.model.js';
import * as S from './registry.schema.js';
import type { RegistryReads, RegistryService } from './registry.service.js';
import {
  actorOf,
  assertVisible,
  changeOf,
  callerOperatorId,
  expectedVersion,
  setEtag,
  STAFF,
} from './route-helpers.js';

const tags = ['registry'];
const SystemParams = S.SystemParams;
const CertificateParams = Type.Object({
  systemId: Type.String({ maxLength: 40 }),
  certificateId: Type.String({ maxLength: 40 }),
});
const SystemChanged = Type.Object({ system: S.InformationSystem, change: S.Change });
const CertificateChanged = Type.Object({ certificate: S.Certificate, change: S.Change });
const SystemQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    operatorId: Type.Optional(Type.String({ maxLength: 40 })),
    kind: Type.Optional(S.SystemKind),
    status: Type.Optional(S.RecordStatus),
    trustStatus: Type.Optional(S.TrustStatus),
    ...S.Paging,
  },
  { additionalProperties: false },
);

export const systemNotFound = (id: string) =>
  new DomainError('registry.system_not_found', `There is no information system ${id}.`);

export interface SystemRouteDeps {
  readonly systems: Pick<
    RegistryService,
    | 'createSystem'
    | 'getSystem'
    | 'updateSystem'
    | 'setSystemStatus'
    | 'standingOf'
    | 'recordCertificate'
    | 'certificatesOf'
    | 'withdrawCertificate'
  >;
  readonly reads: Pick<RegistryReads, 'searchSystems' | 'historyOf'>;
}

export function systemRoutes(deps: SystemRouteDeps): FastifyPluginAsyncTypebox {
  const { systems: service, reads } = deps;

  /** Loads a system the caller may see: staff see all, an operator only its own (else 404). */
  async function visibleSystem(
    request: FastifyRequest,
    systemId: string,
  ): Promise<InformationSystem> {
    const system = await service.getSystem(systemId);
    if (!system) throw systemNotFound(systemId);
    assertVisible(request, system.operatorId, systemNotFound(systemId));
    return system;
  }

  return async (app) => {
    app.post(
      '/v1/registry/systems',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Register an information system',
          body: S.SystemCreate,
          response: { 201: SystemChanged },
        },
      },
      async (request, reply) => {
        const result = await service.createSystem(request.body, actorOf(request));
        setEtag(reply, result.record.version);
        reply.status(201).header('location', `/v1/registry/systems/${result.record.id}`);
        return {
          system: result.record,
          change: changeOf(result),
        };
      },
    );

    app.get(
      '/v1/registry/systems',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'Search and page systems (an operator sees only its own)',
          querystring: SystemQuery,
          response: { 200: S.pageOf(S.InformationSystem) },
        },
      },
      async (request) => {
        const { query } = request;
        const own = callerOperatorId(principalOf(request));
        if (own !== undefined && query.operatorId !== undefined && query.operatorId !== own)
          return { items: [] };
        return reads.searchSystems(own === undefined ? query : { ...query, operatorId: own });
      },
    );

    app.get(
      '/v1/registry/systems/:systemId',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'Read a system',
          params: SystemParams,
          response: { 200: S.InformationSystem },
        },
      },
      async (request, reply) => {
        const system = await visibleSystem(request, request.params.systemId);
        setEtag(reply, system.version);
        return system;
      },
    );

    app.patch(
      '/v1/registry/systems/:systemId',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Change a system (If-Match required)',
          params: SystemParams,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
          body: S.SystemPatch,
          response: { 200: SystemChanged },
        },
      },
      async (request, reply) => {
        const { systemId } = request.params;
        const result = await service.updateSystem(
          systemId,
          request.body,
          expectedVersion(request),
          actorOf(request),
        );
        setEtag(reply, result.record.version);
        return {
          system: result.record,
          change: changeOf(result),
        };
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/suspend',
      {
        // The monitoring centre may suspend a system as an incident response; only the regulator
        // lifts a suspension or revokes.
        config: { allow: ['regulator', 'soc'] },
        schema: {
          tags,
          summary: 'Suspend a system (its keys stop working at once)',
          params: SystemParams,
          body: S.Suspension,
          response: { 200: SystemChanged },
        },
      },
      async (request, reply) => {
        const { systemId } = request.params;
        const { reason, until } = request.body;
        const untilIso = until ? new Date(until).toISOString() : null;
        const result = await service.setSystemStatus(
          systemId,
          'suspended',
          reason,
          untilIso,
          actorOf(request),
        );
        setEtag(reply, result.record.version);
        return {
          system: result.record,
          change: changeOf(result),
        };
      },
    );

    for (const [action, status] of [
      ['reinstate', 'active'],
      ['revoke', 'revoked'],
    ] as const) {
      app.post(
        `/v1/registry/systems/:systemId/${action}`,
        {
          config: { allow: ['regulator'] },
          schema: {
            tags,
            summary: `${action === 'revoke' ? 'Revoke' : 'Reinstate'} a system, with a reason`,
            params: SystemParams,
            body: S.Reason,
            response: { 200: SystemChanged },
          },
        },
        async (request, reply) => {
          const { systemId } = request.params;
          const { reason } = request.body;
          const result = await service.setSystemStatus(
            systemId,
            status,
            reason,
            null,
            actorOf(request),
          );
          setEtag(reply, result.record.version);
          return {
            system: result.record,
            change: changeOf(result),
          };
        },
      );
    }

    app.get(
      '/v1/registry/systems/:systemId/standing',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'May this system act now, and if not, why',
          params: SystemParams,
          response: { 200: S.Standing },
        },
      },
      async (request) => {
        const system = await visibleSystem(request, request.params.systemId);
        return service.standingOf(system.id);
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/certificates',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Record a certification',
          params: SystemParams,
          body: S.CertificateCreate,
          response: { 201: CertificateChanged },
        },
      },
      async (request, reply) => {
        const { systemId } = request.params;
        const result = await service.recordCertificate(systemId, request.body, actorOf(request));
        reply.status(201);
        return {
          certificate: result.record,
          change: changeOf(result),
        };
      },
    );

    app.get(
      '/v1/registry/systems/:systemId/certificates',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'Certificates of a system, current and past',
          params: SystemParams,
          response: { 200: Type.Object({ items: Type.Array(S.Certificate) }) },
        },
      },
      async (request) => {
        const system = await visibleSystem(request, request.params.systemId);
        return { items: await service.certificatesOf(system.id) };
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/certificates/:certificateId/withdraw',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Withdraw a certificate, with a reason',
          params: CertificateParams,
          body: S.Reason,
          response: { 200: CertificateChanged },
        },
      },
      async (request) => {
        const { systemId, certificateId } = request.params;
        const { reason } = request.body;
        const result = await service.withdrawCertificate(
          systemId,
          certificateId,
          reason,
          actorOf(request),
        );
        return {
          certificate: result.record,
          change: changeOf(result),
        };
      },
    );

    app.get(
      '/v1/registry/systems/:systemId/history',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary: 'Every change to a system, its certificates and keys',
          params: SystemParams,
          querystring: Type.Object(S.Paging, { additionalProperties: false }),
          response: { 200: S.pageOf(S.HistoryEntry) },
        },
      },
      async (request) => {
        const { systemId } = request.params;
        if (!(await service.getSystem(systemId))) throw systemNotFound(systemId);
        return reads.historyOf(systemId, request.query);
      },
    );
  };
}
