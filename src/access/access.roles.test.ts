/**
 * Who may call each access route: every route against a system, each staff role, a citizen and an
 * anonymous caller (2xx / 401 / 403 / 404), on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  type AccessHarness,
  accessHarness,
  asCitizen,
  asStaff,
  asSystem,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

type Caller = 'system' | 'otherSystem' | 'regulator' | 'soc' | 'auditor' | 'citizen' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'system',
  'otherSystem',
  'regulator',
  'soc',
  'auditor',
  'citizen',
  'anonymous',
];

const SUBJECT = iinBornOn('1991-03-04', 41);
const body = {
  subject: SUBJECT,
  categories: ['identity'],
  purpose: 'health.treatment',
  legalBasis: 'consent',
  actor: { id: 'clerk-1' },
  action: 'read',
};

interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  url(ctx: { checkId: string; regimeId: string }): string;
  readonly payload?: () => Record<string, unknown>;
  /** Expected status for each caller. */
  readonly expect: Readonly<Record<Caller, number>>;
}

const regimeBody = () => ({
  name: 'Sandbox',
  act: 'Order 1',
  systems: ['sys_roles'],
  purposes: ['ai.model-training'],
  categories: ['identity'],
  start: '2026-11-01T00:00:00.000Z',
  end: '2027-11-01T00:00:00.000Z',
});

const ROUTES: readonly Route[] = [
  {
    name: 'POST /v1/access-checks',
    method: 'POST',
    url: () => '/v1/access-checks',
    payload: () => body,
    expect: {
      system: 200,
      otherSystem: 200,
      regulator: 403,
      soc: 403,
      auditor: 403,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'POST /v1/access-checks/batch',
    method: 'POST',
    url: () => '/v1/access-checks/batch',
    payload: () => ({ checks: [body] }),
    expect: {
      system: 200,
      otherSystem: 200,
      regulator: 403,
      soc: 403,
      auditor: 403,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'GET /v1/access-checks/{checkId}',
    method: 'GET',
    url: ({ checkId }) => `/v1/access-checks/${checkId}`,
    expect: {
      system: 200,
      otherSystem: 404,
      regulator: 200,
      soc: 200,
      auditor: 200,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'GET /v1/me/accesses',
    method: 'GET',
    url: () => '/v1/me/accesses',
    expect: {
      system: 403,
      otherSystem: 403,
      regulator: 403,
      soc: 403,
      auditor: 403,
      citizen: 200,
      anonymous: 401,
    },
  },
  {
    name: 'GET /v1/access-regimes',
    method: 'GET',
    url: () => '/v1/access-regimes',
    expect: {
      system: 403,
      otherSystem: 403,
      regulator: 200,
      soc: 200,
      auditor: 200,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'POST /v1/access-regimes',
    method: 'POST',
    url: () => '/v1/access-regimes',
    payload: regimeBody,
    expect: {
      system: 403,
      otherSystem: 403,
      regulator: 201,
      soc: 403,
      auditor: 403,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'POST /v1/access-regimes/{regimeId}/close',
    method: 'POST',
    url: ({ regimeId }) => `/v1/access-regimes/${regimeId}/close`,
    expect: {
      system: 403,
      otherSystem: 403,
      regulator: 200,
      soc: 403,
      auditor: 403,
      citizen: 403,
      anonymous: 401,
    },
  },
  {
    name: 'GET /v1/access-adequacy',
    method: 'GET',
    url: () => '/v1/access-adequacy',
    expect: {
      system: 200,
      otherSystem: 200,
      regulator: 200,
      soc: 200,
      auditor: 200,
      citizen: 200,
      anonymous: 200,
    },
  },
  {
    name: 'PUT /v1/access-adequacy/{country}',
    method: 'PUT',
    url: () => '/v1/access-adequacy/RS',
    payload: () => ({ adequate: true }),
    expect: {
      system: 403,
      otherSystem: 403,
      regulator: 200,
      soc: 403,
      auditor: 403,
      citizen: 403,
      anonymous: 401,
    },
  },
];

describeStorage('access roles', (fx) => {
  let h: AccessHarness;
  let checkId = '';
  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set('sys_roles', profile('sys_roles'));
    h.profiles.set('sys_other', profile('sys_other'));
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: asSystem('sys_roles'),
      payload: body,
    });
    checkId = res.json<{ checkId: string }>().checkId;
  });
  afterAll(async () => {
    await h.close();
  });

  const headersOf = (caller: Caller): Record<string, string> => {
    switch (caller) {
      case 'system':
        return asSystem('sys_roles');
      case 'otherSystem':
        return asSystem('sys_other');
      case 'regulator':
      case 'soc':
      case 'auditor':
        return asStaff(caller);
      case 'citizen':
        return asCitizen(h.pseudonymOf(SUBJECT));
      case 'anonymous':
        return {};
    }
  };

  it('every route of the matrix is registered', () => {
    for (const route of ROUTES) {
      const url = route
        .url({ checkId: ':checkId', regimeId: ':regimeId' })
        .replace('RS', ':country');
      expect(h.app.hasRoute({ method: route.method, url }), route.name).toBe(true);
    }
  });

  for (const route of ROUTES)
    for (const caller of CALLERS)
      it(`${route.name} as ${caller} → ${route.expect[caller]}`, async () => {
        // A fresh regime per call, so closing one never depends on an earlier test.
        const regime = await h.access.service.openRegime(regimeBody(), 'test');
        const res = await h.app.inject({
          method: route.method,
          url: route.url({ checkId, regimeId: regime.regime.id }),
          headers: headersOf(caller),
          ...(route.payload ? { payload: route.payload() } : {}),
        });
        expect(res.statusCode).toBe(route.expect[caller]);
      });
});
