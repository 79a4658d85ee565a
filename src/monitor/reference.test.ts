import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../access/test-support/access-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import type { MonitorReferenceInput } from './reference.model.js';
import { createReferenceData } from './reference.store.js';
import {
  asStaff,
  asSystem,
  fakeSystem,
  type ResponseHarness,
  responseHarness,
} from './test-support/response-app.js';

const checkBy = (subject: string, actor: string) => ({
  subject,
  categories: ['identity'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML law, art. 5',
  actor: { id: actor },
  action: 'read',
});

interface Answer {
  decision: string;
  reasons: { code: string }[];
}

describeStorage('monitoring reference data', (fx) => {
  let h: ResponseHarness;

  beforeAll(async () => {
    h = await responseHarness(fx.storage);
  });
  afterAll(async () => {
    await h?.close();
  });

  const as = (
    headers: Record<string, string>,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
  ) => h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const ask = async (system: string, body: unknown) =>
    (
      await h.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: asSystem(system),
        payload: body as Record<string, unknown>,
      })
    ).json<Answer>();
  const ledgerCount = async (type: string) =>
    (
      await fx.storage.db
        .selectFrom('outbox')
        .select('ledger_index')
        .where('type', '=', type)
        .where('ledger_index', 'is not', null)
        .execute()
    ).length;

  it('a honeytoken is registered by IIN and kept as a pseudonym; touching it blocks the actor at once and proposes suspending the system', async () => {
    h.systems.set('sys_honey', fakeSystem('sys_honey', 'op_honey'));
    const iin = iinBornOn('1975-07-07', 501);
    const added = await as(asStaff('soc'), 'POST', '/v1/monitor/honeytokens', {
      iin,
      label: 'planted record #1',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.body).not.toContain(iin);
    expect(added.json()).toMatchObject({
      list: 'honeytoken',
      subject: h.pseudonymOf(iin),
      label: 'planted record #1',
      addedBy: 'staff:soc:test-soc',
    });
    const stored = await fx.storage.db.selectFrom('monitor_watchlist').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(iin);
    expect(await ledgerCount('monitor.honeytoken.added')).toBeGreaterThanOrEqual(1);
    const again = await as(asStaff('soc'), 'POST', '/v1/monitor/honeytokens', { iin });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'monitor.reference_exists' });

    // The engine was given the new list: one touch is critical.
    await ask('sys_honey', checkBy(iin, 'curious-3'));
    await h.settle();
    const alert = h.alerts.find(
      (a) => a.ruleId === 'honeytoken-touched' && a.context.system === 'sys_honey',
    );
    expect(alert).toBeDefined();
    const made = h.responded.flat().filter((r) => r.alertId === alert!.id);
    expect(made.map((r) => [r.action, r.state])).toEqual([
      ['block-actor', 'in-force'],
      ['suspend-system', 'proposed'],
    ]);
    const next = await ask('sys_honey', checkBy(iinBornOn('1980-02-02', 9), 'curious-3'));
    expect(next.reasons.map((r) => r.code)).toContain('response.actor_blocked');

    // Removed: no longer on the list (and the removal is in the ledger).
    const id = added.json<{ id: string }>().id;
    expect((await as(asStaff('soc'), 'DELETE', `/v1/monitor/honeytokens/${id}`)).statusCode).toBe(
      204,
    );
    expect((await h.module.referenceInput()).honeytokens).not.toContain(h.pseudonymOf(iin));
    expect(
      (await as(asStaff('soc'), 'DELETE', `/v1/monitor/honeytokens/${id}`)).json(),
    ).toMatchObject({ code: 'monitor.reference_not_found' });
  });

  it('protected persons: an invalid IIN is refused without echoing it', async () => {
    const bad = await as(asStaff('soc'), 'POST', '/v1/monitor/protected-persons', {
      iin: '123456789012',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'core.invalid_iin' });
    expect(bad.body).not.toContain('123456789012');
    const iin = iinBornOn('1960-10-10', 77);
    const ok = await as(asStaff('soc'), 'POST', '/v1/monitor/protected-persons', { iin });
    expect(ok.statusCode).toBe(201);
    const list = (await as(asStaff('auditor'), 'GET', '/v1/monitor/protected-persons')).json<{
      items: { subject: string }[];
    }>();
    expect(list.items.map((i) => i.subject)).toContain(h.pseudonymOf(iin));
    expect((await h.module.referenceInput()).protectedPersons).toContain(h.pseudonymOf(iin));
  });

  it("working hours: the operator's own system or the regulator sets them, checked; another operator's system is refused", async () => {
    h.systems.set('sys_hours', fakeSystem('sys_hours', 'op_hours'));
    h.systems.set('sys_stranger', fakeSystem('sys_stranger', 'op_stranger'));
    const hours = { timeZone: 'Asia/Almaty', days: [5, 1, 2, 3, 4], start: '09:00', end: '18:00' };
    const set = await as(
      asSystem('sys_hours'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      hours,
    );
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      ...hours,
      days: [1, 2, 3, 4, 5],
      updatedBy: 'system:sys_hours',
    });
    expect((await h.module.referenceInput()).workingHours?.op_hours).toEqual({
      ...hours,
      days: [1, 2, 3, 4, 5],
    });
    expect(await ledgerCount('monitor.working-hours.set')).toBeGreaterThanOrEqual(1);

    const foreign = await as(
      asSystem('sys_stranger'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      hours,
    );
    expect(foreign.statusCode).toBe(403);
    const regulator = await as(
      asStaff('regulator'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      {
        ...hours,
        end: '20:00',
      },
    );
    expect(regulator.json()).toMatchObject({
      end: '20:00',
      updatedBy: 'staff:regulator:test-regulator',
    });
    const badZone = await as(
      asStaff('regulator'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      {
        ...hours,
        timeZone: 'Mars/Olympus',
      },
    );
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json()).toMatchObject({ code: 'monitor.invalid_working_hours' });
    const backwards = await as(
      asStaff('regulator'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      {
        ...hours,
        start: '18:00',
        end: '09:00',
      },
    );
    expect(backwards.json()).toMatchObject({ code: 'monitor.invalid_working_hours' });
    // A day listed twice is refused, naming the day and both places; nothing is stored.
    const repeated = await as(
      asStaff('regulator'),
      'PUT',
      '/v1/monitor/operators/op_hours/working-hours',
      { ...hours, days: [1, 2, 3, 2], end: '21:00' },
    );
    expect(repeated.statusCode).toBe(400);
    expect(repeated.json()).toMatchObject({
      code: 'monitor.invalid_working_hours',
      field: 'days[3]',
      value: 2,
      repeats: 'days[1]',
      detail:
        'Working hours: days[3] is 2 (Tuesday), already listed as days[1]; list each day once.',
    });
    expect(
      (await as(asStaff('soc'), 'GET', '/v1/monitor/operators/op_hours/working-hours')).json(),
    ).toMatchObject({ days: [1, 2, 3, 4, 5], end: '20:00' });
    expect(
      (await as(asStaff('soc'), 'GET', '/v1/monitor/operators/op_nobody/working-hours')).json(),
    ).toMatchObject({ code: 'monitor.reference_not_found' });
  });

  it('working hours stored with a day twice (a row from before repeats were refused) read as the set they name', async () => {
    await fx.storage.db
      .insertInto('monitor_working_hours')
      .values({
        operator_id: 'op_old_hours',
        time_zone: 'Asia/Almaty',
        days_json: '[3,1,1,2,3]',
        start_time: '09:00',
        end_time: '18:00',
        updated_at: '2026-01-01T00:00:00.000Z',
        updated_by: 'system:sys_old',
      })
      .execute();
    const read = await as(
      asStaff('soc'),
      'GET',
      '/v1/monitor/operators/op_old_hours/working-hours',
    );
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ days: [1, 2, 3] });
    expect((await h.module.referenceInput()).workingHours?.op_old_hours).toEqual({
      timeZone: 'Asia/Almaty',
      days: [1, 2, 3],
      start: '09:00',
      end: '18:00',
    });
  });

  it('a terminated actor reported by its operator is blocked on its next check (inactive-actor)', async () => {
    h.systems.set('sys_hr', fakeSystem('sys_hr', 'op_hr'));
    const reported = await as(
      asSystem('sys_hr'),
      'POST',
      '/v1/monitor/operators/op_hr/terminated-actors',
      {
        actorId: 'ex-employee-9',
      },
    );
    expect(reported.statusCode, reported.body).toBe(201);
    expect(
      (
        await as(asSystem('sys_hr'), 'POST', '/v1/monitor/operators/op_hr/terminated-actors', {
          actorId: 'ex-employee-9',
        })
      ).statusCode,
    ).toBe(409);
    expect((await h.module.referenceInput()).terminatedActors?.op_hr).toEqual(['ex-employee-9']);
    const idInIin = await as(
      asSystem('sys_hr'),
      'POST',
      '/v1/monitor/operators/op_hr/terminated-actors',
      {
        actorId: 'emp-870412300123',
      },
    );
    expect(idInIin.statusCode).toBe(400);
    expect(idInIin.body).not.toMatch(/\d{12}/);

    await ask('sys_hr', checkBy(iinBornOn('1988-08-08', 5), 'ex-employee-9'));
    await h.settle();
    expect(
      h.alerts.some((a) => a.ruleId === 'inactive-actor' && a.context.actorId === 'ex-employee-9'),
    ).toBe(true);
    const next = await ask('sys_hr', checkBy(iinBornOn('1988-08-08', 5), 'ex-employee-9'));
    expect(next.reasons.map((r) => r.code)).toContain('response.actor_blocked');

    const list = (
      await as(asStaff('soc'), 'GET', '/v1/monitor/operators/op_hr/terminated-actors')
    ).json<{ items: { actorId: string }[] }>();
    expect(list.items.map((i) => i.actorId)).toEqual(['ex-employee-9']);
    expect(
      (
        await as(
          asSystem('sys_hr'),
          'DELETE',
          '/v1/monitor/operators/op_hr/terminated-actors/ex-employee-9',
        )
      ).statusCode,
    ).toBe(204);
    expect((await h.module.referenceInput()).terminatedActors?.op_hr).toBeUndefined();
    expect(await ledgerCount('monitor.terminated-actor.removed')).toBeGreaterThanOrEqual(1);
  });
});

describeStorage('monitoring reference data across instances', (fx) => {
  let h: ResponseHarness;
  beforeAll(async () => {
    h = await responseHarness(fx.storage);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("another instance's change, and a termination whose date comes, reach the engine on refresh", async () => {
    const told: MonitorReferenceInput[] = [];
    h.module.onReferenceChanged((input) => {
      told.push(input);
    });
    const elsewhere = createReferenceData({
      db: fx.storage.db,
      outbox: { enqueue: () => Promise.resolve(), sequence: () => Promise.resolve(new Map()) },
      subjects: {
        subjectOf: () => Promise.reject(new Error('not used')),
        pseudonymOf: () => {
          throw new Error('not used');
        },
      },
      clock: () => h.now.value,
    });
    const tomorrow = new Date(h.now.value.getTime() + 86_400_000).toISOString();
    await elsewhere.addTerminated('op_far', 'leaves-tomorrow', tomorrow, 'staff:regulator:r');
    await elsewhere.addTerminated('op_far', 'left-today', null, 'staff:regulator:r');
    await h.module.reference.refresh();
    expect(told.at(-1)?.terminatedActors?.op_far).toEqual(['left-today']);
    const count = told.length;
    await h.module.reference.refresh();
    expect(told).toHaveLength(count); // nothing changed: nobody is told again
    h.now.value = new Date(Date.parse(tomorrow) + 1000);
    await h.module.reference.refresh();
    expect(told.at(-1)?.terminatedActors?.op_far).toEqual(['leaves-tomorrow', 'left-today']);
  });
});
