/**
 * Who may call each reference-data, response and incident route: a system of the operator named in
 * the path, a system of another operator, each staff role, a citizen and an anonymous caller.
 * Refused callers get exactly 401 / 403; allowed ones get past access control (any answer below
 * 500 other than 401 / 403 — a 404 for an id that does not exist still proves the caller was let in).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../access/test-support/access-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  asCitizen,
  asStaff,
  asSystem,
  fakeSystem,
  type ResponseHarness,
  responseHarness,
} from './test-support/response-app.js';

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

interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly payload?: Record<string, unknown>;
  readonly allow: readonly Caller[];
}

const READERS: readonly Caller[] = ['regulator', 'soc', 'auditor'];
const OPERATOR: readonly Caller[] = ['system', 'regulator'];
const hours = { timeZone: 'Asia/Almaty', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

const ROUTES: readonly Route[] = [
  { method: 'GET', url: '/v1/monitor/honeytokens', allow: READERS },
  {
    method: 'POST',
    url: '/v1/monitor/honeytokens',
    payload: { iin: iinBornOn('1970-01-01', 3) },
    allow: ['soc'],
  },
  { method: 'DELETE', url: '/v1/monitor/honeytokens/mwl_none', allow: ['soc'] },
  { method: 'GET', url: '/v1/monitor/protected-persons', allow: READERS },
  {
    method: 'POST',
    url: '/v1/monitor/protected-persons',
    payload: { iin: iinBornOn('1970-01-01', 13) },
    allow: ['soc'],
  },
  { method: 'DELETE', url: '/v1/monitor/protected-persons/mwl_none', allow: ['soc'] },
  {
    method: 'GET',
    url: '/v1/monitor/operators/op_roles/working-hours',
    allow: ['system', ...READERS],
  },
  {
    method: 'PUT',
    url: '/v1/monitor/operators/op_roles/working-hours',
    payload: hours,
    allow: OPERATOR,
  },
  {
    method: 'GET',
    url: '/v1/monitor/operators/op_roles/terminated-actors',
    allow: ['system', ...READERS],
  },
  {
    method: 'POST',
    url: '/v1/monitor/operators/op_roles/terminated-actors',
    payload: { actorId: 'gone-1' },
    allow: OPERATOR,
  },
  {
    method: 'DELETE',
    url: '/v1/monitor/operators/op_roles/terminated-actors/gone-2',
    allow: OPERATOR,
  },
  {
    method: 'GET',
    url: '/v1/monitor/operators/op_roles/staff',
    allow: ['system', ...READERS],
  },
  {
    method: 'POST',
    url: '/v1/monitor/operators/op_roles/staff',
    payload: { iin: iinBornOn('1970-01-01', 23), actorId: 'staff-1' },
    allow: OPERATOR,
  },
  {
    method: 'POST',
    url: '/v1/monitor/operators/op_roles/staff/batch',
    payload: { entries: [{ iin: iinBornOn('1970-01-01', 33), actorId: 'staff-2' }] },
    allow: OPERATOR,
  },
  {
    method: 'DELETE',
    url: '/v1/monitor/operators/op_roles/staff/mst_none',
    allow: OPERATOR,
  },
  {
    method: 'GET',
    url: '/v1/monitor/systems/sys_roles/destinations',
    allow: ['system', ...READERS],
  },
  {
    method: 'POST',
    url: '/v1/monitor/systems/sys_roles/destinations',
    payload: { country: 'DE' },
    allow: OPERATOR,
  },
  {
    method: 'DELETE',
    url: '/v1/monitor/systems/sys_roles/destinations/FR',
    allow: OPERATOR,
  },
  { method: 'GET', url: '/v1/monitor/responses', allow: READERS },
  { method: 'GET', url: '/v1/monitor/responses/rsp_none', allow: READERS },
  {
    method: 'POST',
    url: '/v1/monitor/responses',
    payload: { action: 'block-actor', systemId: 'sys_none', actorId: 'a', note: 'n' },
    allow: ['soc'],
  },
  { method: 'POST', url: '/v1/monitor/responses/rsp_none/confirm', payload: {}, allow: ['soc'] },
  {
    method: 'POST',
    url: '/v1/monitor/responses/rsp_none/reject',
    payload: { reason: 'r' },
    allow: ['soc'],
  },
  {
    method: 'POST',
    url: '/v1/monitor/responses/rsp_none/lift',
    payload: { reason: 'r' },
    allow: ['soc'],
  },
  { method: 'GET', url: '/v1/monitor/incidents', allow: READERS },
  {
    method: 'POST',
    url: '/v1/monitor/incidents',
    payload: { title: 't', caseId: 'case_none' },
    allow: ['soc'],
  },
  { method: 'GET', url: '/v1/monitor/incidents/inc_none', allow: READERS },
  { method: 'GET', url: '/v1/monitor/incidents/inc_none/affected', allow: ['soc', 'regulator'] },
  {
    method: 'POST',
    url: '/v1/monitor/incidents/inc_none/notify-authority',
    payload: {},
    allow: ['soc'],
  },
  { method: 'POST', url: '/v1/monitor/incidents/inc_none/notify-citizens', allow: ['soc'] },
  {
    method: 'POST',
    url: '/v1/monitor/incidents/inc_none/close',
    payload: { note: 'n' },
    allow: ['soc'],
  },
];

describeStorage('monitoring response routes: roles', (fx) => {
  let h: ResponseHarness;

  beforeAll(async () => {
    h = await responseHarness(fx.storage);
    h.systems.set('sys_roles', fakeSystem('sys_roles', 'op_roles'));
    h.systems.set('sys_elsewhere', fakeSystem('sys_elsewhere', 'op_elsewhere'));
  });
  afterAll(async () => {
    await h?.close();
  });

  const headersOf = (caller: Caller): Record<string, string> => {
    switch (caller) {
      case 'system':
        return asSystem('sys_roles');
      case 'otherSystem':
        return asSystem('sys_elsewhere');
      case 'citizen':
        return asCitizen('citizen-pseudonym-000001');
      case 'anonymous':
        return {};
      case 'regulator':
      case 'soc':
      case 'auditor':
        return asStaff(caller);
    }
  };

  it('answers every caller of every route as the roles say', async () => {
    const wrong: string[] = [];
    for (const route of ROUTES)
      for (const caller of CALLERS) {
        const res = await h.app.inject({
          method: route.method,
          url: route.url,
          headers: headersOf(caller),
          ...(route.payload ? { payload: route.payload } : {}),
        });
        const allowed = route.allow.includes(caller);
        const expected = caller === 'anonymous' ? 401 : 403;
        const ok = allowed
          ? res.statusCode < 500 && res.statusCode !== 401 && res.statusCode !== 403
          : res.statusCode === expected;
        if (!ok) wrong.push(`${route.method} ${route.url} as ${caller}: ${res.statusCode}`);
      }
    expect(wrong).toEqual([]);
  });

  it('describes every removal as it answers: 204, no body (the OpenAPI document)', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    const removals = Object.entries(spec.paths).flatMap(([path, methods]) =>
      methods.delete ? [[path, Object.keys(methods.delete.responses)] as const] : [],
    );
    expect(removals.map(([path]) => path).sort()).toEqual(
      [
        '/v1/monitor/honeytokens/{entryId}',
        '/v1/monitor/operators/{operatorId}/staff/{entryId}',
        '/v1/monitor/operators/{operatorId}/terminated-actors/{actorId}',
        '/v1/monitor/protected-persons/{entryId}',
        '/v1/monitor/systems/{systemId}/destinations/{country}',
      ].sort(),
    );
    for (const [path, statuses] of removals) expect(statuses, path).toEqual(['204']);
  });
});
