/**
 * The staff register and declared destinations in the composed server (`createQalqan`, embedded
 * bus), on SQLite and PostgreSQL, on the demo world the real loader built: the polyclinic's
 * receptionist opening the therapist's record raised coworker-snooping (the demo registered both
 * on the polyclinic's staff register through its system's key, by IIN, kept as pseudonyms); the
 * car maker's weekly transfers to Germany, declared and adequate, raised nothing. Then, through
 * the API: a transfer to a country the system never declared and that is not adequate is an
 * alert with a block of the country proposed; a coworker looked up for employment raises nothing,
 * for a sick-leave certificate it does. An operator's lists take only operators the registry
 * holds (asked through the monitor's registry port as `server.ts` wires it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import {
  CLINIC_STAFF,
  CLINIC_SYSTEM,
  SNOOPING_ACTOR,
  SNOOPING_RULE,
  TRANSFER_SYSTEM,
} from '../../src/demo/demo-monitor.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

interface Alert {
  readonly id: string;
  readonly ruleId: string;
  readonly context: { readonly actorId?: string; readonly subject?: string; system?: string };
  readonly group: Record<string, unknown>;
}

async function eventually<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeComposed('monitoring reference data in the composed server', (env) => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    world = await copyDemoWorld({ ...env(), QALQAN_PORT: '0' });
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
  }, 300_000);
  afterAll(async () => {
    await qalqan?.close();
    await world?.remove();
  });

  const get = async <T>(token: string, url: string): Promise<T> => {
    const res = await qalqan.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };
  const alertsOf = async (ruleId: string) =>
    (await get<{ items: Alert[] }>(demo.staff.soc, `/v1/monitor/alerts?ruleId=${ruleId}&limit=100`))
      .items;

  it('the demo world: a coworker snooping alert at the polyclinic, no alert for the declared transfers to Germany', async () => {
    const clinic = demo.systems.find((s) => s.system === CLINIC_SYSTEM)!;
    const { operatorId } = await get<{ operatorId: string }>(
      demo.staff.soc,
      `/v1/registry/systems/${clinic.systemId}`,
    );
    const staff = await get<{ items: { subject: string; actorId: string | null }[] }>(
      clinic.apiKey,
      `/v1/monitor/operators/${operatorId}/staff`,
    );
    expect(staff.items.map((i) => i.actorId).sort()).toEqual(
      CLINIC_STAFF.map((m) => m.actorId).sort(),
    );
    const therapist = qalqan.secrets.pseudonymOf(CLINIC_STAFF[0]!.iin);
    expect(staff.items.map((i) => i.subject)).toContain(therapist);
    for (const member of CLINIC_STAFF) expect(JSON.stringify(staff)).not.toContain(member.iin);

    const snooping = (await alertsOf(SNOOPING_RULE)).filter(
      (a) => a.context.actorId === SNOOPING_ACTOR,
    );
    expect(snooping).toHaveLength(1);
    expect(snooping[0]!.context.subject).toBe(therapist);

    const telematics = demo.systems.find((s) => s.system === TRANSFER_SYSTEM)!;
    const declared = await get<{ items: { country: string }[] }>(
      demo.staff.auditor,
      `/v1/monitor/systems/${telematics.systemId}/destinations`,
    );
    expect(declared.items.map((i) => i.country)).toEqual(['DE']);
    // (Tests run in a random order: the other one's transfer to AE may be alerted already.)
    expect((await alertsOf('destination-country')).filter((a) => a.group.country === 'DE')).toEqual(
      [],
    );
  });

  it("an operator's lists ask the registry: the regulator's entry for an operator it does not hold is a 404, for one it holds a 201", async () => {
    const regulator = { authorization: `Bearer ${demo.staff.regulator}` };
    const unknown = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/monitor/operators/op_not_registered/terminated-actors',
      headers: regulator,
      payload: { actorId: 'left-in-2025' },
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'monitor.operator_not_found',
      field: 'operatorId',
      detail: expect.stringContaining('op_not_registered') as unknown,
    });
    const clinic = demo.systems.find((s) => s.system === CLINIC_SYSTEM)!;
    const { operatorId } = await get<{ operatorId: string }>(
      demo.staff.soc,
      `/v1/registry/systems/${clinic.systemId}`,
    );
    const known = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/monitor/operators/${operatorId}/terminated-actors`,
      headers: regulator,
      payload: { actorId: 'left-in-2025' },
    });
    expect(known.statusCode, known.body).toBe(201);
  });

  it('a transfer to an undeclared, non-adequate country is an alert; an HR lookup of a coworker is not', async () => {
    const telematics = demo.systems.find((s) => s.system === TRANSFER_SYSTEM)!;
    const clinic = demo.systems.find((s) => s.system === CLINIC_SYSTEM)!;
    const transfer = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${telematics.apiKey}` },
      payload: {
        subject: CLINIC_STAFF[1]!.iin,
        actor: { id: 'eu-insurance-export-job' },
        action: 'transfer',
        purpose: 'transport.telematics-service',
        categories: ['identity', 'location', 'telematics'],
        legalBasis: 'consent',
        recipient: { name: 'Some broker' },
        country: 'AE',
        recordCount: 1,
      },
    });
    expect(transfer.statusCode, transfer.body).toBe(200);
    // An HR officer looks the receptionist up for employment, then another for a sick-leave
    // certificate (a health purpose, not an employment one): only the second is snooping. The
    // evaluator reads in order, so once the second alert is there the first was judged.
    const lookup = (actor: string, purpose: string) =>
      qalqan.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: { authorization: `Bearer ${clinic.apiKey}` },
        payload: {
          subject: CLINIC_STAFF[1]!.iin,
          actor: { id: actor },
          action: 'read',
          purpose,
          categories: ['identity', 'employment'],
          legalBasis: 'law',
          basisReference: 'Labour Code, Art. 23',
        },
      });
    expect((await lookup('hr-officer-1', 'employment.hr')).statusCode).toBe(200);
    expect((await lookup('hr-officer-2', 'health.sick-leave')).statusCode).toBe(200);
    const alert = await eventually(async () =>
      (await alertsOf('destination-country')).find((a) => a.group.country === 'AE'),
    );
    expect(alert.context.system).toBe(telematics.systemId);
    const proposed = await eventually(async () => {
      const { items } = await get<{ items: { action: string; state: string; country: string }[] }>(
        demo.staff.soc,
        `/v1/monitor/responses?systemId=${telematics.systemId}`,
      );
      return items.find((r) => r.action === 'block-country' && r.country === 'AE');
    });
    expect(proposed.state).toBe('proposed');
    await eventually(async () =>
      (await alertsOf(SNOOPING_RULE)).find((a) => a.context.actorId === 'hr-officer-2'),
    );
    expect(
      (await alertsOf(SNOOPING_RULE)).filter((a) => a.context.actorId === 'hr-officer-1'),
    ).toEqual([]);
  });
});
