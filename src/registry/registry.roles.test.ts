/**
 * Every registry route, every kind of caller: allowed callers get a 2xx, staff of the wrong role
 * get 403, operators asking about another operator's records get 404, callers without
 * credentials get 401.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  bearer,
  biometricBody,
  operatorBody,
  registryHarness,
  type RegistryHarness,
  systemBody,
} from './test-support/registry-app.js';

type Caller = 'regulator' | 'soc' | 'auditor' | 'ownSystem' | 'otherSystem' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'regulator',
  'soc',
  'auditor',
  'ownSystem',
  'otherSystem',
  'anonymous',
];

interface World {
  operatorId: string;
  systemId: string;
  keyId: string;
  certificateId: string;
  ownKey: string;
  otherKey: string;
  staffTokenId: string;
}

interface RouteCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** The route as `/openapi.json` names it; every route the app serves must have a case. */
  readonly path: string;
  readonly url: (w: World) => string;
  /** Puts the fresh world in the state the route acts on (e.g. suspended, to reinstate). */
  readonly prepare?: (w: World) => Promise<void>;
  readonly body?: (w: World) => unknown;
  readonly headers?: Record<string, string>;
  readonly allowed: readonly Caller[];
  /** Operator-side callers outside `allowed` get 404 here (the record is someone else's). */
  readonly hiddenFromOthers?: boolean;
  /** Where the general rule does not apply, the status a caller gets instead, and why. */
  readonly except?: Partial<Record<Caller, 401 | 403 | 404>>;
}

const staff = ['regulator', 'soc', 'auditor'] as const;
const reason = () => ({ reason: 'role matrix test' });

/** Set once the harness is up: a request the regulator makes to arrange a world. */
let asRegulator: (url: string, payload: object) => Promise<void> = () =>
  Promise.reject(new Error('harness not ready'));

const ROUTES: readonly RouteCase[] = [
  {
    name: 'create operator',
    path: '/v1/registry/operators',
    method: 'POST',
    url: () => '/v1/registry/operators',
    body: () => operatorBody(),
    allowed: ['regulator'],
  },
  {
    name: 'search operators',
    path: '/v1/registry/operators',
    method: 'GET',
    url: () => '/v1/registry/operators',
    allowed: staff,
  },
  {
    name: 'read operator',
    path: '/v1/registry/operators/{operatorId}',
    method: 'GET',
    url: (w) => `/v1/registry/operators/${w.operatorId}`,
    allowed: [...staff, 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'patch operator',
    path: '/v1/registry/operators/{operatorId}',
    method: 'PATCH',
    url: (w) => `/v1/registry/operators/${w.operatorId}`,
    headers: { 'if-match': '"1"' },
    body: () => ({ sector: 'other' }),
    allowed: ['regulator'],
  },
  {
    name: 'suspend operator',
    path: '/v1/registry/operators/{operatorId}/suspend',
    method: 'POST',
    url: (w) => `/v1/registry/operators/${w.operatorId}/suspend`,
    body: reason,
    allowed: ['regulator'],
  },
  {
    name: 'revoke operator',
    path: '/v1/registry/operators/{operatorId}/revoke',
    method: 'POST',
    url: (w) => `/v1/registry/operators/${w.operatorId}/revoke`,
    body: reason,
    allowed: ['regulator'],
  },
  {
    name: 'reinstate operator',
    path: '/v1/registry/operators/{operatorId}/reinstate',
    method: 'POST',
    url: (w) => `/v1/registry/operators/${w.operatorId}/reinstate`,
    prepare: (w) => asRegulator(`/v1/registry/operators/${w.operatorId}/suspend`, reason()),
    body: reason,
    allowed: ['regulator'],
    // A suspended system's keys (and those of a suspended operator's systems) stop working.
    except: { ownSystem: 401 },
  },
  {
    name: 'operator history',
    path: '/v1/registry/operators/{operatorId}/history',
    method: 'GET',
    url: (w) => `/v1/registry/operators/${w.operatorId}/history`,
    allowed: staff,
  },
  {
    name: 'create system',
    path: '/v1/registry/systems',
    method: 'POST',
    url: () => '/v1/registry/systems',
    body: (w) => systemBody(w.operatorId),
    allowed: ['regulator'],
  },
  {
    name: 'search systems',
    path: '/v1/registry/systems',
    method: 'GET',
    url: () => '/v1/registry/systems',
    allowed: [...staff, 'ownSystem', 'otherSystem'],
  },
  {
    name: 'read system',
    path: '/v1/registry/systems/{systemId}',
    method: 'GET',
    url: (w) => `/v1/registry/systems/${w.systemId}`,
    allowed: [...staff, 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'patch system',
    path: '/v1/registry/systems/{systemId}',
    method: 'PATCH',
    url: (w) => `/v1/registry/systems/${w.systemId}`,
    headers: { 'if-match': '"1"' },
    body: () => ({ trustStatus: 'listed' }),
    allowed: ['regulator'],
  },
  {
    name: 'suspend system',
    path: '/v1/registry/systems/{systemId}/suspend',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/suspend`,
    body: reason,
    allowed: ['regulator', 'soc'],
  },
  {
    name: 'reinstate system',
    path: '/v1/registry/systems/{systemId}/reinstate',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/reinstate`,
    prepare: (w) => asRegulator(`/v1/registry/systems/${w.systemId}/suspend`, reason()),
    body: reason,
    allowed: ['regulator'],
    // A suspended system's keys (and those of a suspended operator's systems) stop working.
    except: { ownSystem: 401 },
  },
  {
    name: 'revoke system',
    path: '/v1/registry/systems/{systemId}/revoke',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/revoke`,
    body: reason,
    allowed: ['regulator'],
  },
  {
    name: 'system standing',
    path: '/v1/registry/systems/{systemId}/standing',
    method: 'GET',
    url: (w) => `/v1/registry/systems/${w.systemId}/standing`,
    allowed: [...staff, 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'record certificate',
    path: '/v1/registry/systems/{systemId}/certificates',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/certificates`,
    body: (w) => ({
      number: `C-${w.systemId}`,
      issuer: 'Centre',
      scope: 'Face',
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
    }),
    allowed: ['regulator'],
  },
  {
    name: 'list certificates',
    path: '/v1/registry/systems/{systemId}/certificates',
    method: 'GET',
    url: (w) => `/v1/registry/systems/${w.systemId}/certificates`,
    allowed: [...staff, 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'withdraw certificate',
    path: '/v1/registry/systems/{systemId}/certificates/{certificateId}/withdraw',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/certificates/${w.certificateId}/withdraw`,
    body: reason,
    allowed: ['regulator'],
  },
  {
    name: 'system history',
    path: '/v1/registry/systems/{systemId}/history',
    method: 'GET',
    url: (w) => `/v1/registry/systems/${w.systemId}/history`,
    allowed: staff,
  },
  {
    name: 'issue key',
    path: '/v1/registry/systems/{systemId}/keys',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/keys`,
    body: () => ({ label: 'k' }),
    allowed: ['regulator'],
  },
  {
    name: 'list keys',
    path: '/v1/registry/systems/{systemId}/keys',
    method: 'GET',
    url: (w) => `/v1/registry/systems/${w.systemId}/keys`,
    allowed: [...staff, 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'rotate key',
    path: '/v1/registry/systems/{systemId}/keys/{keyId}/rotate',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/keys/${w.keyId}/rotate`,
    body: () => ({ overlapHours: 1 }),
    allowed: ['regulator', 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'revoke key',
    path: '/v1/registry/systems/{systemId}/keys/{keyId}/revoke',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/keys/${w.keyId}/revoke`,
    body: reason,
    allowed: ['regulator', 'soc', 'ownSystem'],
    hiddenFromOthers: true,
  },
  {
    name: 'revoke all keys',
    path: '/v1/registry/systems/{systemId}/keys/revoke-all',
    method: 'POST',
    url: (w) => `/v1/registry/systems/${w.systemId}/keys/revoke-all`,
    body: reason,
    allowed: ['regulator', 'soc'],
  },
  {
    name: 'me',
    path: '/v1/registry/me',
    method: 'GET',
    url: () => '/v1/registry/me',
    allowed: ['ownSystem', 'otherSystem'],
  },
  {
    name: 'issue staff token',
    path: '/v1/registry/staff-tokens',
    method: 'POST',
    url: () => '/v1/registry/staff-tokens',
    body: () => ({ role: 'auditor', name: 'x' }),
    allowed: ['regulator'],
  },
  {
    name: 'revoke staff token',
    path: '/v1/registry/staff-tokens/{tokenId}/revoke',
    method: 'POST',
    url: (w) => `/v1/registry/staff-tokens/${w.staffTokenId}/revoke`,
    allowed: ['regulator'],
  },
  {
    name: 'taxonomy',
    path: '/v1/taxonomy',
    method: 'GET',
    url: () => '/v1/taxonomy',
    allowed: [...CALLERS],
  },
];

describeStorage('registry access control', (fx) => {
  let h: RegistryHarness;
  let otherKey: string;
  beforeAll(async () => {
    h = await registryHarness(fx.storage);
    const other = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: bearer(h.tokens.regulator),
      payload: operatorBody(),
    });
    const otherOperatorId = other.json<{ operator: { id: string } }>().operator.id;
    const otherSystem = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: bearer(h.tokens.regulator),
      payload: systemBody(otherOperatorId),
    });
    const otherSystemId = otherSystem.json<{ system: { id: string } }>().system.id;
    otherKey = (
      await h.registry.credentials.issueKey(otherSystemId, 'other', { kind: 'cli', id: 'test' })
    ).apiKey;
    asRegulator = async (url, payload) => {
      const response = await h.app.inject({
        method: 'POST',
        url,
        headers: bearer(h.tokens.regulator),
        payload,
      });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBe(200);
    };
  });
  afterAll(async () => {
    await h.close();
  });

  it('every route the app serves has rows in this matrix, and every row a route', async () => {
    const spec = (await h.app.inject('/openapi.json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
    const covered = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    const missing = served.filter((route) => !covered.has(route));
    expect(
      missing,
      `routes without rows in the roles matrix (add a RouteCase for each): ${missing.join(', ')}`,
    ).toEqual([]);
    const stale = [...covered].filter((route) => !served.includes(route));
    expect(stale, `matrix rows for routes the app does not serve: ${stale.join(', ')}`).toEqual([]);
  });

  /** A fresh operator with a biometric system, a key and a certificate, for one request. */
  async function freshWorld(): Promise<World> {
    const actor = { kind: 'cli' as const, id: 'test' };
    const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
    const system = await h.registry.service.createSystem(
      biometricBody(operator.record.id) as never,
      actor,
    );
    const key = await h.registry.credentials.issueKey(system.record.id, 'own', actor);
    const certificate = await h.registry.service.recordCertificate(
      system.record.id,
      {
        number: `N-${system.record.id}`,
        issuer: 'Centre',
        scope: 'Face',
        validFrom: '2026-01-01',
        validUntil: '2027-01-01',
      },
      actor,
    );
    const staffToken = await h.registry.credentials.issueStaffToken('auditor', 'temp', actor);
    return {
      operatorId: operator.record.id,
      systemId: system.record.id,
      keyId: key.credential.id,
      certificateId: certificate.record.id,
      ownKey: key.apiKey,
      otherKey,
      staffTokenId: staffToken.id,
    };
  }

  let sharedWorld: Promise<World> | undefined;
  /** One world for every read-only case: creating a world is five ledger-recorded writes. */
  function readWorld(): Promise<World> {
    sharedWorld ??= freshWorld();
    return sharedWorld;
  }

  function headersFor(caller: Caller, world: World): Record<string, string> {
    switch (caller) {
      case 'regulator':
      case 'soc':
      case 'auditor':
        return bearer(h.tokens[caller]);
      case 'ownSystem':
        return bearer(world.ownKey);
      case 'otherSystem':
        return bearer(world.otherKey);
      case 'anonymous':
        return {};
    }
  }

  function expectedStatus(route: RouteCase, caller: Caller): 'ok' | 401 | 403 | 404 {
    if (route.allowed.includes(caller)) return 'ok';
    const exception = route.except?.[caller];
    if (exception !== undefined) return exception;
    if (caller === 'anonymous') return 401;
    const operatorSide = caller === 'ownSystem' || caller === 'otherSystem';
    if (operatorSide && route.hiddenFromOthers) return 404;
    return 403;
  }

  for (const route of ROUTES) {
    it(`${route.method} ${route.name}: ${CALLERS.map((c) => `${c}=${expectedStatus(route, c)}`).join(' ')}`, async () => {
      for (const caller of CALLERS) {
        // A read changes nothing, so the reads share one world; every write gets its own.
        const world =
          route.method === 'GET' && !route.prepare ? await readWorld() : await freshWorld();
        await route.prepare?.(world);
        const response = await h.app.inject({
          method: route.method,
          url: route.url(world),
          headers: { ...headersFor(caller, world), ...route.headers },
          ...(route.body ? { payload: route.body(world) as object } : {}),
        });
        const expected = expectedStatus(route, caller);
        const label = `${caller} → ${route.method} ${route.url(world)}: ${response.body.slice(0, 200)}`;
        if (expected === 'ok') {
          expect(response.statusCode, label).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, label).toBeLessThan(300);
        } else {
          expect(response.statusCode, label).toBe(expected);
          expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        }
      }
    });
  }
});
