/**
 * Names beside ids in the monitoring centre's answers, on the composed server (SQLite and
 * PostgreSQL): a check on a honeytoken subject raises a critical alert; the live feed, the alert
 * list and page, the case, the responses and the incident opened from the case carry the
 * system's and operator's registry names (the operator's in kk / ru / en) and the actor's opaque
 * code — the same code the access module committed for the check — beside the ids they keep.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { createQalqan, listen, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { kycCheck, loadMinimalWorld, type MinimalWorld } from '../support/minimal-world.js';

interface Named {
  systemName?: string;
  operatorName?: { kk: string; ru: string; en: string };
  actorCode?: string;
}

describeComposed('monitoring centre names in the composed server', (env) => {
  let qalqan: Qalqan;
  let world: MinimalWorld;
  let baseUrl: string;
  beforeAll(async () => {
    qalqan = await createQalqan(loadConfig({ ...env(), QALQAN_PORT: '0' }), { logger: false });
    world = await loadMinimalWorld(qalqan);
    baseUrl = await listen(qalqan);
  }, 120_000);
  afterAll(async () => {
    await qalqan?.close();
  });

  it('alerts, cases, responses and incidents carry registry names and the actor code beside the ids', async () => {
    const soc = { authorization: `Bearer ${world.staff.soc}` };
    const get = async <T>(url: string, headers = soc) => {
      const res = await qalqan.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<T>();
    };
    const names = {
      systemName: world.systemName,
      operatorName: world.operatorName,
    };

    const honey = iinBornOn('1979-09-09', 41);
    const planted = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/monitor/honeytokens',
      headers: soc,
      payload: { iin: honey, label: 'decoy' },
    });
    expect(planted.statusCode, planted.body).toBe(201);

    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/v1/monitor/alerts/stream`, {
      headers: soc,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    const seen = (async () => {
      let received = '';
      for (;;) {
        const match = /event: alert\ndata: ([^\n]*"ruleId":"honeytoken-touched"[^\n]*)\n/.exec(
          received,
        );
        if (match) return JSON.parse(match[1]!) as { id: string; context: Named };
        const { value, done } = await reader.read();
        if (done) throw new Error('the feed ended');
        received += decoder.decode(value, { stream: true });
      }
    })();

    const checked = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${world.apiKey}` },
      payload: kycCheck(honey, 'clerk-7'),
    });
    expect(checked.statusCode, checked.body).toBe(200);
    const checkId = checked.json<{ checkId: string }>().checkId;
    // The code the access module committed for this actor at this operator.
    const stored = await get<{ actor: { id: string; code: string } }>(
      `/v1/access-checks/${checkId}`,
    );
    expect(stored.actor).toMatchObject({ id: 'clerk-7', code: expect.stringMatching(/^A-/) });
    const actorCode = stored.actor.code;

    const live = await seen;
    controller.abort();
    expect(live.id).toBe(`honeytoken-touched:${checkId}`);
    expect(live.context).toMatchObject({
      system: world.systemId,
      operator: world.operatorId,
      actorId: 'clerk-7',
      ...names,
      actorCode,
    });

    const list = await get<{ items: { id: string; caseId: string; context: Named }[] }>(
      '/v1/monitor/alerts?ruleId=honeytoken-touched',
      { authorization: `Bearer ${world.staff.auditor}` },
    );
    const listed = list.items.find((a) => a.id === live.id)!;
    expect(listed.context).toMatchObject({ ...names, actorCode });
    const one = await get<{ alert: { context: Named } }>(
      `/v1/monitor/alerts/${encodeURIComponent(live.id)}`,
    );
    expect(one.alert.context).toMatchObject({ ...names, actorCode });

    const cases = await get<{ items: ({ id: string } & Named)[] }>('/v1/monitor/cases');
    const kase = cases.items.find((c) => c.id === listed.caseId)!;
    expect(kase).toMatchObject({ system: world.systemId, actorId: 'clerk-7', ...names, actorCode });
    const detail = await get<{ case: Named; alerts: { context: Named }[] }>(
      `/v1/monitor/cases/${listed.caseId}`,
      { authorization: `Bearer ${world.staff.regulator}` },
    );
    expect(detail.case).toMatchObject({ ...names, actorCode });
    expect(detail.alerts[0]!.context).toMatchObject({ ...names, actorCode });
    const acknowledged = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/cases/${listed.caseId}/acknowledge`,
      headers: soc,
      payload: {},
    });
    expect(acknowledged.json<Named>()).toMatchObject({ ...names, actorCode });

    // The honeytoken's responses: the actor blocked at once (with its code), the system's
    // suspension proposed (no actor, so no code).
    const responses = await get<{
      items: ({ action: string; alertId: string; actorId: string | null } & Named)[];
    }>(`/v1/monitor/responses?alertId=${encodeURIComponent(live.id)}`);
    const block = responses.items.find((r) => r.action === 'block-actor')!;
    expect(block).toMatchObject({ actorId: 'clerk-7', ...names, actorCode });
    const suspend = responses.items.find((r) => r.action === 'suspend-system')!;
    expect(suspend).toMatchObject(names);
    expect(suspend.actorCode).toBeUndefined();

    const incident = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/monitor/incidents',
      headers: soc,
      payload: { title: 'Decoy record read at the bank', caseId: listed.caseId },
    });
    expect(incident.statusCode, incident.body).toBe(201);
    expect(incident.json<Named>()).toMatchObject(names);
    const incidents = await get<{ items: ({ id: string } & Named)[] }>('/v1/monitor/incidents');
    expect(incidents.items.find((i) => i.id === incident.json<{ id: string }>().id)).toMatchObject(
      names,
    );

    // Names are read from the registry when answering, never kept: a renamed system reads anew.
    const asRegulator = { authorization: `Bearer ${world.staff.regulator}` };
    const current = await qalqan.app.inject({
      method: 'GET',
      url: `/v1/registry/systems/${world.systemId}`,
      headers: asRegulator,
    });
    const renamed = await qalqan.app.inject({
      method: 'PATCH',
      url: `/v1/registry/systems/${world.systemId}`,
      headers: { ...asRegulator, 'if-match': current.headers.etag as string },
      payload: { name: 'Core banking 2' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const again = await get<{ alert: { context: Named } }>(
      `/v1/monitor/alerts/${encodeURIComponent(live.id)}`,
    );
    expect(again.alert.context.systemName).toBe('Core banking 2');
    expect(JSON.stringify([list, detail, responses, incidents])).not.toContain(honey);
  }, 60_000);
});
