/**
 * The staff register (coworker snooping, self-access) and declared destinations
 * (destination-country) end to end on both databases: registered through the routes, kept as
 * pseudonyms, ledger-recorded, fed to the default pack's engine, and judged on real access checks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../access/test-support/access-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  asStaff,
  asSystem,
  fakeSystem,
  type ResponseHarness,
  responseHarness,
} from './test-support/response-app.js';

const check = (
  subject: string,
  actor: string,
  more: { purpose?: string; action?: string; country?: string } = {},
) => ({
  subject,
  categories: ['identity'],
  purpose: more.purpose ?? 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML law, art. 5',
  actor: { id: actor },
  action: more.action ?? 'read',
  ...(more.country ? { country: more.country, recipient: { name: 'Partner bank' } } : {}),
});

describeStorage('monitoring reference data: staff register and declared destinations', (fx) => {
  let h: ResponseHarness;

  beforeAll(async () => {
    h = await responseHarness(fx.storage);
    h.systems.set('sys_clinic', fakeSystem('sys_clinic', 'op_clinic'));
    h.systems.set('sys_clinic2', fakeSystem('sys_clinic2', 'op_clinic'));
    h.systems.set('sys_other', fakeSystem('sys_other', 'op_other'));
  });
  afterAll(async () => {
    await h?.close();
  });

  const as = (
    headers: Record<string, string>,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
  ) => h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const ask = async (system: string, body: unknown) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: asSystem(system),
      payload: body as Record<string, unknown>,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await h.settle();
    return res.json<{ checkId: string }>();
  };
  /** Ledgered records of a type about the polyclinic (tests run in a random order). */
  const ledgered = async (type: string) =>
    (
      await fx.storage.db
        .selectFrom('outbox')
        .select(['record_json', 'ledger_index'])
        .where('type', '=', type)
        .where('ledger_index', 'is not', null)
        .execute()
    )
      .map((row) => row.record_json)
      .filter((record) => /"(op|sys)_clinic"/.test(record));
  const alertsOf = (ruleId: string) => h.alerts.filter((a) => a.ruleId === ruleId);

  it("an operator's system registers its employees by IIN, kept only as pseudonyms; a coworker's lookup raises coworker-snooping, HR's and one's own do not", async () => {
    const nurse = iinBornOn('1985-03-03', 311);
    const doctor = iinBornOn('1979-09-09', 312);
    const patient = iinBornOn('1990-01-01', 313);
    const added = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/operators/op_clinic/staff',
      {
        iin: doctor,
        actorId: 'dr-aliya',
        label: 'cardiology',
      },
    );
    expect(added.statusCode, added.body).toBe(201);
    expect(added.body).not.toContain(doctor);
    expect(added.json()).toMatchObject({
      operatorId: 'op_clinic',
      subject: h.pseudonymOf(doctor),
      actorId: 'dr-aliya',
      label: 'cardiology',
      addedBy: 'system:sys_clinic',
    });
    expect(added.headers.location).toBe(
      `/v1/monitor/operators/op_clinic/staff/${added.json<{ id: string }>().id}`,
    );
    // The regulator may register for the operator too; the nurse has no actor id given.
    const byRegulator = await as(
      asStaff('regulator'),
      'POST',
      '/v1/monitor/operators/op_clinic/staff',
      { iin: nurse },
    );
    expect(byRegulator.statusCode, byRegulator.body).toBe(201);
    const stored = await fx.storage.db.selectFrom('monitor_staff').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(doctor);
    expect(JSON.stringify(await ledgered('monitor.staff.added'))).not.toContain(doctor);
    expect(await ledgered('monitor.staff.added')).toHaveLength(2);
    expect([...((await h.module.referenceInput()).staff?.op_clinic ?? [])].sort()).toEqual(
      [h.pseudonymOf(doctor), h.pseudonymOf(nurse)].sort(),
    );
    expect((await h.module.referenceInput()).actorPersons?.op_clinic).toEqual({
      'dr-aliya': h.pseudonymOf(doctor),
    });

    // A patient's record: nothing. The nurse reads the doctor's record: snooping.
    await ask('sys_clinic', check(patient, 'nurse-7'));
    expect(alertsOf('coworker-snooping')).toHaveLength(0);
    await ask('sys_clinic', check(doctor, 'nurse-7'));
    const snooping = alertsOf('coworker-snooping');
    expect(snooping).toHaveLength(1);
    expect(snooping[0]!.context).toMatchObject({
      operator: 'op_clinic',
      actorId: 'nurse-7',
      subject: h.pseudonymOf(doctor),
    });
    // Through another system of the same operator: the register is the operator's.
    await ask('sys_clinic2', check(nurse, 'clerk-2'));
    expect(alertsOf('coworker-snooping')).toHaveLength(2);
    // HR looks the nurse up for payroll: an employment purpose, no alert.
    await ask('sys_clinic', check(nurse, 'hr-officer', { purpose: 'employment.hr' }));
    expect(alertsOf('coworker-snooping')).toHaveLength(2);
    // The doctor looks up their own record: self-access (by the registered actor id), not snooping.
    await ask('sys_clinic', check(doctor, 'dr-aliya'));
    expect(alertsOf('coworker-snooping')).toHaveLength(2);
    expect(alertsOf('self-access').map((a) => a.context.actorId)).toEqual(['dr-aliya']);
    // Another operator reading the doctor's record is no coworker.
    await ask('sys_other', check(doctor, 'teller-1'));
    expect(alertsOf('coworker-snooping')).toHaveLength(2);

    // Duplicates: the same person, or the same actor id, is 409.
    const again = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/operators/op_clinic/staff',
      {
        iin: doctor,
      },
    );
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'monitor.reference_exists' });
    expect(again.body).not.toContain(doctor);
    const sameActor = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/operators/op_clinic/staff',
      { iin: iinBornOn('1970-05-05', 314), actorId: 'dr-aliya' },
    );
    expect(sameActor.json()).toMatchObject({ code: 'monitor.reference_exists' });

    // Bad input: an invalid IIN (not echoed), an actor id or label holding one, another operator's list.
    const bad = await as(asSystem('sys_clinic'), 'POST', '/v1/monitor/operators/op_clinic/staff', {
      iin: '123456789012',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'core.invalid_iin' });
    expect(bad.body).not.toContain('123456789012');
    for (const body of [
      { iin: nurse, actorId: 'emp-850303300311' },
      { iin: nurse, label: 'IIN 850303300311' },
    ]) {
      const refused = await as(
        asSystem('sys_clinic'),
        'POST',
        '/v1/monitor/operators/op_clinic/staff',
        body,
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'request.validation' });
      expect(refused.body).not.toMatch(/\d{12}/);
    }
    const extra = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/operators/op_clinic/staff',
      {
        iin: nurse,
        salary: 1,
      },
    );
    expect(extra.statusCode).toBe(400);
    expect(extra.headers['content-type']).toContain('application/problem+json');
    const foreign = await as(asSystem('sys_other'), 'GET', '/v1/monitor/operators/op_clinic/staff');
    expect(foreign.statusCode).toBe(403);

    // The list, then a removal (ledger-recorded): the doctor is no longer staff.
    const list = (await as(asStaff('soc'), 'GET', '/v1/monitor/operators/op_clinic/staff')).json<{
      items: { id: string; subject: string }[];
    }>();
    expect(list.items.map((i) => i.subject).sort()).toEqual(
      [h.pseudonymOf(doctor), h.pseudonymOf(nurse)].sort(),
    );
    const doctorEntry = list.items.find((i) => i.subject === h.pseudonymOf(doctor))!;
    expect(
      (
        await as(
          asSystem('sys_clinic'),
          'DELETE',
          `/v1/monitor/operators/op_clinic/staff/${doctorEntry.id}`,
        )
      ).statusCode,
    ).toBe(204);
    // Another operator's entry id under this operator's path is not found.
    expect(
      (
        await as(
          asStaff('regulator'),
          'DELETE',
          `/v1/monitor/operators/op_other/staff/${list.items[0]!.id}`,
        )
      ).json(),
    ).toMatchObject({ code: 'monitor.reference_not_found' });
    expect(await ledgered('monitor.staff.removed')).toHaveLength(1);
    expect((await h.module.referenceInput()).staff?.op_clinic).toEqual([h.pseudonymOf(nurse)]);
    expect((await h.module.referenceInput()).actorPersons?.op_clinic).toBeUndefined();
  });

  it('destination-country: a declared, adequate destination raises nothing; an undeclared or non-adequate one does', async () => {
    const subject = iinBornOn('1992-02-02', 401);
    // Declared by the system itself and by the regulator; ledger-recorded.
    const de = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/systems/sys_clinic/destinations',
      { country: 'DE', note: 'lab partner in Berlin' },
    );
    expect(de.statusCode, de.body).toBe(201);
    expect(de.json()).toMatchObject({
      systemId: 'sys_clinic',
      operatorId: 'op_clinic',
      country: 'DE',
      note: 'lab partner in Berlin',
      addedBy: 'system:sys_clinic',
    });
    expect(de.headers.location).toBe('/v1/monitor/systems/sys_clinic/destinations/DE');
    const cn = await as(
      asStaff('regulator'),
      'POST',
      '/v1/monitor/systems/sys_clinic/destinations',
      {
        country: 'CN',
      },
    );
    expect(cn.statusCode, cn.body).toBe(201);
    expect(await ledgered('monitor.destination.added')).toHaveLength(2);
    expect((await h.module.referenceInput()).knownDestinations?.sys_clinic).toEqual(['CN', 'DE']);

    // Declared and adequate: nothing. The event says DE was adequate at decision time.
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'transfer', country: 'DE' }));
    const deEvent = h.events.filter((e) => e.type === 'access.checked').at(-1)!;
    expect(deEvent.data).toMatchObject({ country: 'DE', crossBorder: true, countryAdequate: true });
    expect(alertsOf('destination-country')).toHaveLength(0);
    // Declared but not adequate: alert (and a block of the country proposed to an analyst).
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'transfer', country: 'CN' }));
    expect(h.events.filter((e) => e.type === 'access.checked').at(-1)!.data).toMatchObject({
      countryAdequate: false,
    });
    expect(alertsOf('destination-country').map((a) => a.group.country)).toEqual(['CN']);
    // Adequate but never declared by this system: new, alert.
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'transfer', country: 'FR' }));
    expect(alertsOf('destination-country').map((a) => a.group.country)).toEqual(['CN', 'FR']);
    // The other system of the same operator declared nothing: DE is new for it.
    await ask('sys_clinic2', check(subject, 'courier-1', { action: 'transfer', country: 'DE' }));
    expect(alertsOf('destination-country')).toHaveLength(3);
    // Inside Kazakhstan: not a cross-border transfer.
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'transfer', country: 'KZ' }));
    expect(alertsOf('destination-country')).toHaveLength(3);
    const proposed = h.responded
      .flat()
      .filter((r) => r.action === 'block-country' && r.state === 'proposed');
    expect(proposed.map((r) => r.country).sort()).toEqual(['CN', 'DE', 'FR']);

    // Bad input: a lower-case or unknown code, a duplicate, another operator's system, no such system.
    const lower = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/systems/sys_clinic/destinations',
      {
        country: 'de',
      },
    );
    expect(lower.statusCode).toBe(400);
    const unknown = await as(
      asSystem('sys_clinic'),
      'POST',
      '/v1/monitor/systems/sys_clinic/destinations',
      { country: 'XX' },
    );
    expect(unknown.json()).toMatchObject({ code: 'core.unknown_country' });
    const twice = await as(
      asStaff('regulator'),
      'POST',
      '/v1/monitor/systems/sys_clinic/destinations',
      {
        country: 'DE',
      },
    );
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'monitor.reference_exists' });
    // A system of the same operator may declare for its sibling; another operator's may not.
    expect(
      (await as(asSystem('sys_clinic2'), 'GET', '/v1/monitor/systems/sys_clinic/destinations'))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await as(asSystem('sys_other'), 'POST', '/v1/monitor/systems/sys_clinic/destinations', {
          country: 'US',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await as(asStaff('regulator'), 'GET', '/v1/monitor/systems/sys_ghost/destinations')).json(),
    ).toMatchObject({ code: 'monitor.system_not_found' });

    // Withdrawn: DE is new again (after the dedup window, a fresh alert).
    expect(
      (await as(asSystem('sys_clinic'), 'DELETE', '/v1/monitor/systems/sys_clinic/destinations/DE'))
        .statusCode,
    ).toBe(204);
    expect(
      (
        await as(asSystem('sys_clinic'), 'DELETE', '/v1/monitor/systems/sys_clinic/destinations/DE')
      ).json(),
    ).toMatchObject({ code: 'monitor.reference_not_found' });
    expect(await ledgered('monitor.destination.removed')).toHaveLength(1);
    const list = (
      await as(asStaff('auditor'), 'GET', '/v1/monitor/systems/sys_clinic/destinations')
    ).json<{ items: { country: string }[] }>();
    expect(list.items.map((i) => i.country)).toEqual(['CN']);
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'transfer', country: 'DE' }));
    expect(alertsOf('destination-country').filter((a) => a.group.country === 'DE')).toHaveLength(2);
  });

  it('the same employee or destination registered twice at once: one entry, the other a 409, never a 500', async () => {
    h.systems.set('sys_race', fakeSystem('sys_race', 'op_race'));
    const iin = iinBornOn('1983-04-04', 601);
    const twice = async (url: string, payload: Record<string, unknown>) =>
      (await Promise.all([0, 1, 2].map(() => as(asSystem('sys_race'), 'POST', url, payload))))
        .map((res) => res.statusCode)
        .sort();
    expect(await twice('/v1/monitor/operators/op_race/staff', { iin, actorId: 'racer' })).toEqual([
      201, 409, 409,
    ]);
    expect(await twice('/v1/monitor/systems/sys_race/destinations', { country: 'TR' })).toEqual([
      201, 409, 409,
    ]);
    expect(
      (
        await fx.storage.db
          .selectFrom('monitor_staff')
          .select('id')
          .where('operator_id', '=', 'op_race')
          .execute()
      ).length,
    ).toBe(1);
  });
});
