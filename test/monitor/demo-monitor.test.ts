/**
 * The monitoring centre's demo world (issue 13 item 9) on a composed server, read back as the SOC
 * console reads it: the loan officer's harvest raised the bulk-harvesting alert and, touching the
 * decoy record, the critical honeytoken alert in the same case; the centre blocked the officer
 * (the next check is denied saying so) and proposes suspending the lender's system; the
 * service-centre employees who opened the public figure's record each raised a snooping alert in
 * a case of their own; the incident opened from the harvest's case runs its notification clock;
 * loading again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-citizens.js';
import {
  BLOCK_RULE,
  HARVEST_ACTOR,
  HARVEST_RULE,
  HARVEST_SYSTEM,
  PUBLIC_FIGURE,
} from '../../src/demo/demo-monitor.js';
import { type DemoCredentials, loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

interface Alert {
  readonly id: string;
  readonly ruleId: string;
  readonly caseId: string | null;
  readonly level: string;
  readonly context: { readonly actorId?: string; readonly subject?: string };
}

describe('the demo world’s monitoring centre', () => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    // A copy of the run's demo world, built by the real loader; the last test loads it again.
    world = await copyDemoWorld();
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
  });

  const soc = async <T>(url: string): Promise<T> => {
    const response = await qalqan.app.inject({
      url,
      headers: { authorization: `Bearer ${demo.staff.soc}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  const alertsOf = async (ruleId: string) =>
    (await soc<{ items: Alert[] }>(`/v1/monitor/alerts?ruleId=${ruleId}&limit=100`)).items;

  it('the harvest raised its alerts in one case; the officer is blocked and the suspension waits for an analyst', async () => {
    const harvest = (await alertsOf(HARVEST_RULE)).filter(
      (a) => a.context.actorId === HARVEST_ACTOR,
    );
    expect(harvest).toHaveLength(1);
    expect(harvest[0]).toMatchObject({ level: 'high' });
    const caseId = harvest[0]!.caseId!;
    const decoy = (await alertsOf(BLOCK_RULE)).filter((a) => a.context.actorId === HARVEST_ACTOR);
    expect(decoy).toHaveLength(1);
    expect(decoy[0]).toMatchObject({ level: 'critical', caseId });
    const { items } = await soc<{ items: { action: string; state: string; caseId: string }[] }>(
      `/v1/monitor/responses?caseId=${caseId}`,
    );
    expect(items.map((r) => [r.action, r.state]).sort()).toEqual([
      ['block-actor', 'in-force'],
      ['suspend-system', 'proposed'],
    ]);

    const lender = demo.systems.find((s) => s.system === HARVEST_SYSTEM)!;
    const next = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${lender.apiKey}` },
      payload: {
        subject: DEMO_CITIZENS[1]!.iin,
        actor: { id: HARVEST_ACTOR },
        action: 'read',
        purpose: 'finance.credit-scoring',
        categories: ['identity', 'financial'],
        legalBasis: 'consent',
      },
    });
    const answer = next.json<{ decision: string; reasons: { code: string }[] }>();
    expect(answer.decision).toBe('deny');
    expect(answer.reasons.map((r) => r.code)).toContain('response.actor_blocked');
  });

  it('each employee who opened the public figure’s record is in a snooping case of their own', async () => {
    const figure = qalqan.secrets.pseudonymOf(
      DEMO_CITIZENS.find((c) => c.name === PUBLIC_FIGURE)!.iin,
    );
    const snooping = (await alertsOf('protected-person-access')).filter(
      (a) => a.context.subject === figure,
    );
    expect(snooping).toHaveLength(24);
    expect(new Set(snooping.map((a) => a.context.actorId)).size).toBe(24);
    expect(new Set(snooping.map((a) => a.caseId)).size).toBe(24);
    expect(snooping.every((a) => a.caseId !== null)).toBe(true);
  });

  it('the incident from the harvest is open and its clock runs to a deadline after detection', async () => {
    const { items } = await soc<{
      items: {
        title: string;
        titleComposed: boolean;
        state: string;
        caseId: string | null;
        detectedAt: string;
        notifyBy: string;
      }[];
    }>('/v1/monitor/incidents');
    const harvestCase = (await alertsOf(HARVEST_RULE)).find(
      (a) => a.context.actorId === HARVEST_ACTOR,
    )!.caseId;
    const incident = items.find((i) => i.caseId === harvestCase)!;
    // Opened without a title: the server's is composed from the facts, the console words its own.
    expect(incident).toMatchObject({
      state: 'open',
      title: 'Personal data breach at Zhyldam Karyz MFO LLP (Online loan scoring)',
      titleComposed: true,
    });
    expect(Date.parse(incident.notifyBy)).toBeGreaterThan(Date.parse(incident.detectedAt));
    const harvest = (await alertsOf(HARVEST_RULE)).find((a) => a.context.actorId === HARVEST_ACTOR);
    expect(incident.caseId).toBe(harvest!.caseId);
  });

  it('loading again adds no alert, response or incident', async () => {
    const count = async () => ({
      alerts: (await soc<{ items: unknown[] }>('/v1/monitor/alerts?limit=200')).items.length,
      responses: (await soc<{ items: unknown[] }>('/v1/monitor/responses?limit=200')).items.length,
      incidents: (await soc<{ items: unknown[] }>('/v1/monitor/incidents')).items.length,
    });
    const before = await count();
    await loadDemoWorld(qalqan);
    expect(await count()).toEqual(before);
  }, 120_000);
});
