import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { RegistryModule } from './registry.module.js';
import * as S from './registry.schema.js';
import { actorOf, assertVisible, STAFF } from './route-helpers.js';
import { systemNotFound } from './systems.routes.js';

const tags = ['registry'];
const SystemParams = S.SystemParams;
const KeyParams = Type.Object({
  systemId: Type.String({ maxLength: 40 }),
  keyId: Type.String({ maxLength: 40 }),
});
type KeyParamsT = Static<typeof KeyParams>;
const IssuedKey = Type.Object({
  credential: S.Credential,
  apiKey: Type.String({
    description: 'The full key. Store it now: it is not kept and cannot be shown again.',
  }),
});

export function credentialRoutes(
  module: Pick<RegistryModule, 'service' | 'credentials'>,
): FastifyPluginAsync {
  const { service, credentials } = module;

  async function visibleSystemId(request: FastifyRequest, systemId: string): Promise<string> {
    const system = await service.getSystem(systemId);
    if (!system) throw systemNotFound(systemId);
    assertVisible(request, system.operatorId, systemNotFound(systemId));
    return system.id;
  }

  /** A system may manage its own keys (rotate, revoke a leaked one); no other operator-side caller may. */
  function assertSelfOrStaff(request: FastifyRequest, systemId: string): void {
    const principal = principalOf(request);
    if (principal.kind === 'staff') return;
    if (principal.kind !== 'system' || principal.systemId !== systemId)
      throw systemNotFound(systemId);
  }

  return async (app) => {
    app.post(
      '/v1/registry/systems/:systemId/keys',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Issue an API key (shown once)',
          params: SystemParams,
          body: Type.Object(
            { label: Type.String({ minLength: 1, maxLength: 200 }) },
            { additionalProperties: false },
          ),
          response: { 201: IssuedKey },
        },
      },
      async (request, reply) => {
        const { systemId } = request.params as Static<typeof SystemParams>;
        const { label } = request.body as { label: string };
        reply.status(201).header('cache-control', 'no-store');
        return credentials.issueKey(systemId, label, actorOf(request));
      },
    );

    app.get(
      '/v1/registry/systems/:systemId/keys',
      {
        config: { allow: [...STAFF, 'operator'] },
        schema: {
          tags,
          summary: 'API keys of a system (never the secrets)',
          params: SystemParams,
          response: { 200: Type.Object({ items: Type.Array(S.Credential) }) },
        },
      },
      async (request) => {
        const systemId = await visibleSystemId(
          request,
          (request.params as Static<typeof SystemParams>).systemId,
        );
        return { items: await credentials.listKeys(systemId) };
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/keys/:keyId/rotate',
      {
        config: { allow: ['regulator', 'system'] },
        schema: {
          tags,
          summary: 'Rotate a key: issue its successor; the old key keeps working for overlapHours',
          params: KeyParams,
          body: Type.Object(
            { overlapHours: Type.Integer({ minimum: 0, maximum: 720, default: 24 }) },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              credential: S.Credential,
              apiKey: Type.String(),
              previous: S.Credential,
            }),
          },
        },
      },
      async (request, reply) => {
        const { systemId, keyId } = request.params as KeyParamsT;
        assertSelfOrStaff(request, systemId);
        const { overlapHours } = request.body as { overlapHours: number };
        reply.status(201).header('cache-control', 'no-store');
        return credentials.rotateKey(systemId, keyId, overlapHours, actorOf(request));
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/keys/:keyId/revoke',
      {
        config: { allow: ['regulator', 'soc', 'system'] },
        schema: {
          tags,
          summary: 'Revoke a key at once',
          params: KeyParams,
          body: S.Reason,
          response: { 200: S.Credential },
        },
      },
      async (request) => {
        const { systemId, keyId } = request.params as KeyParamsT;
        assertSelfOrStaff(request, systemId);
        const { reason } = request.body as Static<typeof S.Reason>;
        return credentials.revokeKey(systemId, keyId, reason, actorOf(request));
      },
    );

    app.get(
      '/v1/registry/me',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary: 'The calling system: its record, its operator and whether it may act now',
          response: {
            200: Type.Object({
              system: S.InformationSystem,
              operator: S.Operator,
              standing: S.Standing,
              credentialId: Type.String(),
            }),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        if (principal.kind !== 'system')
          throw new DomainError('auth.forbidden', 'Only an information system has a "me".');
        const system = await service.getSystem(principal.systemId);
        const operator = await service.getOperator(principal.operatorId);
        if (!system || !operator) throw systemNotFound(principal.systemId);
        return {
          system,
          operator,
          standing: await service.standingOf(system.id),
          credentialId: principal.credentialId,
        };
      },
    );

    app.post(
      '/v1/registry/staff-tokens',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Issue a staff token (for deployments without OIDC, and for automation)',
          body: Type.Object(
            {
              role: Type.Union([
                Type.Literal('regulator'),
                Type.Literal('soc'),
                Type.Literal('auditor'),
              ]),
              name: Type.String({ minLength: 1, maxLength: 200 }),
              expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ id: Type.String(), token: Type.String() }) },
        },
      },
      async (request, reply) => {
        const body = request.body as {
          role: 'regulator' | 'soc' | 'auditor';
          name: string;
          expiresAt?: string;
        };
        reply.status(201).header('cache-control', 'no-store');
        const expiresAt = body.expiresAt ? new Date(body.expiresAt).toISOString() : null;
        return credentials.issueStaffToken(body.role, body.name, actorOf(request), expiresAt);
      },
    );

    app.post(
      '/v1/registry/staff-tokens/:tokenId/revoke',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Revoke a staff token',
          params: Type.Object({ tokenId: S.Id }),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await credentials.revokeStaffToken(
          (request.params as { tokenId: string }).tokenId,
          actorOf(request),
        );
        return reply.status(204).send();
      },
    );
  };
}
