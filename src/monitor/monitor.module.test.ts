/**
 * The monitoring module on the embedded bus, on SQLite and PostgreSQL: events reach the engine
 * through the monitor's own event log; alerts are stored once, grouped into cases and handed to
 * listeners once; a restart rebuilds the windows by replaying the log; unreadable events are
 * parked and listed; a rule switched to shadow raises marked alerts without responses; with two
 * instances on one PostgreSQL database one evaluates and the other takes over when it stops.
 */
import { expect, it } from 'vitest';
import { iinBornOn } from '../access/test-support/access-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { loadRules } from './rule-loader.js';
import { asStaff, checked, eventually, monitorHarness } from './test-support/monitor-app.js';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describeStorage('monitor module, embedded bus', (fx) => {
  it('stores an alert once, opens a case for the actor and hands the alert to listeners once', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const self = checked(at(0), {
        subject: 'psn-self-1',
        actor: { id: 'clerk-self-1', pseudonym: 'psn-self-1' },
      });
      await h.bus.publish([self]);
      await eventually(() => h.alerts.length === 1);
      const [alert] = h.alerts;
      expect(alert).toMatchObject({
        id: `self-access:${self.id}`,
        ruleId: 'self-access',
        level: 'high',
        shadow: false,
        state: 'open',
        events: [self.id],
        context: { actorId: 'clerk-self-1', operator: 'op_a', subject: 'psn-self-1' },
      });
      expect(alert!.caseId).toMatch(/^case_/);
      // The same event again (a redelivery), then one more by the same actor: dedup folds it.
      const again = checked(at(5), {
        subject: 'psn-self-1',
        actor: { id: 'clerk-self-1', pseudonym: 'psn-self-1' },
      });
      await h.bus.publish([self, again]);
      await eventually(
        async () => (await h.monitor.service.getAlert(alert!.id)).alert.suppressed === 1,
      );
      expect(h.alerts).toHaveLength(1);
      const found = await h.monitor.service.getAlert(alert!.id);
      expect(found.history.map((e) => e.action)).toEqual(['raised', 'suppressed']);
      const kase = await h.monitor.service.getCase(alert!.caseId!);
      expect(kase.case).toMatchObject({ actorId: 'clerk-self-1', alertCount: 1, state: 'open' });
      expect(kase.timeline.filter((e) => e.kind === 'event').map((e) => e.eventId)).toEqual([
        self.id,
        again.id,
      ]);
    } finally {
      await h.close();
    }
  });

  it("puts a new alert on the live feed while an earlier alert's responses still run", async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const live: string[] = [];
      const unlisten = h.monitor.service.listen((event) => {
        if (event.kind === 'alert') live.push(event.alert.context.actorId as string);
      });
      // The first alert's responses hang until released, as a slow ledger append would.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const responded: string[] = [];
      h.monitor.onAlert(async (alert) => {
        if (responded.length === 0) await held;
        responded.push(alert.context.actorId as string);
      });
      const selfAccess = (seconds: number, actor: string) =>
        checked(at(seconds), {
          subject: `psn-${actor}`,
          actor: { id: actor, pseudonym: `psn-${actor}` },
        });
      await h.bus.publish([selfAccess(0, 'clerk-slow-1')]);
      await eventually(() => live.length === 1);
      await h.bus.publish([selfAccess(1, 'clerk-slow-2')]);
      await eventually(() => live.length === 2);
      expect(live).toEqual(['clerk-slow-1', 'clerk-slow-2']);
      expect(responded).toEqual([]);
      release();
      // Responses keep the order the alerts were raised in.
      await eventually(() => responded.length === 2);
      expect(responded).toEqual(['clerk-slow-1', 'clerk-slow-2']);
      unlisten();
    } finally {
      await h.close();
    }
  });

  it('rebuilds its windows after a restart by replaying its own event log', async () => {
    const denies = (from: number, n: number, offset: number) =>
      Array.from({ length: n }, (_, i) =>
        checked(at(offset + i), {
          subject: `psn-storm-${from + i}`,
          actor: { id: 'clerk-storm' },
          system: 'sys_storm',
          decision: 'deny',
        }),
      );
    const first = await monitorHarness(fx.storage);
    await first.bus.publish(denies(0, 15, 100));
    await eventually(() => (first.monitor.evaluator.engine?.stats().processed ?? 0) >= 15);
    expect(first.alerts.filter((a) => a.ruleId === 'deny-storm')).toHaveLength(0);
    await first.close();

    const second = await monitorHarness(fx.storage);
    try {
      // Nothing stored before is handed to listeners again.
      expect(second.alerts).toHaveLength(0);
      await second.bus.publish(denies(15, 5, 115));
      const storm = await eventually(() => second.alerts.find((a) => a.ruleId === 'deny-storm'));
      expect(storm).toMatchObject({
        level: 'medium',
        count: 20,
        context: { actorId: 'clerk-storm' },
      });
      // The replay raised nothing new besides the storm.
      expect(second.alerts.map((a) => a.ruleId)).toEqual(['deny-storm']);
    } finally {
      await second.close();
    }
  });

  it('parks what it cannot read, counts it and lists it for the SOC; nothing is dropped', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const noSubject = {
        id: 'chk_parked_1',
        type: 'access.checked',
        at: at(200),
        data: { decision: 'deny' },
      };
      const noId = { type: 'access.checked', at: at(201), data: {} };
      // Ids and types longer than the event log's columns hold (128): parked on both engines by the
      // log writer, never left to PostgreSQL to refuse (SQLite would store them).
      const longId = { id: `e${'x'.repeat(128)}`, type: 'probe.long', at: at(202), data: {} };
      const longType = { id: 'evt_long_type', type: `t${'y'.repeat(128)}`, at: at(203), data: {} };
      await h.bus.publish([noSubject, noId as never, longId, longType]);
      const parked = await eventually(async () => {
        const page = await h.monitor.service.parked(0, 50);
        return page.items.length >= 4 ? page : null;
      });
      expect(parked.items.map((p) => p.eventId)).toEqual(
        expect.arrayContaining(['chk_parked_1', null, 'evt_long_type']),
      );
      expect(parked.items.map((p) => p.reason)).toEqual(
        expect.arrayContaining([
          "the event's id is longer than 128 characters",
          "the event's type is longer than 128 characters",
        ]),
      );
      expect(parked.items.find((p) => p.eventId === null)?.reason).toBe(
        'the event has no id (a non-empty string)',
      );
      const res = await h.app.inject({
        method: 'GET',
        url: '/v1/monitor/parked',
        headers: asStaff('soc'),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ total: number }>().total).toBeGreaterThanOrEqual(2);
      // A cursor past bigint (an integer to JSON Schema): refused by the schema on both engines,
      // where PostgreSQL answered 500 and SQLite an empty page.
      const far = await h.app.inject({
        method: 'GET',
        url: '/v1/monitor/parked?after=1e20',
        headers: asStaff('soc'),
      });
      expect([far.statusCode, far.json<{ code: string }>().code]).toEqual([
        400,
        'request.validation',
      ]);
      // Both counted: the one the log writer parked and the one the engine parked.
      const metrics = await eventually(async () => {
        const res = await h.app.inject({ method: 'GET', url: '/metrics' });
        return /qalqan_monitor_parked_events_total 4\b/.test(res.body) ? res : null;
      });
      expect(metrics.body).toMatch(/qalqan_monitor_events_processed_total [1-9]/);
      expect(metrics.body).toContain('qalqan_monitor_evaluator_leader 1');
    } finally {
      await h.close();
    }
  });

  it('a rule switched to shadow raises marked alerts without responses; the switch is in the ledger', async () => {
    const h = await monitorHarness(fx.storage);
    try {
      const res = await h.app.inject({
        method: 'PUT',
        url: '/v1/monitor/rules/honeytoken-touched/mode',
        headers: asStaff('soc'),
        payload: { mode: 'shadow', reason: 'tuning the honeytoken list' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: 'honeytoken-touched', mode: 'shadow' });
      const ledgerId = (
        await fx.storage.db
          .selectFrom('monitor_rule_modes')
          .select('ledger_id')
          .where('rule_id', '=', 'honeytoken-touched')
          .executeTakeFirstOrThrow()
      ).ledger_id;
      expect(await h.outbox.ledgerIndexOf(ledgerId)).toEqual(expect.any(Number));
      // Reference data set now survives the rebuild the switch asked for.
      h.monitor.setReference({ honeytokens: ['psn-honey'] });
      expect((await h.monitor.service.modes()).get('honeytoken-touched')).toBe('shadow');
      const touch = checked(at(300), { subject: 'psn-honey', actor: { id: 'clerk-honey' } });
      await h.bus.publish([touch]);
      const alert = await eventually(() => h.alerts.find((a) => a.ruleId === 'honeytoken-touched'));
      expect(alert).toMatchObject({ shadow: true, responses: [], caseId: null });
      const rules = await h.app.inject({
        method: 'GET',
        url: '/v1/monitor/rules',
        headers: asStaff('auditor'),
      });
      const rule = rules
        .json<{ items: { id: string; mode: string; hits: number }[] }>()
        .items.find((r) => r.id === 'honeytoken-touched');
      expect(rule).toMatchObject({ mode: 'shadow', hits: 1 });
    } finally {
      await h.close();
    }
  });

  it('alerts and cases go open → acknowledged → closed, never out of closed; a closed case is not reopened (MONITOR.md)', async () => {
    // Two single-event rules of different levels about one actor, each alert distinct (no dedup).
    const rule = (id: string, level: string, action: string) =>
      [
        `id: ${id}`,
        `title: ${id}`,
        `level: ${level}`,
        'detection:',
        `  check: { type: access.checked, action: ${action}, actor.id: clerk-life }`,
        '  condition: check',
        '',
      ].join('\n');
    const { rules, problems } = loadRules([
      { file: 'life-low.yaml', text: rule('life-low', 'low', 'search') },
      { file: 'life-high.yaml', text: rule('life-high', 'high', 'export') },
    ]);
    expect(problems).toEqual([]);
    const h = await monitorHarness(fx.storage, { rules });
    const soc = asStaff('soc');
    const post = (url: string, payload: Record<string, unknown> = {}) =>
      h.app.inject({ method: 'POST', url, headers: soc, payload });
    const refusal = (res: { statusCode: number; json: <T>() => T }) => [
      res.statusCode,
      res.json<{ code: string }>().code,
    ];
    try {
      const actor = { id: 'clerk-life' };
      const low = checked(at(500), { actor, action: 'search' });
      await h.bus.publish([low]);
      const first = await eventually(() => h.alerts.find((a) => a.ruleId === 'life-low'));
      const high = checked(at(510), { actor, action: 'export' });
      await h.bus.publish([high]);
      const second = await eventually(() => h.alerts.find((a) => a.ruleId === 'life-high'));
      // One case per actor; its level is the highest of its alerts'.
      expect(second.caseId).toBe(first.caseId);
      const caseUrl = `/v1/monitor/cases/${first.caseId!}`;
      const opened = await h.app.inject({ url: caseUrl, headers: soc });
      expect(opened.json()).toMatchObject({
        case: { state: 'open', level: 'high', alertCount: 2 },
      });

      const alertUrl = `/v1/monitor/alerts/${encodeURIComponent(first.id)}`;
      expect((await post(`${alertUrl}/assign`, { assignee: 'analyst-1' })).json()).toMatchObject({
        state: 'open',
        assignee: 'analyst-1',
      });
      expect((await post(`${alertUrl}/acknowledge`)).json()).toMatchObject({
        state: 'acknowledged',
      });
      expect(refusal(await post(`${alertUrl}/acknowledge`))).toEqual([
        409,
        'monitor.invalid_transition',
      ]);
      // Free text holding an IIN is refused, and not stored.
      const iin = iinBornOn('1987-04-12', 3);
      const withIin = await post(`${alertUrl}/assign`, { assignee: `analyst ${iin}` });
      expect(refusal(withIin)).toEqual([400, 'request.validation']);
      expect(withIin.body).not.toContain(iin);
      expect(
        refusal(await post(`${alertUrl}/close`, { outcome: 'true-positive', note: `IIN ${iin}` })),
      ).toEqual([400, 'request.validation']);
      expect((await post(`${alertUrl}/assign`, { assignee: 'analyst-2' })).json()).toMatchObject({
        state: 'acknowledged',
        assignee: 'analyst-2',
      });
      expect(
        (await post(`${alertUrl}/close`, { outcome: 'true-positive', note: 'confirmed' })).json(),
      ).toMatchObject({ state: 'closed', outcome: 'true-positive' });
      // Nothing leaves closed: not acknowledged, assigned or closed again.
      for (const [action, body] of [
        ['acknowledge', {}],
        ['assign', { assignee: 'analyst-3' }],
        ['close', { outcome: 'false-positive' }],
      ] as const)
        expect(refusal(await post(`${alertUrl}/${action}`, body)), action).toEqual([
          409,
          'monitor.invalid_transition',
        ]);
      const history = (await h.app.inject({ url: alertUrl, headers: soc })).json<{
        alert: { state: string; assignee: string };
        history: { action: string }[];
      }>();
      expect(history.alert).toMatchObject({ state: 'closed', assignee: 'analyst-2' });
      expect(history.history.map((e) => e.action)).toEqual([
        'raised',
        'assigned',
        'acknowledged',
        'assigned',
        'closed',
      ]);
      // An open alert may be closed directly.
      const secondUrl = `/v1/monitor/alerts/${encodeURIComponent(second.id)}`;
      expect(
        (await post(`${secondUrl}/close`, { outcome: 'false-positive' })).json(),
      ).toMatchObject({ state: 'closed', outcome: 'false-positive' });

      // The case follows the same lifecycle; once closed it is never reopened.
      expect((await post(`${caseUrl}/acknowledge`)).json()).toMatchObject({
        state: 'acknowledged',
      });
      expect((await post(`${caseUrl}/close`, { outcome: 'true-positive' })).json()).toMatchObject({
        state: 'closed',
      });
      expect(refusal(await post(`${caseUrl}/assign`, { assignee: 'analyst-1' }))).toEqual([
        409,
        'monitor.invalid_transition',
      ]);
      const later = checked(at(520), { actor, action: 'export' });
      await h.bus.publish([later]);
      const third = await eventually(() => h.alerts.find((a) => a.id === `life-high:${later.id}`));
      expect(third.caseId).toEqual(expect.stringMatching(/^case_/));
      expect(third.caseId).not.toBe(first.caseId);
      const closed = await h.app.inject({ url: caseUrl, headers: soc });
      expect(closed.json()).toMatchObject({ case: { state: 'closed', alertCount: 2 } });

      // Lists page newest first with { items, next }; next goes back as cursor.
      const page = async (query: string) =>
        (
          await h.app.inject({ url: `/v1/monitor/alerts?ruleId=life-high&${query}`, headers: soc })
        ).json<{ items: { id: string }[]; next: string | null }>();
      const one = await page('limit=1');
      expect(one.items.map((a) => a.id)).toEqual([third.id]);
      const two = await page(`limit=1&cursor=${encodeURIComponent(one.next!)}`);
      expect(two).toEqual({ items: [expect.objectContaining({ id: second.id })], next: null });
      expect((await page('state=closed')).items.map((a) => a.id)).toEqual([second.id]);

      // A cursor this API did not write is a 400 naming cursor, not a position to page from
      // (["x","y"] once answered the whole list, a NUL reached the database as a parameter).
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const [at0, id0] = JSON.parse(Buffer.from(one.next!, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      const caseNext = (
        await h.app.inject({ url: '/v1/monitor/cases?limit=1', headers: soc })
      ).json<{ next: string | null }>().next;
      expect(caseNext).not.toBeNull();
      const [caseAt, caseId] = JSON.parse(Buffer.from(caseNext!, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      expect(
        (
          await h.app.inject({
            url: `/v1/monitor/cases?limit=1&cursor=${encodeURIComponent(caseNext!)}`,
            headers: soc,
          })
        ).statusCode,
      ).toBe(200);
      for (const [list, forged] of [
        ['alerts', ['x', 'y']],
        ['alerts', [at0, 'y']],
        ['alerts', ['x', id0]],
        ['alerts', ['2026-12-01', id0]],
        ['alerts', [`${at0}\u0000`, id0]],
        ['alerts', [at0, `${id0}\u0000`]],
        ['alerts', [at0, id0, 'more']],
        ['cases', ['x', 'y']],
        ['cases', [caseAt, 'y']],
        ['cases', [caseAt, id0]],
        ['cases', [caseAt, `${caseId}\u0000`]],
        ['cases', ["2026' OR 1=1", caseId]],
      ] as const) {
        const res = await h.app.inject({
          url: `/v1/monitor/${list}?cursor=${encode(forged)}`,
          headers: soc,
        });
        expect(res.statusCode, `${list} ${JSON.stringify(forged)}`).toBe(400);
        expect(res.json()).toMatchObject({ code: 'request.validation', field: 'cursor' });
      }
    } finally {
      await h.close();
    }
  });

  it.skipIf(fx.dialect === 'sqlite')(
    'with two instances one evaluates, sees events the other received, and the other takes over',
    async () => {
      const a = await monitorHarness(fx.storage);
      const b = await monitorHarness(fx.storage, { lead: false });
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(a.monitor.evaluator.role).toBe('leader');
        expect(b.monitor.evaluator.role).toBe('standby');
        // An event received by the standby reaches the leader's engine through the shared log.
        const two = checked(at(400), {
          subject: 'psn-two',
          actor: { id: 'clerk-two', pseudonym: 'psn-two' },
        });
        await b.bus.publish([two]);
        await eventually(() => a.alerts.some((x) => x.context.actorId === 'clerk-two'));
        expect(b.alerts).toHaveLength(0);
        await a.close();
        await b.monitor.evaluator.whenLeading();
        expect(b.monitor.evaluator.role).toBe('leader');
        const three = checked(at(410), {
          subject: 'psn-three',
          actor: { id: 'clerk-three', pseudonym: 'psn-three' },
        });
        await b.bus.publish([three]);
        await eventually(() => b.alerts.some((x) => x.context.actorId === 'clerk-three'));
        // The take-over's replay stored nothing twice and re-sent nothing.
        expect(b.alerts.map((x) => x.context.actorId)).toEqual(['clerk-three']);
      } finally {
        await a.close().catch(() => undefined);
        await b.close();
      }
    },
  );
});
