/**
 * The staff register (coworker snooping, self-access) and declared destinations
 * (destination-country) end to end on both databases: registered through the routes, kept as
 * pseudonyms, ledger-recorded, fed to the default pack's engine, and judged on real access checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  /** The polyclinic's alerts only: the batch tests raise the same rules for their operators. */
  const clinicAlerts = (ruleId: string) =>
    alertsOf(ruleId).filter((a) => a.context.operator === 'op_clinic');

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
    expect(clinicAlerts('coworker-snooping')).toHaveLength(0);
    await ask('sys_clinic', check(doctor, 'nurse-7'));
    const snooping = clinicAlerts('coworker-snooping');
    expect(snooping).toHaveLength(1);
    expect(snooping[0]!.context).toMatchObject({
      operator: 'op_clinic',
      actorId: 'nurse-7',
      subject: h.pseudonymOf(doctor),
    });
    // Through another system of the same operator: the register is the operator's.
    await ask('sys_clinic2', check(nurse, 'clerk-2'));
    expect(clinicAlerts('coworker-snooping')).toHaveLength(2);
    // HR looks the nurse up for payroll: an employment purpose, no alert.
    await ask('sys_clinic', check(nurse, 'hr-officer', { purpose: 'employment.hr' }));
    expect(clinicAlerts('coworker-snooping')).toHaveLength(2);
    // The doctor looks up their own record: self-access (by the registered actor id), not snooping.
    await ask('sys_clinic', check(doctor, 'dr-aliya'));
    expect(clinicAlerts('coworker-snooping')).toHaveLength(2);
    expect(clinicAlerts('self-access').map((a) => a.context.actorId)).toEqual(['dr-aliya']);
    // Another operator reading the doctor's record is no coworker.
    await ask('sys_other', check(doctor, 'teller-1'));
    expect(clinicAlerts('coworker-snooping')).toHaveLength(2);

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
    // A read by a system hosted at home is no transfer, whatever country it names: the access
    // decision says so (crossBorder: false), and the monitor takes its word.
    await ask('sys_clinic', check(subject, 'courier-1', { action: 'read', country: 'US' }));
    expect(h.events.filter((e) => e.type === 'access.checked').at(-1)!.data).toMatchObject({
      country: 'US',
      crossBorder: false,
    });
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
    // Removed three times at once: one removal (one ledger entry), the others find nothing.
    const removals = await Promise.all(
      [0, 1, 2].map(() =>
        as(asSystem('sys_race'), 'DELETE', '/v1/monitor/systems/sys_race/destinations/TR'),
      ),
    );
    expect(removals.map((res) => res.statusCode).sort()).toEqual([204, 404, 404]);
    const removed = await fx.storage.db
      .selectFrom('outbox')
      .select('record_json')
      .where('type', '=', 'monitor.destination.removed')
      .execute();
    expect(removed.filter((row) => row.record_json.includes('"sys_race"'))).toHaveLength(1);
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

  it("an operator's lists refuse an operator the registry does not know (404 monitor.operator_not_found naming the field and id), storing nothing", async () => {
    const unknown = 'op_typo';
    const iin = iinBornOn('1984-02-02', 621);
    const subjects = async () =>
      (await fx.storage.db.selectFrom('subjects').select('pseudonym').execute()).map(
        (row) => row.pseudonym,
      );
    const changes: [string, 'PUT' | 'POST', Record<string, unknown>][] = [
      [
        'working-hours',
        'PUT',
        { timeZone: 'Asia/Almaty', days: [1], start: '09:00', end: '18:00' },
      ],
      ['terminated-actors', 'POST', { actorId: 'gone-1' }],
      ['staff', 'POST', { iin, actorId: 'clerk-1' }],
      ['staff/batch', 'POST', { entries: [{ iin }, { iin: iinBornOn('1984-02-03', 622) }] }],
    ];
    for (const [list, method, payload] of changes) {
      const url = `/v1/monitor/operators/${unknown}/${list}`;
      const res = await h.app.inject({ method, url, headers: asStaff('regulator'), payload });
      expect(res.statusCode, `${list}: ${res.body}`).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        type: 'urn:qalqan:problem:monitor.operator_not_found',
        code: 'monitor.operator_not_found',
        in: 'path',
        field: 'operatorId',
        detail: expect.stringContaining(unknown) as unknown,
      });
    }
    // Nothing stored: no entry, no subject for the employees' IINs, nothing for the ledger.
    for (const table of [
      'monitor_working_hours',
      'monitor_terminated_actors',
      'monitor_staff',
    ] as const)
      expect(
        await fx.storage.db
          .selectFrom(table)
          .select('operator_id')
          .where('operator_id', '=', unknown)
          .execute(),
      ).toEqual([]);
    expect(await subjects()).not.toContain(h.pseudonymOf(iin));
    const outbox = await fx.storage.db.selectFrom('outbox').select('record_json').execute();
    expect(outbox.filter((row) => row.record_json.includes(unknown))).toEqual([]);
    // Reading an unknown operator's lists still answers (empty: nothing can be stored there).
    const read = await as(asStaff('soc'), 'GET', `/v1/monitor/operators/${unknown}/staff`);
    expect([read.statusCode, read.json()]).toEqual([200, { items: [] }]);
    // A system's key for another operator is still refused by role first (403), known or not.
    const foreign = await as(
      asSystem('sys_other'),
      'POST',
      `/v1/monitor/operators/${unknown}/staff`,
      {
        iin,
      },
    );
    expect(foreign.statusCode).toBe(403);
  });

  describe('the staff register in batches', () => {
    const url = '/v1/monitor/operators/op_batch/staff/batch';
    const refusedUrl = '/v1/monitor/operators/op_refused/staff/batch';
    const staffRows = () =>
      fx.storage.db
        .selectFrom('monitor_staff')
        .selectAll()
        .where('operator_id', '=', 'op_refused')
        .execute();
    const batchLedgered = async (operator = 'op_batch') =>
      (
        await fx.storage.db
          .selectFrom('outbox')
          .select(['record_json', 'ledger_index'])
          .where('type', '=', 'monitor.staff.added')
          .execute()
      ).filter((row) => row.record_json.includes(`"${operator}"`));
    const subjectCount = async () =>
      Number(
        (
          await fx.storage.db
            .selectFrom('subjects')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const batchAlerts = (ruleId: string) =>
      alertsOf(ruleId).filter((a) => a.context.operator === 'op_batch');

    beforeAll(() => {
      h.systems.set('sys_batch', fakeSystem('sys_batch', 'op_batch'));
      h.systems.set('sys_refused', fakeSystem('sys_refused', 'op_refused'));
    });

    it('registers many employees in one request, each ledgered as the single route does, and the engine judges them at once', async () => {
      const told: string[][] = [];
      const stop = h.module.onReferenceChanged((input) => {
        told.push([...(input.staff?.op_batch ?? [])]);
      });
      const cashier = iinBornOn('1988-08-08', 701);
      const teller = iinBornOn('1991-01-21', 702);
      const manager = iinBornOn('1975-05-15', 703);
      const res = await as(asSystem('sys_batch'), 'POST', url, {
        entries: [
          { iin: cashier, actorId: 'cashier-1', label: 'front office' },
          { iin: teller },
          { iin: manager, actorId: 'mgr-1' },
        ],
      });
      stop();
      expect(res.statusCode, res.body).toBe(201);
      for (const iin of [cashier, teller, manager]) expect(res.body).not.toContain(iin);
      const items = res.json<{ items: Record<string, unknown>[] }>().items;
      expect(items).toEqual([
        expect.objectContaining({
          operatorId: 'op_batch',
          subject: h.pseudonymOf(cashier),
          actorId: 'cashier-1',
          label: 'front office',
          addedBy: 'system:sys_batch',
        }),
        expect.objectContaining({ subject: h.pseudonymOf(teller), actorId: null, label: null }),
        expect.objectContaining({ subject: h.pseudonymOf(manager), actorId: 'mgr-1' }),
      ]);
      expect(new Set(items.map((i) => i.id)).size).toBe(3);
      // The listing holds them, with the same ids.
      const listed = (
        await as(asStaff('auditor'), 'GET', '/v1/monitor/operators/op_batch/staff')
      ).json<{ items: { id: string }[] }>();
      expect(listed.items.map((i) => i.id)).toEqual(expect.arrayContaining(items.map((i) => i.id)));

      // One ledger entry each, the record as a single registration writes it.
      const ledger = await batchLedgered();
      expect(ledger).toHaveLength(3);
      expect(ledger.every((row) => row.ledger_index !== null)).toBe(true);
      const records = ledger.map((row) => JSON.parse(row.record_json) as Record<string, unknown>);
      expect(records.find((r) => r.subject === h.pseudonymOf(cashier))).toEqual({
        id: items[0]!.id,
        operator: 'op_batch',
        subject: h.pseudonymOf(cashier),
        actor: 'cashier-1',
        by: 'system:sys_batch',
        at: items[0]!.addedAt,
      });
      expect(JSON.stringify(records)).not.toContain(cashier);

      // The engine was told once, after the commit, with all three.
      expect(told).toHaveLength(1);
      expect([...told[0]!].sort()).toEqual(
        [h.pseudonymOf(cashier), h.pseudonymOf(teller), h.pseudonymOf(manager)].sort(),
      );
      // A coworker opening the teller's record: snooping. The manager their own: self-access.
      await ask('sys_batch', check(teller, 'cashier-1'));
      expect(batchAlerts('coworker-snooping').map((a) => a.context.subject)).toEqual([
        h.pseudonymOf(teller),
      ]);
      await ask('sys_batch', check(manager, 'mgr-1'));
      expect(batchAlerts('coworker-snooping')).toHaveLength(1);
      expect(batchAlerts('self-access').map((a) => a.context.actorId)).toEqual(['mgr-1']);

      // The regulator may register a batch for the operator too.
      const byRegulator = await as(asStaff('regulator'), 'POST', url, {
        entries: [{ iin: iinBornOn('1966-06-16', 704), actorId: 'guard-1' }],
      });
      expect(byRegulator.statusCode, byRegulator.body).toBe(201);
      expect(byRegulator.json()).toMatchObject({
        items: [{ addedBy: expect.stringMatching(/^staff:regulator:/) as unknown }],
      });
    });

    it('refuses a batch with any bad entry as a whole, naming every failing entry by index and code, and stores nothing', async () => {
      const kept = iinBornOn('1980-10-10', 711);
      const first = await as(
        asSystem('sys_refused'),
        'POST',
        '/v1/monitor/operators/op_refused/staff',
        {
          iin: kept,
          actorId: 'kept-1',
        },
      );
      expect(first.statusCode, first.body).toBe(201);
      const keptId = first.json<{ id: string }>().id;
      const fresh = iinBornOn('1993-03-13', 712);
      const other = iinBornOn('1994-04-14', 713);
      const rowsBefore = (await staffRows()).length;
      const ledgerBefore = (await batchLedgered('op_refused')).length;
      const subjectsBefore = await subjectCount();

      const res = await as(asSystem('sys_refused'), 'POST', refusedUrl, {
        entries: [
          { iin: fresh, actorId: 'new-1' }, // 0: fine on its own
          { iin: '123456789012' }, // 1: invalid IIN (never echoed)
          { iin: other, label: 'IIN 850303300311' }, // 2: a label holding an IIN
          { iin: fresh }, // 3: the same person as entry 0
          { iin: iinBornOn('1995-05-25', 714), actorId: 'new-1' }, // 4: entry 0's actor id
          { iin: kept }, // 5: already registered
          { iin: iinBornOn('1996-06-26', 715), actorId: 'kept-1' }, // 6: a registered actor id
          { iin: iinBornOn('1997-07-27', 716), actorId: 'emp-850303300311' }, // 7: an IIN in the id
        ],
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toMatch(/\d{12}/);
      const problem = res.json<{
        code: string;
        detail: string;
        errors: { in: string; field: string; index: number; code: string; id?: string }[];
      }>();
      expect(problem.code).toBe('monitor.batch_refused');
      expect(problem.detail).toMatch(/^7 of 8 entries cannot be registered/);
      expect(
        problem.errors.map((e) => ({ field: e.field, index: e.index, code: e.code, id: e.id })),
      ).toEqual([
        { field: 'entries[1].iin', index: 1, code: 'core.invalid_iin', id: undefined },
        { field: 'entries[2].label', index: 2, code: 'request.validation', id: undefined },
        { field: 'entries[3].iin', index: 3, code: 'monitor.reference_exists', id: undefined },
        { field: 'entries[4].actorId', index: 4, code: 'monitor.reference_exists', id: undefined },
        { field: 'entries[5].iin', index: 5, code: 'monitor.reference_exists', id: keptId },
        { field: 'entries[6].actorId', index: 6, code: 'monitor.reference_exists', id: keptId },
        { field: 'entries[7].actorId', index: 7, code: 'request.validation', id: undefined },
      ]);
      expect(problem.errors.every((e) => e.in === 'body')).toBe(true);
      // Nothing stored: no row, no ledger entry, not even a subject.
      expect(await staffRows()).toHaveLength(rowsBefore);
      expect(await batchLedgered('op_refused')).toHaveLength(ledgerBefore);
      expect(await subjectCount()).toBe(subjectsBefore);

      // Empty, oversized, malformed: the schema's 400.
      for (const entries of [[], Array.from({ length: 1001 }, () => ({ iin: fresh }))]) {
        const refused = await as(asSystem('sys_refused'), 'POST', refusedUrl, { entries });
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toMatchObject({ code: 'request.validation' });
      }
      const extra = await as(asSystem('sys_refused'), 'POST', refusedUrl, {
        entries: [{ iin: fresh, salary: 1 }],
      });
      expect(extra.statusCode).toBe(400);
      expect(await staffRows()).toHaveLength(rowsBefore);
    });

    it('takes a thousand employees in one request', async () => {
      h.systems.set('sys_big', fakeSystem('sys_big', 'op_big'));
      // Distinct IINs (a serial without a check digit moves on to the next one).
      const iins = new Set<string>();
      for (let serial = 2000; iins.size < 1000; serial++) iins.add(iinBornOn('1960-01-01', serial));
      const entries = [...iins].map((iin, i) => ({ iin, actorId: `emp-${i}` }));
      const res = await as(
        asSystem('sys_big'),
        'POST',
        '/v1/monitor/operators/op_big/staff/batch',
        { entries },
      );
      expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
      expect(res.json<{ items: unknown[] }>().items).toHaveLength(1000);
      expect((await h.module.referenceInput()).staff?.op_big).toHaveLength(1000);
      // A reference list answers whole, { items } without a cursor.
      const listed = await as(asStaff('auditor'), 'GET', '/v1/monitor/operators/op_big/staff');
      expect(Object.keys(listed.json<object>())).toEqual(['items']);
      expect(listed.json<{ items: unknown[] }>().items).toHaveLength(1000);
      // The same thousand again: refused whole, each entry named.
      const again = await as(
        asSystem('sys_big'),
        'POST',
        '/v1/monitor/operators/op_big/staff/batch',
        { entries },
      );
      expect(again.statusCode).toBe(422);
      expect(again.json<{ errors: unknown[] }>().errors).toHaveLength(2000);
    });

    it('two batches naming the same employee at once: one registered, the other refused whole, never a 500', async () => {
      h.systems.set('sys_race2', fakeSystem('sys_race2', 'op_race2'));
      const shared = iinBornOn('1984-04-24', 721);
      const answers = await Promise.all(
        [722, 723].map((n) =>
          as(asSystem('sys_race2'), 'POST', '/v1/monitor/operators/op_race2/staff/batch', {
            entries: [{ iin: iinBornOn('1985-05-25', n) }, { iin: shared }],
          }),
        ),
      );
      expect(answers.map((res) => res.statusCode).sort()).toEqual([201, 422]);
      const refused = answers.find((res) => res.statusCode === 422)!;
      expect(refused.json()).toMatchObject({
        code: 'monitor.batch_refused',
        errors: [{ index: 1, code: 'monitor.reference_exists' }],
      });
      const rows = await fx.storage.db
        .selectFrom('monitor_staff')
        .select('id')
        .where('operator_id', '=', 'op_race2')
        .execute();
      expect(rows).toHaveLength(2);
    });
  });
});
