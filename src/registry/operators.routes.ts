import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import * as S from './registry.schema.js';
import type { RegistryReads, RegistryService } from './registry.service.js';
import {
  actorOf,
  assertVisible,
  expectedVersion,
  setEtag,
  STAFF,
  changeOf,
} from './route-helpers.js';

const tags = ['registry'];
const OperatorParams = S.OperatorParams;
const OperatorChanged = Type.Object({ operator: S.Operator, change: S.Change });
const OperatorQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    sector: Type.Optional(S.Sector),
    status: Type.Optional(S.RecordStatus),
    ...S.Paging,
  },
  { additionalProperties: false },
);

const notFound = (id: string) =>
  new DomainError('registry.operator_not_found', `There is no operator ${id}.`);

export interface OperatorRouteDeps {
  readonly operators: Pick<
    RegistryService,
    'createOperator' | 'getOperator' | 'updateOperator' | 'setOperatorStatus'
  >;
  readonly reads: Pick<RegistryReads, 'searchOperators' | 'historyOf'>;
}

export function operatorRoutes(deps: OperatorRouteDeps): FastifyPluginAsyncTypebox {
  const { operators: service, reads } = deps;
  return async (app) => {
    app.post(
      '/v1/registry/operators',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Register an operator',
          body: S.OperatorCreate,
          response: { 201: OperatorChanged },
        },
      },
      async (request, reply) => {
        const result = await service.createOperator(request.body, actorOf(request));
        setEtag(reply, result.record.version);
        reply.status(201).header('location', `/v1/registry/operators/${result.record.id}`);
        return {
          operator: result.record,
          change: changeOf(result),
        };
      },
    );

    app.get(
      '/v1/registry/operators',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary: 'Search and page operators',
          querystring: OperatorQuery,
          response: { 200: S.pageOf(S.Operator) },
        },
      },
      async (request) => {
        return reads.searchOperators(request.query);
      },
    );

    app.get(
      '/v1/registry/operators/:operatorId',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'Read an operator (an operator may read its own)',
          params: OperatorParams,
          response: { 200: S.Operator },
        },
      },
      async (request, reply) => {
        const { operatorId } = request.params;
        assertVisible(request, operatorId, notFound(operatorId));
        const operator = await service.getOperator(operatorId);
        if (!operator) throw notFound(operatorId);
        setEtag(reply, operator.version);
        return operator;
      },
    );

    app.patch(
      '/v1/registry/operators/:operatorId',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Change an operator (If-Match required)',
          params: OperatorParams,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
          body: S.OperatorPatch,
          response: { 200: OperatorChanged },
        },
      },
      async (request, reply) => {
        const { operatorId } = request.params;
        const result = await service.updateOperator(
          operatorId,
          request.body,
          expectedVersion(request),
          actorOf(request),
        );
        setEtag(reply, result.record.version);
        return {
          operator: result.record,
          change: changeOf(result),
        };
      },
    );

    for (const [action, status] of [
      ['suspend', 'suspended'],
      ['reinstate', 'active'],
      ['revoke', 'revoked'],
    ] as const) {
      app.post(
        `/v1/registry/operators/:operatorId/${action}`,
        {
          config: { allow: ['regulator'] },
          schema: {
            tags,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} an operator, with a reason`,
            params: OperatorParams,
            body: S.Reason,
            response: { 200: OperatorChanged },
          },
        },
        async (request, reply) => {
          const { operatorId } = request.params;
          const { reason } = request.body;
          const result = await service.setOperatorStatus(
            operatorId,
            status,
            reason,
            actorOf(request),
          );
          setEtag(reply, result.record.version);
          return {
            operator: result.record,
            change: changeOf(result),
          };
        },
      );
    }

    app.get(
      '/v1/registry/operators/:operatorId/history',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary: 'Every change to an operator, with actor, reason and ledger index',
          params: OperatorParams,
          querystring: Type.Object(S.Paging, { additionalProperties: false }),
          response: { 200: S.pageOf(S.HistoryEntry) },
        },
      },
      async (request) => {
        const { operatorId } = request.params;
        if (!(await service.getOperator(operatorId))) throw notFound(operatorId);
        return reads.historyOf(operatorId, request.query);
      },
    );
  };
}
