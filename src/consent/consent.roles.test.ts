/**
 * Every consent route, every kind of caller: allowed callers get a 2xx, other callers 401 / 403,
 * and a caller of the right kind asking about someone else's record 404.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer } from '../registry/test-support/registry-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  citizen,
  consentHarness,
  type ConsentHarness,
  iinBornOn,
} from './test-support/consent-app.js';

type Caller =
  'ownSystem' | 'otherSystem' | 'regulator' | 'auditor' | 'subject' | 'otherCitizen' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'ownSystem',
  'otherSystem',
  'regulator',
  'auditor',
  'subject',
  'otherCitizen',
  'anonymous',
];
interface World {
  id: string;
  childId: string;
}
interface RouteCase {
  readonly method: 'GET' | 'POST';
  readonly url: (w: World) => string;
  readonly body?: () => object;
  readonly allowed: readonly Caller[];
  /** Callers of the right kind but not the owner: 404. */
  readonly hidden?: readonly Caller[];
}

let serial = 100;
/** Steps of ten: `iinBornOn` skips a serial without a check digit, so neighbours could collide. */
const nextSerial = () => (serial += 10);
const ROUTES: readonly RouteCase[] = [
  {
    method: 'POST',
    url: () => '/v1/consent-requests',
    body: () => requestBody(),
    allowed: ['ownSystem', 'otherSystem'],
  },
  {
    method: 'GET',
    url: (w) => `/v1/consent-requests/${w.id}`,
    allowed: ['ownSystem'],
    hidden: ['otherSystem'],
  },
  {
    method: 'POST',
    url: () => '/v1/consent-webhooks/secret',
    allowed: ['ownSystem', 'otherSystem'],
  },
  {
    method: 'GET',
    url: () => '/v1/consent-webhooks/deliveries',
    allowed: ['ownSystem', 'otherSystem'],
  },
  { method: 'GET', url: () => '/v1/withdrawal-grounds', allowed: ['ownSystem', 'otherSystem'] },
  {
    method: 'POST',
    url: () => '/v1/guardianships',
    body: () => ({
      guardianIin: iinBornOn('1980-01-01', nextSerial()),
      childIin: iinBornOn('2012-02-02', nextSerial()),
      relation: 'parent',
      reference: 'ref',
    }),
    allowed: ['regulator'],
  },
  { method: 'GET', url: () => '/v1/me/children', allowed: ['subject', 'otherCitizen'] },
  { method: 'GET', url: () => '/v1/me/consent-requests', allowed: ['subject', 'otherCitizen'] },
  { method: 'GET', url: () => '/v1/me/consents', allowed: ['subject', 'otherCitizen'] },
  {
    method: 'GET',
    url: (w) => `/v1/me/consents/${w.id}`,
    allowed: ['subject'],
    hidden: ['otherCitizen'],
  },
  {
    method: 'POST',
    url: (w) => `/v1/me/consent-requests/${w.id}/approve`,
    allowed: ['subject'],
    hidden: ['otherCitizen'],
  },
  {
    method: 'POST',
    url: (w) => `/v1/me/consent-requests/${w.id}/refuse`,
    allowed: ['subject'],
    hidden: ['otherCitizen'],
  },
  {
    method: 'GET',
    url: (w) => `/v1/me/children/${w.childId}/consents`,
    allowed: ['subject'],
    hidden: ['otherCitizen'],
  },
  {
    method: 'GET',
    url: (w) => `/v1/me/children/${w.childId}/consent-requests`,
    allowed: ['subject'],
    hidden: ['otherCitizen'],
  },
  { method: 'GET', url: () => '/.well-known/jwks.json', allowed: [...CALLERS] },
];

function requestBody() {
  return {
    iin: iinBornOn('1990-05-12', 7),
    purposes: ['finance.kyc'],
    categories: ['identity'],
    retention: 'P1Y',
    validUntil: '2027-11-25T00:00:00.000Z',
    requestExpiresAt: '2026-12-02T00:00:00.000Z',
    message: { kk: 'к', ru: 'р', en: 'e' },
    policyUrl: 'https://senim.kz/privacy',
  };
}

describeStorage('consent access control', (fx) => {
  let h: ConsentHarness;
  let own: Awaited<ReturnType<ConsentHarness['newSystem']>>;
  let other: Awaited<ReturnType<ConsentHarness['newSystem']>>;
  const subjectIin = iinBornOn('1990-05-12', 7);
  beforeAll(async () => {
    h = await consentHarness(fx.storage);
    own = await h.newSystem();
    other = await h.newSystem();
  });
  afterAll(async () => {
    await h.close();
  });

  async function freshWorld(): Promise<World> {
    const asked = await h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: bearer(own.key),
      payload: requestBody(),
    });
    const g = await h.consent.guardians.record(
      {
        guardianIin: subjectIin,
        childIin: iinBornOn('2013-03-03', nextSerial()),
        relation: 'parent',
        reference: 'r',
      },
      'test',
    );
    return { id: asked.json<{ request: { id: string } }>().request.id, childId: g.id };
  }

  let sharedWorld: Promise<World> | undefined;
  /** One world for every read-only case: each world is a ledger-recorded request and a guardian. */
  function readWorld(): Promise<World> {
    sharedWorld ??= freshWorld();
    return sharedWorld;
  }

  const headersFor = (caller: Caller): Record<string, string> => {
    switch (caller) {
      case 'ownSystem':
        return bearer(own.key);
      case 'otherSystem':
        return bearer(other.key);
      case 'regulator':
      case 'auditor':
        return bearer(h.registry.tokens[caller]);
      case 'subject':
        return citizen(h.pseudonymOf(subjectIin));
      case 'otherCitizen':
        return citizen(h.pseudonymOf(iinBornOn('1970-07-07', 3)));
      case 'anonymous':
        return {};
    }
  };
  const expected = (route: RouteCase, caller: Caller): 'ok' | 401 | 403 | 404 =>
    route.allowed.includes(caller)
      ? 'ok'
      : caller === 'anonymous'
        ? 401
        : route.hidden?.includes(caller)
          ? 404
          : 403;

  for (const route of ROUTES) {
    it(`${route.method} ${route.url({ id: ':id', childId: ':childId' })}: ${CALLERS.map((c) => `${c}=${expected(route, c)}`).join(' ')}`, async () => {
      for (const caller of CALLERS) {
        // A read changes nothing, so the reads share one world; every write gets its own.
        const world = route.method === 'GET' ? await readWorld() : await freshWorld();
        const response = await h.app.inject({
          method: route.method,
          url: route.url(world),
          headers: headersFor(caller),
          ...(route.body ? { payload: route.body() } : {}),
        });
        const want = expected(route, caller);
        const label = `${caller} → ${route.method} ${route.url(world)}: ${response.body.slice(0, 200)}`;
        if (want === 'ok') {
          expect(response.statusCode, label).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, label).toBeLessThan(300);
        } else expect(response.statusCode, label).toBe(want);
      }
    });
  }
});
