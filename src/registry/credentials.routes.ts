import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { CredentialService } from './credentials.service.js';
import * as S from './registry.schema.js';
import type { RegistryService } from './registry.service.js';
import { actorOf, assertVisible, STAFF } from './route-helpers.js';
import { systemNotFound } from './systems.routes.js';

const tags = ['registry'];
const SystemParams = S.SystemParams;
const KeyParams = Type.Object({
  systemId: Type.String({ maxLength: 40 }),
  keyId: Type.String({ maxLength: 40 }),
});
const IssuedKey = Type.Object({
  credential: S.Credential,
  apiKey: Type.String({
    description: 'The full key. Store it now: it is not kept and cannot be shown again.',
  }),
});

export interface CredentialRouteDeps {
  readonly systems: Pick<RegistryService, 'getSystem' | 'standingOf'>;
  readonly operators: Pick<RegistryService, 'getOperator'>;
  readonly credentials: Pick<
    CredentialService,
    | 'issueKey'
    | 'listKeys'
    | 'rotateKey'
    | 'revokeKey'
    | 'revokeAllKeys'
    | 'issueStaffToken'
    | 'revokeStaffToken'
  >;
}

export function credentialRoutes(deps: CredentialRouteDeps): FastifyPluginAsyncTypebox {
  const { systems, operators, credentials } = deps;

  async function visibleSystemId(request: FastifyRequest, systemId: string): Promise<string> {
    const system = await systems.getSystem(systemId);
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
        const { systemId } = request.params;
        const { label } = request.body;
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
        const systemId = await visibleSystemId(request, request.params.systemId);
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
            {
              overlapHours: Type.Integer({
                minimum: 0,
                maximum: 720,
                default: 24,
                description:
                  "Hours the old key keeps working; at most the deployment's bound (168 by default)",
              }),
            },
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
        const { systemId, keyId } = request.params;
        assertSelfOrStaff(request, systemId);
        // A system rotates only the key it is calling with: a leaked sibling key cannot be used
        // to mint a fresh key for the thief, nor a stolen key to rotate the owner's away.
        const principal = principalOf(request);
        if (principal.kind === 'system' && principal.credentialId !== keyId)
          throw new DomainError(
            'auth.forbidden',
            'A system may rotate only the API key it is calling with.',
          );
        const { overlapHours } = request.body;
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
          summary: 'Revoke a key at once, with every successor it minted by rotation',
          params: KeyParams,
          body: S.Reason,
          response: { 200: S.Credential },
        },
      },
      async (request) => {
        const { systemId, keyId } = request.params;
        assertSelfOrStaff(request, systemId);
        const { reason } = request.body;
        return credentials.revokeKey(systemId, keyId, reason, actorOf(request));
      },
    );

    app.post(
      '/v1/registry/systems/:systemId/keys/revoke-all',
      {
        config: { allow: ['regulator', 'soc'] },
        schema: {
          tags,
          summary: 'Revoke every key of a system at once (incident response)',
          params: SystemParams,
          body: S.Reason,
          response: {
            200: Type.Object({
              revoked: Type.Array(S.Credential),
              change: Type.Object({
                id: Type.Union([Type.String(), Type.Null()], {
                  description: 'History entry of the first revocation; null if none was live',
                }),
                ledgerIndex: Type.Union([Type.Integer(), Type.Null()]),
              }),
            }),
          },
        },
      },
      async (request) => {
        const { systemId } = request.params;
        if (!(await systems.getSystem(systemId))) throw systemNotFound(systemId);
        return credentials.revokeAllKeys(systemId, request.body.reason, actorOf(request));
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
        const system = await systems.getSystem(principal.systemId);
        const operator = await operators.getOperator(principal.operatorId);
        if (!system || !operator) throw systemNotFound(principal.systemId);
        return {
          system,
          operator,
          standing: await systems.standingOf(system.id),
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
        const { body } = request;
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
        await credentials.revokeStaffToken(request.params.tokenId, actorOf(request));
        return reply.status(204).send(null);
      },
    );
  };
}
