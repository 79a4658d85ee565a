/**
 * The monitoring centre composed as `qalqan serve` composes it (embedded bus), on SQLite and
 * PostgreSQL: an access check by an employee about themselves, made through the API, reaches the
 * engine through the outbox and the bus; the SOC sees the alert on the live feed (server-sent
 * events over a real socket) and, acknowledged, again as alert-updated, in the alert list and in
 * its case; the rule list counts the hit;
 * `/metrics` carries the monitor's figures.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { createQalqan, listen, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

describeComposed('monitoring centre in the composed server', (env) => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  let baseUrl: string;
  beforeAll(async () => {
    world = await copyDemoWorld({ ...env(), QALQAN_PORT: '0' });
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
    // A server on a copy replays the world's events into its rule windows as it starts (the one
    // that loaded the world had them live): the timings below count from a server that is ready.
    await qalqan.monitor.evaluator.whenLeading();
    baseUrl = await listen(qalqan);
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
  });

  it('an employee looking themselves up is an alert on the live feed, in the list and in a case', async () => {
    const soc = { authorization: `Bearer ${demo.staff.soc}` };
    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/v1/monitor/alerts/stream`, {
      headers: soc,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const seen = (async () => {
      while (
        !/event: alert\ndata: [^\n]*"ruleId":"self-access"[^\n]*"actorId":"teller-self"/.test(
          received,
        )
      ) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      return received;
    })();

    const bank = demo.systems.find((s) => s.system === 'Core banking')!;
    const employee = iinBornOn('1985-05-05', 77);
    const res = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${bank.apiKey}` },
      payload: {
        subject: employee,
        categories: ['identity'],
        purpose: 'finance.kyc',
        legalBasis: 'law',
        basisReference: 'Law on AML/CFT, Art. 5',
        actor: { id: 'teller-self', iin: employee },
        action: 'read',
      },
    });
    expect(res.statusCode).toBe(200);
    const checkId = res.json<{ checkId: string }>().checkId;

    const text = await seen;
    expect(text).toContain(`id: self-access:${checkId}`);
    expect(text).not.toContain(employee);
    // A change is sent as alert-updated, under the same id.
    const acknowledged = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/alerts/${encodeURIComponent(`self-access:${checkId}`)}/acknowledge`,
      headers: soc,
      payload: {},
    });
    if (acknowledged.statusCode !== 200) controller.abort();
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    const updated = new RegExp(
      `id: self-access:${checkId}\nevent: alert-updated\ndata: [^\n]*"state":"acknowledged"`,
    );
    let more = text;
    while (!updated.test(more)) {
      const { value, done } = await reader.read();
      if (done) break;
      more += decoder.decode(value, { stream: true });
    }
    controller.abort();
    expect(more).toMatch(updated);

    const list = await qalqan.app.inject({
      method: 'GET',
      url: '/v1/monitor/alerts?ruleId=self-access',
      headers: { authorization: `Bearer ${demo.staff.auditor}` },
    });
    const alert = list
      .json<{ items: { id: string; caseId: string; level: string }[] }>()
      .items.find((a) => a.id === `self-access:${checkId}`);
    expect(alert).toMatchObject({ level: 'high', caseId: expect.stringMatching(/^case_/) });
    const kase = await qalqan.app.inject({
      method: 'GET',
      url: `/v1/monitor/cases/${alert!.caseId}`,
      headers: { authorization: `Bearer ${demo.staff.regulator}` },
    });
    expect(kase.statusCode).toBe(200);
    const body = kase.json<{ timeline: { kind: string; eventId?: string }[] }>();
    expect(body.timeline).toContainEqual(
      expect.objectContaining({ kind: 'event', eventId: checkId }),
    );
    expect(kase.body).not.toContain(employee);

    const rules = await qalqan.app.inject({
      method: 'GET',
      url: '/v1/monitor/rules',
      headers: soc,
    });
    expect(
      rules
        .json<{ items: { id: string; hits: number }[] }>()
        .items.find((r) => r.id === 'self-access')!.hits,
    ).toBeGreaterThanOrEqual(1);
    const metrics = await qalqan.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /qalqan_monitor_alerts_total\{rule="self-access",level="high",shadow="false"\} [1-9]/,
    );
    expect(metrics.body).toContain('qalqan_monitor_evaluator_leader 1');
    // Every figure docs/MONITOR.md names under "Metrics" and "Retention".
    for (const line of [
      /^qalqan_monitor_events_processed_total [1-9]/m,
      /^qalqan_monitor_parked_events_total \d/m,
      /^qalqan_monitor_lag_seconds \d/m,
      /^qalqan_monitor_window_entries\{kind="entries"\} \d/m,
      /^qalqan_monitor_window_entries\{kind="groups"\} \d/m,
      /^qalqan_monitor_events_pruned_total \d/m,
    ])
      expect(metrics.body).toMatch(line);
  }, 60_000);
});
