/**
 * Access routes. Systems ask (`/v1/access-checks`, one or a batch, retry-safe with
 * `Idempotency-Key`) and read their own checks with the ledger proof; staff read any; citizens see
 * their own accesses (`/v1/me/accesses`) with the committed record, salt and proof; the regulator
 * opens and closes experimental regimes and edits the adequacy list.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { AccessService, Caller } from './access.service.js';
import * as S from './access.schema.js';

const tags = ['access'];
const STAFF = ['regulator', 'soc', 'auditor'] as const;
/** A full batch of checks is about 400 KB; the shell's default limit is smaller. */
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

function callerOf(request: FastifyRequest): Caller {
  const principal = principalOf(request);
  if (principal.kind !== 'system')
    throw new DomainError('auth.forbidden', 'Only an information system (its API key) may ask.');
  return { systemId: principal.systemId, operatorId: principal.operatorId };
}

function citizenOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'citizen')
    throw new DomainError('auth.forbidden', 'This route is for citizens.');
  return principal.pseudonym;
}

function staffName(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'staff')
    throw new DomainError('auth.forbidden', 'This route is for the regulator.');
  return `staff:${principal.subject}`;
}

export function accessRoutes(service: AccessService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/access-checks',
      {
        // A suspended system still asks: it gets a recorded deny naming why, not a 401.
        config: { allow: ['system'], allowNotInStanding: true },
        schema: {
          tags,
          summary: 'Ask before reading, searching, exporting or transferring personal data',
          headers: S.IdempotencyHeaders,
          body: S.CheckRequest,
          response: { 200: S.CheckAnswer },
        },
      },
      async (request) =>
        service.check(callerOf(request), request.body, request.headers['idempotency-key']),
    );

    app.post(
      '/v1/access-checks/batch',
      {
        config: { allow: ['system'], allowNotInStanding: true },
        bodyLimit: BATCH_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Up to 1,000 checks for a bulk job; one answer each, in order',
          headers: S.IdempotencyHeaders,
          body: S.BatchRequest,
          response: { 200: S.BatchAnswer },
        },
      },
      async (request) => ({
        results: await service.batch(
          callerOf(request),
          request.body.checks,
          request.headers['idempotency-key'],
        ),
      }),
    );

    app.get(
      '/v1/access-checks/:checkId',
      {
        config: { allow: ['system', ...STAFF] },
        schema: {
          tags,
          summary: 'A check with its inclusion proof to the current signed checkpoint',
          params: S.CheckParams,
          response: { 200: S.StoredCheck },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const own = principal.kind === 'system' ? principal.systemId : undefined;
        const { check, ledgerIndex, receipt } = await service.getCheck(request.params.checkId, own);
        return { ...check, ledgerIndex, receipt };
      },
    );

    app.get(
      '/v1/me/accesses',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Who accessed my data, when, why and under which basis, with ledger proofs',
          querystring: S.CitizenQuery,
          response: { 200: S.CitizenPage },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        return service.accessesOf(citizenOf(request), filter, cursor, limit);
      },
    );

    app.get(
      '/v1/access-regimes',
      {
        config: { allow: [...STAFF] },
        schema: {
          tags,
          summary: 'Experimental legal regimes, scheduled, in force and ended',
          response: { 200: S.RegimeList },
        },
      },
      async () => ({ regimes: await service.listRegimes() }),
    );

    app.post(
      '/v1/access-regimes',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Open an experimental legal regime (ends by itself at its end)',
          body: S.RegimeCreate,
          response: { 201: S.RegimeChanged },
        },
      },
      async (request, reply) => {
        const result = await service.openRegime(request.body, staffName(request));
        reply.status(201).header('location', `/v1/access-regimes/${result.regime.id}`);
        return result;
      },
    );

    app.post(
      '/v1/access-regimes/:regimeId/close',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Close a regime before its end',
          params: S.RegimeParams,
          response: { 200: S.RegimeChanged },
        },
      },
      async (request) => service.closeRegime(request.params.regimeId, staffName(request)),
    );

    app.get(
      '/v1/access-adequacy',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'Countries with adequate protection (transfers there need no consent)',
          response: { 200: S.AdequacyList },
        },
      },
      async () => service.adequacy(),
    );

    app.put(
      '/v1/access-adequacy/:country',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Add a country to the adequacy list or remove it',
          params: S.AdequacyParams,
          body: S.AdequacyBody,
          response: { 200: S.AdequacyChanged },
        },
      },
      async (request) =>
        service.setAdequacy(request.params.country, request.body.adequate, staffName(request)),
    );
  };
}
