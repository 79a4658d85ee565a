/**
 * Who may call each alert, case and rule route of the monitoring centre, generated from one route
 * table that must cover every route the module serves (read from `/openapi.json`): the SOC acts,
 * the auditor reads, the regulator reads, switches rules and alone changes them (versions,
 * rollback, enable/disable); systems and citizens get 403,
 * callers without credentials 401 — on SQLite and PostgreSQL.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  asCitizen,
  asStaff,
  asSystem,
  checked,
  eventually,
  type MonitorHarness,
  monitorHarness,
} from './test-support/monitor-app.js';

type Caller = 'soc' | 'auditor' | 'regulator' | 'system' | 'citizen' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'soc',
  'auditor',
  'regulator',
  'system',
  'citizen',
  'anonymous',
];
const READERS: readonly Caller[] = ['soc', 'auditor', 'regulator'];

interface World {
  alertId: string;
  caseId: string;
}

interface RouteCase {
  /** As `/openapi.json` names it. */
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: (w: World) => string;
  readonly body?: () => Record<string, unknown>;
  readonly allowed: readonly Caller[];
  /** The status an allowed caller gets (default 200). */
  readonly ok?: number;
  /** Server-sent events: asked over a real socket, the stream closed after the status line. */
  readonly stream?: boolean;
}

const enc = encodeURIComponent;
let edits = 0;

/** A valid rule with its tests; `variant` changes its title so each save is a new content. */
function watchRule(id: string, variant: number = 0): string {
  return [
    `id: ${id}`,
    `title: Exports watched (${variant})`,
    'level: medium',
    'detection:',
    '  check: { type: access.checked, action: export, actor.id: clerk-watched }',
    '  condition: check',
    'tests:',
    '  match: [{ action: export, actor: { id: clerk-watched } }]',
    '  nomatch: [{ action: read, actor: { id: clerk-watched } }]',
    '',
  ].join('\n');
}
const ROUTES: readonly RouteCase[] = [
  { path: '/v1/monitor/alerts', method: 'GET', url: () => '/v1/monitor/alerts', allowed: READERS },
  {
    path: '/v1/monitor/alerts/stream',
    method: 'GET',
    url: () => '/v1/monitor/alerts/stream',
    allowed: READERS,
    stream: true,
  },
  {
    path: '/v1/monitor/alerts/{alertId}',
    method: 'GET',
    url: (w) => `/v1/monitor/alerts/${enc(w.alertId)}`,
    allowed: READERS,
  },
  {
    path: '/v1/monitor/alerts/{alertId}/acknowledge',
    method: 'POST',
    url: (w) => `/v1/monitor/alerts/${enc(w.alertId)}/acknowledge`,
    body: () => ({}),
    allowed: ['soc'],
  },
  {
    path: '/v1/monitor/alerts/{alertId}/assign',
    method: 'POST',
    url: (w) => `/v1/monitor/alerts/${enc(w.alertId)}/assign`,
    body: () => ({ assignee: 'analyst-1' }),
    allowed: ['soc'],
  },
  {
    path: '/v1/monitor/alerts/{alertId}/close',
    method: 'POST',
    url: (w) => `/v1/monitor/alerts/${enc(w.alertId)}/close`,
    body: () => ({ outcome: 'false-positive', note: 'roles test' }),
    allowed: ['soc'],
  },
  { path: '/v1/monitor/cases', method: 'GET', url: () => '/v1/monitor/cases', allowed: READERS },
  {
    path: '/v1/monitor/cases/{caseId}',
    method: 'GET',
    url: (w) => `/v1/monitor/cases/${w.caseId}`,
    allowed: READERS,
  },
  {
    path: '/v1/monitor/cases/{caseId}/acknowledge',
    method: 'POST',
    url: (w) => `/v1/monitor/cases/${w.caseId}/acknowledge`,
    body: () => ({}),
    allowed: ['soc'],
  },
  {
    path: '/v1/monitor/cases/{caseId}/assign',
    method: 'POST',
    url: (w) => `/v1/monitor/cases/${w.caseId}/assign`,
    body: () => ({ assignee: 'analyst-2' }),
    allowed: ['soc'],
  },
  {
    path: '/v1/monitor/cases/{caseId}/close',
    method: 'POST',
    url: (w) => `/v1/monitor/cases/${w.caseId}/close`,
    body: () => ({ outcome: 'true-positive' }),
    allowed: ['soc'],
  },
  { path: '/v1/monitor/rules', method: 'GET', url: () => '/v1/monitor/rules', allowed: READERS },
  {
    path: '/v1/monitor/rules/{ruleId}/mode',
    method: 'PUT',
    url: () => '/v1/monitor/rules/bulk-export/mode',
    body: () => ({ mode: 'active', reason: 'roles test' }),
    allowed: ['soc', 'regulator'],
  },
  {
    path: '/v1/monitor/rules',
    method: 'POST',
    url: () => '/v1/monitor/rules',
    body: () => ({ content: watchRule(`roles-new-${++edits}`), reason: 'roles test' }),
    allowed: ['regulator'],
    ok: 201,
  },
  {
    path: '/v1/monitor/rules/{ruleId}',
    method: 'GET',
    url: () => '/v1/monitor/rules/self-access',
    allowed: READERS,
  },
  {
    path: '/v1/monitor/rules/{ruleId}/versions',
    method: 'POST',
    url: () => '/v1/monitor/rules/roles-edited/versions',
    // A different level or title each time: the same content again would be a 409.
    body: () => ({ content: watchRule('roles-edited', ++edits), reason: 'roles test' }),
    allowed: ['regulator'],
    ok: 201,
  },
  {
    path: '/v1/monitor/rules/{ruleId}/versions',
    method: 'GET',
    url: () => '/v1/monitor/rules/self-access/versions',
    allowed: READERS,
  },
  {
    path: '/v1/monitor/rules/{ruleId}/versions/{version}',
    method: 'GET',
    url: () => '/v1/monitor/rules/self-access/versions/0',
    allowed: READERS,
  },
  {
    path: '/v1/monitor/rules/{ruleId}/rollback',
    method: 'POST',
    url: () => '/v1/monitor/rules/roles-edited/rollback',
    body: () => ({ version: 1, reason: 'roles test' }),
    allowed: ['regulator'],
    ok: 201,
  },
  {
    path: '/v1/monitor/rules/{ruleId}/enabled',
    method: 'PUT',
    url: () => '/v1/monitor/rules/roles-edited/enabled',
    body: () => ({ enabled: true, reason: 'roles test' }),
    allowed: ['regulator'],
  },
  { path: '/v1/monitor/parked', method: 'GET', url: () => '/v1/monitor/parked', allowed: ['soc'] },
];

function headersOf(caller: Caller): Record<string, string> {
  switch (caller) {
    case 'soc':
    case 'auditor':
    case 'regulator':
      return asStaff(caller);
    case 'system':
      return asSystem('sys_roles');
    case 'citizen':
      return asCitizen('psn-citizen');
    case 'anonymous':
      return {};
  }
}

describeStorage('monitor routes by caller', (fx) => {
  let h: MonitorHarness;
  let base: string;
  let actors = 0;
  beforeAll(async () => {
    h = await monitorHarness(fx.storage);
    // The rule the version, rollback and enable rows change (version 1 is what a rollback restores).
    const made = await h.app.inject({
      method: 'POST',
      url: '/v1/monitor/rules',
      headers: asStaff('regulator'),
      payload: { content: watchRule('roles-edited'), reason: 'roles test' },
    });
    expect(made.statusCode).toBe(201);
    // …and version 2, so a rollback to 1 is a change whatever order the rows run in.
    const second = await h.app.inject({
      method: 'POST',
      url: '/v1/monitor/rules/roles-edited/versions',
      headers: asStaff('regulator'),
      payload: { content: watchRule('roles-edited', -1), reason: 'roles test' },
    });
    expect(second.statusCode).toBe(201);
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h.close();
  });

  /** A fresh alert in a fresh case (an employee looking themselves up). */
  async function freshWorld(): Promise<World> {
    actors += 1;
    const actor = `clerk-roles-${actors}`;
    const event = checked(
      new Date(Date.parse('2026-12-02T10:00:00.000Z') + actors * 1000).toISOString(),
      {
        subject: `psn-roles-${actors}`,
        actor: { id: actor, pseudonym: `psn-roles-${actors}` },
      },
    );
    await h.bus.publish([event]);
    const alert = await eventually(() => h.alerts.find((a) => a.context.actorId === actor));
    return { alertId: alert.id, caseId: alert.caseId! };
  }

  let sharedWorld: Promise<World> | undefined;
  /** One world for every read-only case: each world is an event published and its alert awaited. */
  function readWorld(): Promise<World> {
    sharedWorld ??= freshWorld();
    return sharedWorld;
  }

  async function call(route: RouteCase, caller: Caller, world: World): Promise<number> {
    if (route.stream) {
      const controller = new AbortController();
      const res = await fetch(`${base}${route.url(world)}`, {
        headers: headersOf(caller),
        signal: controller.signal,
      });
      controller.abort();
      await res.body?.cancel().catch(() => undefined);
      return res.status;
    }
    const res = await h.app.inject({
      method: route.method,
      url: route.url(world),
      headers: headersOf(caller),
      ...(route.body ? { payload: route.body() } : {}),
    });
    return res.statusCode;
  }

  it('the route table covers every route the module serves', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/monitor'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(served);
  });

  for (const route of ROUTES)
    for (const caller of CALLERS) {
      const expected = route.allowed.includes(caller)
        ? (route.ok ?? 200)
        : caller === 'anonymous'
          ? 401
          : 403;
      it(`${route.method} ${route.path} as ${caller}: ${expected}`, async () => {
        // A read changes nothing, so the reads share one world; every write gets its own.
        const world = route.method === 'GET' ? await readWorld() : await freshWorld();
        expect(await call(route, caller, world)).toBe(expected);
      });
    }
});
