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

interface Incident {
  id: string;
  state: string;
  affectedCount: number;
  notifyBy: string;
  windowFrom: string;
  windowTo: string;
  detectedAt: string;
  caseId: string | null;
  clock: { status: string; remainingMs: number };
  authorityNotifiedAt: string | null;
  citizensNotified: number;
  citizensNotifiedAt: string | null;
  notice: {
    affectedCount: number;
    systemName?: string;
    categories: string[];
    note?: string;
    text: { kk: string; ru: string; en: string };
  };
}

describeStorage('incidents and breach notification', (fx) => {
  let h: ResponseHarness;

  beforeAll(async () => {
    h = await responseHarness(fx.storage, {
      pageSize: 2,
      // Illustrative days moved by decree (not the decree's): Friday 8 May 2026 off, Saturday
      // 16 May working. Far from the other tests' December.
      breachTransfers: { KZ: { daysOff: ['2026-05-08'], workingDays: ['2026-05-16'] } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const soc = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    h.app.inject({ method, url, headers: asStaff('soc'), ...(payload ? { payload } : {}) });

  /** A system of its own with `n` subjects checked now, by one employee; returns their pseudonyms. */
  async function systemWithChecks(id: string, n: number, serial: number): Promise<string[]> {
    h.systems.set(id, fakeSystem(id, `op_${id}`));
    const iins = Array.from({ length: n }, (_, i) => iinBornOn('1991-03-03', serial + i * 7));
    for (const subject of iins) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: asSystem(id),
        payload: {
          subject,
          categories: ['identity'],
          purpose: 'finance.kyc',
          legalBasis: 'law',
          basisReference: 'AML law, art. 5',
          actor: { id: 'teller-1' },
          action: 'read',
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    return iins.map((iin) => h.pseudonymOf(iin)).sort();
  }

  const window = () => ({
    windowFrom: new Date(h.now.value.getTime() - 3_600_000).toISOString(),
    windowTo: new Date(h.now.value.getTime() + 1000).toISOString(),
  });

  it('opens an incident by hand: affected citizens from the access records, a KZ one-business-day clock and a prefilled notice; the authorised body is notified once', async () => {
    const affected = await systemWithChecks('sys_breached', 5, 1);
    const opened = await soc('POST', '/v1/monitor/incidents', {
      title: 'Database dump offered for sale',
      systemId: 'sys_breached',
      ...window(),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const incident = opened.json<Incident>();
    expect(incident).toMatchObject({ state: 'open', affectedCount: 5, caseId: null });
    expect(incident.notice).toMatchObject({
      affectedCount: 5,
      systemName: 'System sys_breached',
      categories: ['identity', 'financial'],
    });
    expect(incident.notice.text.ru).toContain('Число затронутых субъектов: 5');
    expect(incident.notice.text.kk).toContain('Зардап шеккен субъектілер саны: 5');

    // The affected list: pseudonyms, paged.
    const first = (await soc('GET', `/v1/monitor/incidents/${incident.id}/affected?limit=3`)).json<{
      subjects: string[];
      nextCursor: string;
    }>();
    const second = (
      await soc(
        'GET',
        `/v1/monitor/incidents/${incident.id}/affected?limit=3&cursor=${first.nextCursor}`,
      )
    ).json<{ subjects: string[]; nextCursor: string | null }>();
    expect([...first.subjects, ...second.subjects]).toEqual(affected);
    expect(second.nextCursor).toBeNull();
    // Only a pseudonym is a cursor here, and only an incident id in the list of incidents: '!'
    // sorts before every one, and would answer the whole list as a "next page".
    const listed = (await soc('GET', '/v1/monitor/incidents?limit=1')).json<{ items: unknown[] }>();
    expect(listed.items).toHaveLength(1);
    for (const [url, forged] of [
      [`/v1/monitor/incidents/${incident.id}/affected`, '-'],
      [`/v1/monitor/incidents/${incident.id}/affected`, 'p1_short'],
      [`/v1/monitor/incidents/${incident.id}/affected`, `${first.nextCursor}x`],
      ['/v1/monitor/incidents', '~'],
      ['/v1/monitor/incidents', first.nextCursor],
      ['/v1/monitor/incidents', incident.id.toLowerCase()],
    ] as const) {
      const res = await soc('GET', `${url}?cursor=${encodeURIComponent(forged)}`);
      expect(res.statusCode, `${url} ${forged}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.validation', field: 'cursor' });
    }

    const notified = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-authority`, {
      note: 'Sent by e-mail to the ministry',
    });
    expect(notified.statusCode, notified.body).toBe(200);
    expect(notified.json<Incident>()).toMatchObject({
      authorityNotifiedAt: h.now.value.toISOString(),
      clock: { status: 'met' },
      notice: { note: 'Sent by e-mail to the ministry' },
    });
    const again = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-authority`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'monitor.incident_state' });

    const steps = await fx.storage.db
      .selectFrom('outbox')
      .select(['type', 'ledger_index'])
      .where('type', 'in', ['monitor.incident.opened', 'monitor.incident.authority-notified'])
      .execute();
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.every((s) => s.ledger_index !== null)).toBe(true);
  });

  it('the KZ clock takes the configured days moved by decree; GDPR ignores them', async () => {
    await systemWithChecks('sys_moved', 1, 311);
    const open = async (detectedAt: string, jurisdiction?: string) =>
      (
        await soc('POST', '/v1/monitor/incidents', {
          title: 'Moved days',
          systemId: 'sys_moved',
          windowFrom: '2026-05-01T00:00:00.000Z',
          windowTo: '2026-05-20T00:00:00.000Z',
          detectedAt,
          ...(jurisdiction ? { jurisdiction } : {}),
        })
      ).json<Incident>().notifyBy;
    // Wednesday 6 May 10:00 Almaty: Thursday 7 (holiday), Friday 8 (moved off), the weekend
    // (Victory Day) and Monday 11 (its substitute) do not count -> Tuesday 12 May 10:00.
    expect(await open('2026-05-06T05:00:00.000Z')).toBe('2026-05-12T05:00:00.000Z');
    // Friday 15 May 15:30 -> the working Saturday 16 May 15:30.
    expect(await open('2026-05-15T10:30:00.000Z')).toBe('2026-05-16T10:30:00.000Z');
    expect(await open('2026-05-15T10:30:00.000Z', 'GDPR')).toBe('2026-05-18T10:30:00.000Z');
  });

  it('the clock follows the jurisdiction: one KZ business day over the 16 Dec holiday, 72 hours for GDPR', async () => {
    await systemWithChecks('sys_clocked', 1, 301);
    const saved = h.now.value;
    try {
      // Wednesday 16 Dec 2026 12:00 Almaty (Independence Day): the clock starts on Thursday.
      h.now.value = new Date('2026-12-16T07:00:00.000Z');
      const body = {
        title: 'Clock',
        systemId: 'sys_clocked',
        windowFrom: '2026-11-01T00:00:00.000Z',
        windowTo: '2026-12-16T00:00:00.000Z',
      };
      const kz = (await soc('POST', '/v1/monitor/incidents', body)).json<Incident>();
      expect(kz.notifyBy).toBe('2026-12-17T19:00:00.000Z'); // the end of Thursday 17 Dec, local
      expect(kz.clock).toMatchObject({ status: 'running' });
      const gdpr = (
        await soc('POST', '/v1/monitor/incidents', { ...body, jurisdiction: 'GDPR' })
      ).json<Incident>();
      expect(gdpr.notifyBy).toBe('2026-12-19T07:00:00.000Z');
      h.now.value = new Date('2026-12-18T00:00:00.000Z');
      expect(
        (await soc('GET', `/v1/monitor/incidents/${kz.id}`)).json<Incident>().clock,
      ).toMatchObject({
        status: 'overdue',
      });
      // Notified after the deadline: the clock reads missed, and the ledger entry says not in time.
      const late = await soc('POST', `/v1/monitor/incidents/${kz.id}/notify-authority`, {});
      expect(late.json<Incident>().clock).toMatchObject({ status: 'missed' });
      const entries = await fx.storage.db
        .selectFrom('outbox')
        .select('record_json')
        .where('type', '=', 'monitor.incident.authority-notified')
        .execute();
      expect(
        entries.map((e) => JSON.parse(e.record_json) as Record<string, unknown>),
      ).toContainEqual(expect.objectContaining({ incident: kz.id, inTime: false }));
    } finally {
      h.now.value = saved;
    }
  });

  it('notifies every affected citizen once through their inbox, each notice naming only them; resumable page by page', async () => {
    const affected = await systemWithChecks('sys_leaky', 5, 101);
    // A citizen the system never accessed is not notified.
    const bystander = (await systemWithChecks('sys_other', 1, 201))[0]!;
    const incident = (
      await soc('POST', '/v1/monitor/incidents', {
        title: 'Leak',
        systemId: 'sys_leaky',
        ...window(),
      })
    ).json<Incident>();
    const done = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-citizens`);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<Incident>()).toMatchObject({
      citizensNotified: 5,
      citizensNotifiedAt: h.now.value.toISOString(),
    });
    for (const subject of affected) {
      const inbox = (
        await h.app.inject({
          method: 'GET',
          url: '/v1/me/inbox?category=breach',
          headers: asCitizen(subject),
        })
      ).json<{ notifications: { type: string; data: Record<string, unknown> }[] }>();
      const mine = inbox.notifications.filter((n) => n.data.incidentId === incident.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        type: 'breach.notified',
        data: { subject, system: 'sys_leaky' },
      });
      // No one's notice names another citizen.
      for (const other of affected.filter((s) => s !== subject))
        expect(JSON.stringify(mine[0])).not.toContain(other);
    }
    const bystanderInbox = (
      await h.app.inject({
        method: 'GET',
        url: '/v1/me/inbox?category=breach',
        headers: asCitizen(bystander),
      })
    ).json<{ notifications: { data: Record<string, unknown> }[] }>();
    expect(bystanderInbox.notifications.filter((n) => n.data.incidentId === incident.id)).toEqual(
      [],
    );

    // Every notice is a ledger entry.
    const notices = await fx.storage.db
      .selectFrom('outbox')
      .select(['record_json', 'ledger_index'])
      .where('type', '=', 'breach.notified')
      .execute();
    const ours = notices.filter((n) => n.record_json.includes(incident.id));
    expect(ours).toHaveLength(5);
    expect(ours.every((n) => n.ledger_index !== null)).toBe(true);

    const twice = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-citizens`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'monitor.incident_state' });

    const closed = await soc('POST', `/v1/monitor/incidents/${incident.id}/close`, {
      note: 'handled',
    });
    expect(closed.json<Incident>()).toMatchObject({ state: 'closed' });
    const late = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-authority`, {});
    expect(late.statusCode).toBe(409);
  });

  it('resumes an interrupted notification where it stopped: no citizen notified twice or missed', async () => {
    // Pages of two (the harness's page size): the second page's read fails.
    const affected = await systemWithChecks('sys_flaky', 5, 301);
    const incident = (
      await soc('POST', '/v1/monitor/incidents', {
        title: 'Leak',
        systemId: 'sys_flaky',
        ...window(),
      })
    ).json<Incident>();
    h.accessedByCalls.failAt = h.accessedByCalls.count + 2;
    const failed = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-citizens`);
    expect(failed.statusCode).toBe(500);
    const halfway = (await soc('GET', `/v1/monitor/incidents/${incident.id}`)).json<Incident>();
    expect(halfway).toMatchObject({ citizensNotified: 2, citizensNotifiedAt: null });

    h.accessedByCalls.failAt = null;
    const resumed = await soc('POST', `/v1/monitor/incidents/${incident.id}/notify-citizens`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json<Incident>()).toMatchObject({ citizensNotified: 5 });
    const notices = await fx.storage.db
      .selectFrom('outbox')
      .select('record_json')
      .where('type', '=', 'breach.notified')
      .execute();
    const ours = notices
      .map((n) => JSON.parse(n.record_json) as { incidentId: string; subject: string })
      .filter((n) => n.incidentId === incident.id);
    expect(ours.map((n) => n.subject).sort()).toEqual([...affected].sort());
  });

  it('opens an incident from a case: its system, and a window from a day before its earliest alert', async () => {
    const affected = await systemWithChecks('sys_cased', 3, 401);
    const earliest = new Date(h.now.value.getTime() - 1800_000).toISOString();
    h.cases.set('case_01', {
      id: 'case_01',
      system: 'sys_cased',
      operator: 'op_sys_cased',
      openedAt: earliest,
      times: [new Date(h.now.value.getTime() - 600_000).toISOString(), earliest],
    });
    const opened = await soc('POST', '/v1/monitor/incidents', {
      title: 'From a case',
      caseId: 'case_01',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    // The window ends when the incident opens and starts a day before the earliest alert.
    expect(opened.json<Incident>()).toMatchObject({
      caseId: 'case_01',
      windowFrom: new Date(Date.parse(earliest) - 86_400_000).toISOString(),
      windowTo: new Date(h.now.value.getTime() + 1).toISOString(),
      detectedAt: earliest,
      affectedCount: 3,
    });
    const listed = (await soc('GET', '/v1/monitor/incidents?caseId=case_01')).json<{
      items: Incident[];
    }>();
    expect(listed.items.map((i) => i.id)).toEqual([opened.json<Incident>().id]);
    // A window or a jurisdiction given with the case replaces the case's own.
    const given = window();
    const overridden = await soc('POST', '/v1/monitor/incidents', {
      title: 'From a case, a window given',
      caseId: 'case_01',
      jurisdiction: 'GDPR',
      ...given,
    });
    expect(overridden.statusCode, overridden.body).toBe(201);
    expect(overridden.json<Incident>()).toMatchObject({
      caseId: 'case_01',
      ...given,
      detectedAt: earliest,
      jurisdiction: 'GDPR',
      notifyBy: new Date(Date.parse(earliest) + 72 * 3_600_000).toISOString(),
      affectedCount: 3,
    });
    const first = (
      await soc('GET', `/v1/monitor/incidents/${opened.json<Incident>().id}/affected`)
    ).json<{ subjects: string[] }>();
    expect(first.subjects).toEqual(affected);
  });

  it('keeps an analyst’s title as written, and composes one (marked so) when none is given', async () => {
    h.systems.set('sys_titled', fakeSystem('sys_titled', 'op_titled'));
    const typed = await soc('POST', '/v1/monitor/incidents', {
      title: '  Базу заёмщиков выставили на продажу ',
      systemId: 'sys_titled',
      ...window(),
    });
    expect(typed.statusCode, typed.body).toBe(201);
    expect(typed.json()).toMatchObject({
      title: 'Базу заёмщиков выставили на продажу',
      titleComposed: false,
    });
    const untitled = await soc('POST', '/v1/monitor/incidents', {
      systemId: 'sys_titled',
      ...window(),
    });
    expect(untitled.statusCode, untitled.body).toBe(201);
    const composed = untitled.json<Incident & { title: string; titleComposed: boolean }>();
    expect(composed).toMatchObject({
      title: 'Personal data breach at Operator op_titled (System sys_titled)',
      titleComposed: true,
      operatorId: 'op_titled',
      systemId: 'sys_titled',
    });
    // Stored so: the list and the incident read the same.
    expect((await soc('GET', `/v1/monitor/incidents/${composed.id}`)).json()).toMatchObject({
      title: composed.title,
      titleComposed: true,
    });
    const listed = (await soc('GET', '/v1/monitor/incidents?limit=100')).json<{
      items: { id: string; titleComposed: boolean }[];
    }>();
    expect(listed.items.find((i) => i.id === typed.json<Incident>().id)?.titleComposed).toBe(false);
    // From a case too.
    h.cases.set('case_untitled', {
      id: 'case_untitled',
      system: 'sys_titled',
      operator: 'op_titled',
      openedAt: new Date(h.now.value.getTime() - 600_000).toISOString(),
      times: [],
    });
    const fromCase = await soc('POST', '/v1/monitor/incidents', { caseId: 'case_untitled' });
    expect(fromCase.statusCode, fromCase.body).toBe(201);
    expect(fromCase.json()).toMatchObject({ caseId: 'case_untitled', titleComposed: true });
    // A title given blank is refused rather than composed.
    const blank = await soc('POST', '/v1/monitor/incidents', {
      title: '   ',
      systemId: 'sys_titled',
      ...window(),
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ code: 'monitor.invalid_incident' });
  });

  it('refuses what cannot be an incident with a clear problem', async () => {
    h.systems.set('sys_fine', fakeSystem('sys_fine'));
    const bad: [Record<string, unknown>, number, string][] = [
      [{ title: 'x', caseId: 'case_missing' }, 404, 'monitor.case_not_found'],
      [{ title: 'x', systemId: 'sys_missing', ...window() }, 404, 'monitor.system_not_found'],
      [
        {
          title: 'x',
          systemId: 'sys_fine',
          windowFrom: '2026-12-02T00:00:00Z',
          windowTo: '2026-12-01T00:00:00Z',
        },
        400,
        'monitor.invalid_incident',
      ],
      [
        { title: 'x', systemId: 'sys_fine', ...window(), jurisdiction: 'XX' },
        400,
        'monitor.invalid_incident',
      ],
      [
        { title: 'IIN 870412300123 leaked', systemId: 'sys_fine', ...window() },
        400,
        'request.validation',
      ],
      [
        { title: 'x', systemId: 'sys_fine', windowFrom: 'yesterday', windowTo: 'today' },
        400,
        'request.validation',
      ],
    ];
    for (const [body, status, code] of bad) {
      const res = await soc('POST', '/v1/monitor/incidents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json()).toMatchObject({ code });
      expect(res.body).not.toMatch(/\d{12}/);
    }
    expect((await soc('GET', '/v1/monitor/incidents/inc_nope')).json()).toMatchObject({
      code: 'monitor.incident_not_found',
    });
  });
});
