/**
 * Consent routes. Systems ask and poll (`/v1/consent-requests`), manage their webhook secret and
 * see deliveries; the regulator records guardianships; systems or the regulator declare
 * withdrawal grounds; citizens (`/v1/me/…`) answer, withdraw, pause, resume and download
 * receipts, for themselves or for a child in their care. The subject comes only from the
 * citizen principal, never from the request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { principalOf } from '../http/access.js';
import type { ConsentActor } from './consent.model.js';
import type { ConsentModule } from './consent.module.js';
import * as S from './consent.schema.js';
import type { CitizenAction, ConsentWithEvents, SubjectsConsent } from './consent.service.js';
import { receiptDocument } from './receipts.js';
import { deliveriesOf, rotateWebhookSecret } from './webhooks.js';

const tags = ['consent'];

function systemOf(request: FastifyRequest): { systemId: string } {
  const principal = principalOf(request);
  if (principal.kind !== 'system')
    throw new DomainError(
      'auth.forbidden',
      'Only an information system (its API key) may do this.',
    );
  return { systemId: principal.systemId };
}

function citizenOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== 'citizen')
    throw new DomainError('auth.forbidden', 'This route is for citizens.');
  return principal.pseudonym;
}

function staffName(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal.kind === 'staff' ? `staff:${principal.subject}` : `system:${principal.kind}`;
}

const forCitizen = ({
  ...consent
}: ConsentWithEvents & Pick<SubjectsConsent, 'withdrawalGround'>) => ({
  id: consent.id,
  subject: consent.subject,
  controller: consent.controller,
  systems: [...consent.systems],
  purposes: [...consent.purposes],
  categories: [...consent.categories],
  legalBasis: consent.legalBasis,
  recipients: consent.recipients.map((recipient) => ({ ...recipient })),
  processingCountries: [...consent.processingCountries],
  storageCountries: [...consent.storageCountries],
  retention: consent.retention,
  validFrom: consent.validFrom,
  validUntil: consent.validUntil,
  requestExpiresAt: consent.requestExpiresAt,
  collectionMethod: consent.collectionMethod,
  language: consent.language,
  policyUrl: consent.policyUrl,
  withdrawalMethod: consent.withdrawalMethod,
  message: consent.message,
  state: consent.state,
  createdAt: consent.createdAt,
  updatedAt: consent.updatedAt,
  version: consent.version,
  events: consent.events.map((event) => ({ ...event })),
  ...(consent.withdrawalGround ? { withdrawalGround: consent.withdrawalGround } : {}),
});

export function consentRoutes(module: ConsentModule): FastifyPluginAsyncTypebox {
  const { service, guardians, db } = module;

  async function systemView(systemId: string, id: string) {
    const consent = await service.forSystem(systemId, id);
    const { subject: _subject, ...rest } = forCitizen(consent);
    return {
      ...rest,
      callbackUrl: consent.callbackUrl,
      deliveries: await deliveriesOf(db, systemId, id),
    };
  }

  /** The subject acted on and the actor: the citizen themselves, or a guardian for `childId`. */
  async function actingFor(request: FastifyRequest, childId?: string) {
    const citizen = citizenOf(request);
    if (childId === undefined) {
      const actor: ConsentActor = { kind: 'subject', pseudonym: citizen };
      return { subject: citizen, actor };
    }
    const guardianship = await guardians.guardianshipFor(citizen, childId);
    const actor: ConsentActor = {
      kind: 'guardian',
      pseudonym: citizen,
      guardianshipId: guardianship.id,
    };
    return { subject: guardianship.child, actor };
  }

  async function receiptFor(subject: string, id: string) {
    const consent = await service.getForSubject(subject, id);
    if (consent.state === 'requested' || consent.state === 'refused')
      throw new DomainError(
        'consent.invalid_transition',
        'A receipt exists once consent has been given.',
        {
          state: consent.state,
        },
      );
    const systems = (
      await Promise.all(consent.systems.map((s) => module.registry.declaredOf(s)))
    ).filter((s) => s !== null);
    const document = receiptDocument(consent, systems, module.taxonomy, new Date().toISOString());
    return { receipt: await module.receipts.sign(document), document };
  }

  /** Registers the citizen routes under `prefix` (`/v1/me` or `/v1/me/children/:childId`). */
  function citizenRoutes(
    app: Parameters<FastifyPluginAsyncTypebox>[0],
    prefix: string,
    params: typeof S.IdParams | typeof S.ChildConsentParams,
  ) {
    const listParams = prefix.includes(':childId') ? { params: S.ChildParams } : {};
    const who = prefix.includes(':childId') ? ' for a child in your care' : '';
    // The guardian's routes carry the child in the path; the citizen's own routes do not.
    const childIdOf = (request: { readonly params: unknown }): string | undefined => {
      const path = request.params;
      return typeof path === 'object' && path !== null && 'childId' in path
        ? String(path.childId)
        : undefined;
    };

    app.get(
      `${prefix}/consent-requests`,
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: `Pending consent requests${who}`,
          ...listParams,
          response: { 200: Type.Object({ requests: Type.Array(S.Consent) }) },
        },
      },
      async (request) => {
        const { subject } = await actingFor(request, childIdOf(request));
        return { requests: (await service.listForSubject(subject, 'requests')).map(forCitizen) };
      },
    );
    app.get(
      `${prefix}/consents`,
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: `Consents, active and past, with their events${who}`,
          ...listParams,
          response: { 200: Type.Object({ consents: Type.Array(S.Consent) }) },
        },
      },
      async (request) => {
        const { subject } = await actingFor(request, childIdOf(request));
        return { consents: (await service.listForSubject(subject, 'consents')).map(forCitizen) };
      },
    );
    app.get(
      `${prefix}/consents/:id`,
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: `One consent with its events${who}`,
          params,
          response: { 200: S.Consent },
        },
      },
      async (request) => {
        const { subject } = await actingFor(request, childIdOf(request));
        return forCitizen(await service.getForSubject(subject, request.params.id));
      },
    );
    app.get(
      `${prefix}/consents/:id/receipt`,
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: `The signed consent receipt (JWS, EdDSA; keys at /.well-known/jwks.json)${who}`,
          params,
          response: {
            200: Type.Object({
              receipt: Type.String(),
              document: Type.Object({}, { additionalProperties: true }),
            }),
          },
        },
      },
      async (request) => {
        const { subject } = await actingFor(request, childIdOf(request));
        return receiptFor(subject, request.params.id);
      },
    );
    const actions: readonly [string, string, CitizenAction, string][] = [
      ['consent-requests', 'approve', 'approve', 'Give the consent asked for'],
      ['consent-requests', 'refuse', 'refuse', 'Refuse the consent request'],
      [
        'consents',
        'withdraw',
        'withdraw',
        'Withdraw the consent (accepted, or refused on grounds declared in advance)',
      ],
      ['consents', 'pause', 'pause', 'Pause the consent'],
      ['consents', 'resume', 'resume', 'Resume a paused consent'],
    ];
    for (const [collection, verb, action, summary] of actions)
      app.post(
        `${prefix}/${collection}/:id/${verb}`,
        {
          config: { allow: ['citizen'] },
          schema: { tags, summary: `${summary}${who}`, params, response: { 200: S.ActionOutcome } },
        },
        async (request) => {
          const { subject, actor } = await actingFor(request, childIdOf(request));
          const result = await service.act(subject, request.params.id, action, actor);
          return { ...result, consent: forCitizen(result.consent) };
        },
      );
  }

  return async (app) => {
    app.post(
      '/v1/consent-requests',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary: 'Ask a subject for consent (instead of asking for their IIN in a messenger)',
          body: S.ConsentRequestCreate,
          response: { 201: Type.Object({ request: S.ConsentRequestView, event: S.EventReceipt }) },
        },
      },
      async (request, reply) => {
        const { systemId } = systemOf(request);
        const result = await service.request(systemId, request.body);
        reply.status(201).header('location', `/v1/consent-requests/${result.consent.id}`);
        return { request: await systemView(systemId, result.consent.id), event: result.event };
      },
    );
    app.get(
      '/v1/consent-requests/:id',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary: 'Poll a consent request (its state, events and webhook deliveries)',
          params: S.IdParams,
          response: { 200: S.ConsentRequestView },
        },
      },
      async (request) => systemView(systemOf(request).systemId, request.params.id),
    );
    app.post(
      '/v1/consent-webhooks/secret',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary:
            'Create or rotate the webhook signing secret (shown once; the previous one keeps signing for 24 h)',
          response: {
            201: Type.Object({
              secret: Type.String(),
              previousValidUntil: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (request, reply) => {
        const { systemId } = systemOf(request);
        reply.status(201);
        return rotateWebhookSecret(
          db,
          module.fields,
          systemId,
          new Date(module.clock()).toISOString(),
        );
      },
    );
    app.get(
      '/v1/consent-webhooks/deliveries',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary: "The system's webhook deliveries, newest first",
          response: { 200: Type.Object({ deliveries: Type.Array(S.Delivery) }) },
        },
      },
      async (request) => ({ deliveries: await deliveriesOf(db, systemOf(request).systemId) }),
    );
    app.post(
      '/v1/withdrawal-grounds',
      {
        config: { allow: ['system', 'regulator'] },
        schema: {
          tags,
          summary:
            'Declare in advance the grounds on which withdrawal for a purpose is refused (Law 94-V Art. 8)',
          body: S.GroundCreate,
          response: { 201: Type.Object({ ground: S.Ground, change: S.EventReceipt }) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const principal = principalOf(request);
        let systemId: string;
        if (principal.kind === 'system') {
          if (body.systemId !== undefined && body.systemId !== principal.systemId)
            throw new DomainError(
              'registry.system_not_found',
              `There is no information system ${body.systemId}.`,
            );
          systemId = principal.systemId;
        } else {
          if (body.systemId === undefined)
            throw new DomainError(
              'request.validation',
              'systemId: required when the regulator declares.',
              { field: 'systemId' },
            );
          systemId = body.systemId;
        }
        const by =
          principal.kind === 'system' ? `system:${principal.systemId}` : staffName(request);
        const { ledgerIndex, ...ground } = await guardians.declareGround(systemId, body, by);
        reply.status(201);
        return { ground, change: { id: ground.id, ledgerIndex } };
      },
    );
    app.get(
      '/v1/withdrawal-grounds',
      {
        config: { allow: ['system'] },
        schema: {
          tags,
          summary: "The calling system's declared withdrawal grounds",
          response: { 200: Type.Object({ grounds: Type.Array(S.Ground) }) },
        },
      },
      async (request) => ({ grounds: await guardians.groundsOf(systemOf(request).systemId) }),
    );
    app.post(
      '/v1/guardianships',
      {
        config: { allow: ['regulator'] },
        schema: {
          tags,
          summary: 'Record that an adult is the guardian of a minor',
          body: S.GuardianshipCreate,
          response: { 201: Type.Object({ guardianship: S.Child, change: S.EventReceipt }) },
        },
      },
      async (request, reply) => {
        const g = await guardians.record(request.body, staffName(request));
        reply.status(201);
        return {
          guardianship: {
            childId: g.id,
            pseudonym: g.child,
            birthDate: g.childBirthDate,
            comesOfAgeOn: g.comesOfAgeOn,
            relation: g.relation,
            since: g.createdAt,
          },
          change: { id: g.id, ledgerIndex: g.ledgerIndex },
        };
      },
    );
    app.get(
      '/v1/me/children',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags,
          summary: 'Minors you act for as their registered guardian',
          response: { 200: Type.Object({ children: Type.Array(S.Child) }) },
        },
      },
      async (request) => {
        const children = await guardians.childrenOf(citizenOf(request));
        const iins = await Promise.all(children.map((g) => module.subjects.revealIin(g.child)));
        return {
          children: children.map((g, i) => {
            const iin = iins[i];
            return {
              childId: g.id,
              pseudonym: g.child,
              birthDate: g.childBirthDate,
              ...(iin ? { iinEnding: iin.slice(-4) } : {}),
              comesOfAgeOn: g.comesOfAgeOn,
              relation: g.relation,
              since: g.createdAt,
            };
          }),
        };
      },
    );
    citizenRoutes(app, '/v1/me', S.IdParams);
    citizenRoutes(app, '/v1/me/children/:childId', S.ChildConsentParams);
    app.get(
      '/.well-known/jwks.json',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'Public keys that verify consent receipts (old keys stay published)',
        },
      },
      async () => module.receipts.jwks(),
    );
  };
}
