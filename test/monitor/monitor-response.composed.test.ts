/**
 * Prevention in the composed server (`createQalqan`, embedded bus), on SQLite and PostgreSQL: a
 * harvesting burst of access checks through the API reaches the elected evaluator through the
 * outbox and the bus; the critical alert's automatic response blocks the actor, so its next check
 * is denied with the block reason, while its coworkers go on; suspending the system is proposed,
 * confirmed by an analyst through the registry (the system's checks are then denied as suspended)
 * and lifted (reinstated); an incident opened from the alert's case counts the harvested citizens.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

interface Answer {
  decision: string;
  reasons: { code: string; message: { en: string } }[];
}

const check = (subject: string, actor: string) => ({
  subject,
  categories: ['identity'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'Law on AML/CFT, Art. 5',
  actor: { id: actor },
  action: 'read',
});

async function eventually<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeComposed('monitoring responses in the composed server', (env) => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    world = await copyDemoWorld({ ...env(), QALQAN_PORT: '0' });
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
    // A server on a copy replays the world's events into its rule windows as it starts (the one
    // that loaded the world had them live): the timings below count from a server that is ready.
    await qalqan.monitor.evaluator.whenLeading();
  }, 300_000);
  afterAll(async () => {
    await qalqan?.close();
    await world?.remove();
  });

  it('a harvesting burst blocks the actor within seconds; suspension is proposed, confirmed through the registry and lifted; an incident counts the harvested citizens', async () => {
    const bank = demo.systems.find((s) => s.system === 'Core banking')!;
    const asBank = { authorization: `Bearer ${bank.apiKey}` };
    const soc = { authorization: `Bearer ${demo.staff.soc}` };
    const ask = async (body: unknown) => {
      const res = await qalqan.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: asBank,
        payload: body as Record<string, unknown>,
      });
      return { status: res.statusCode, answer: res.json<Answer>() };
    };
    const subjects = Array.from({ length: 1000 }, (_, i) => iinBornOn('1982-04-04', 1 + i * 3));
    const batch = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asBank,
      payload: { checks: subjects.map((s) => check(s, 'harvester-1')) },
    });
    expect(batch.statusCode, batch.body).toBe(200);

    // Within seconds the harvester's next check is denied with the block reason.
    const startedAt = Date.now();
    const denied = await eventually(async () => {
      const { answer } = await ask(check(subjects[0]!, 'harvester-1'));
      return answer.reasons.some((r) => r.code === 'response.actor_blocked') ? answer : undefined;
    });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(denied.decision).toBe('deny');
    expect(denied.reasons.find((r) => r.code === 'response.actor_blocked')!.message.en).toContain(
      'monitoring centre has blocked',
    );
    expect((await ask(check(subjects[0]!, 'coworker-2'))).answer.decision).toBe('permit');

    // The suspension waits for an analyst.
    const responses = (
      await qalqan.app.inject({
        method: 'GET',
        url: `/v1/monitor/responses?systemId=${bank.systemId}`,
        headers: soc,
      })
    ).json<{
      items: { id: string; action: string; state: string; alertId: string; caseId: string }[];
    }>().items;
    const block = responses.find((r) => r.action === 'block-actor' && r.state === 'in-force')!;
    const proposal = responses.find(
      (r) => r.action === 'suspend-system' && r.alertId === block.alertId,
    )!;
    expect(proposal.state).toBe('proposed');
    expect(block.alertId).toMatch(/^bulk-harvesting-critical:/);
    expect(block.caseId).toMatch(/^case_/);

    const confirmed = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/responses/${proposal.id}/confirm`,
      headers: soc,
      payload: { reason: 'harvest confirmed' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const suspended = await ask(check(subjects[1]!, 'coworker-2'));
    expect(suspended.answer.reasons.map((r) => r.code)).toContain('standing.system.suspended');
    const again = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/responses/${proposal.id}/confirm`,
      headers: soc,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    const lifted = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/responses/${proposal.id}/lift`,
      headers: soc,
      payload: { reason: 'access control fixed' },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect((await ask(check(subjects[1]!, 'coworker-2'))).answer.decision).toBe('permit');

    // An incident from the alert's case: the affected citizens are the harvested ones (and any the
    // bank's demo checks touched in the window).
    const alert = (
      await qalqan.app.inject({
        method: 'GET',
        url: `/v1/monitor/alerts/${encodeURIComponent(block.alertId)}`,
        headers: soc,
      })
    ).json<{ alert: { caseId: string } }>().alert;
    const incident = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/monitor/incidents',
      headers: soc,
      payload: { title: 'Harvest at the bank', caseId: alert.caseId },
    });
    expect(incident.statusCode, incident.body).toBe(201);
    expect(alert.caseId).toBe(block.caseId);
    expect(incident.json<{ affectedCount: number }>().affectedCount).toBeGreaterThanOrEqual(1000);
    expect(incident.body).not.toMatch(/\d{12}/);
  }, 240_000);
});
