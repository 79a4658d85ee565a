import { afterAll, beforeAll, expect, it } from 'vitest';
import { iinBornOn } from '../access/test-support/access-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createResponseService } from './responses.js';
import {
  asStaff,
  asSystem,
  fakeSystem,
  type ResponseHarness,
  responseHarness,
} from './test-support/response-app.js';

const check = (subject: string, actor: string, overrides: Record<string, unknown> = {}) => ({
  subject,
  categories: ['identity', 'document'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML law, art. 5',
  actor: { id: actor },
  action: 'read',
  ...overrides,
});

interface Answer {
  decision: 'permit' | 'deny';
  reasons: { code: string; message: { kk: string; ru: string; en: string } }[];
}
/** The reasons a check was denied for (a permit carries its basis, e.g. `permit.law`). */
const codes = (answer: Answer) =>
  answer.reasons.map((r) => r.code).filter((code) => !code.startsWith('permit.'));

describeStorage('monitoring responses', (fx) => {
  let h: ResponseHarness;
  const lender = 'sys_lender';
  const shop = 'sys_shop';
  const subjects = Array.from({ length: 1000 }, (_, i) => iinBornOn('1980-01-01', 100 + i * 3));

  beforeAll(async () => {
    h = await responseHarness(fx.storage);
    h.systems.set(lender, fakeSystem(lender, 'op_lender'));
    h.systems.set(shop, fakeSystem(shop, 'op_shop'));
  });
  afterAll(async () => {
    await h?.close();
  });

  const ask = async (system: string, body: unknown): Promise<Answer> => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: asSystem(system),
      payload: body as Record<string, unknown>,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Answer>();
  };
  const soc = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    h.app.inject({ method, url, headers: asStaff('soc'), ...(payload ? { payload } : {}) });
  const ledgerTypes = async () => {
    const rows = await fx.storage.db
      .selectFrom('outbox')
      .select(['type', 'ledger_index', 'record_json'])
      .where('type', 'like', 'monitor.response.%')
      .execute();
    return rows;
  };

  it('a harvesting burst blocks the actor automatically: its next check is denied with the block reason, and suspending the system is proposed', async () => {
    expect((await ask(lender, check(subjects[0]!, 'clerk-7'))).decision).toBe('permit');
    // 1,000 distinct subjects in one hour by one actor, in one batch (every check counts).
    const batch = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(lender),
      payload: { checks: subjects.map((s) => check(s, 'clerk-7')) },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    await h.settle();

    const alert = h.alerts.find((a) => a.ruleId === 'bulk-harvesting-critical');
    expect(alert?.context).toMatchObject({
      actorId: 'clerk-7',
      system: lender,
      operator: 'op_lender',
    });
    const made = h.responded.flat().filter((r) => r.alertId === alert!.id);
    expect(made.map((r) => [r.action, r.state, r.mode])).toEqual([
      ['block-actor', 'in-force', 'automatic'],
      ['suspend-system', 'proposed', 'needs-confirmation'],
    ]);
    const block = made[0]!;
    // The rule's 24 hours from the alert.
    expect(Date.parse(block.inForceUntil!) - Date.parse(block.inForceFrom!)).toBe(86_400_000);

    const next = await ask(lender, check(subjects[1]!, 'clerk-7'));
    expect(next.decision).toBe('deny');
    expect(codes(next)).toEqual(['response.actor_blocked']);
    expect(next.reasons[0]!.message.en).toContain('monitoring centre has blocked');
    // Another employee of the same lender is not affected; the system is not suspended yet.
    expect((await ask(lender, check(subjects[1]!, 'clerk-8'))).decision).toBe('permit');
    expect(h.registryCalls.filter((c) => c.systemId === lender)).toEqual([]);
    // The block spans the operator: the actor is denied through another of its systems too; an
    // actor with the same id at another operator is someone else.
    h.systems.set('sys_lender_branch', fakeSystem('sys_lender_branch', 'op_lender'));
    expect(codes(await ask('sys_lender_branch', check(subjects[2]!, 'clerk-7')))).toEqual([
      'response.actor_blocked',
    ]);
    expect((await ask(shop, check(subjects[2]!, 'clerk-7'))).decision).toBe('permit');

    // Ledger-recorded: the block in force (a proposal changes nothing, so it waits for a decision).
    const recorded = await ledgerTypes();
    const blockEntry = recorded.find((r) => r.record_json.includes(block.id));
    expect(blockEntry).toMatchObject({ type: 'monitor.response.in-force' });
    expect(blockEntry!.ledger_index).not.toBeNull();
    expect(recorded.some((r) => r.record_json.includes(made[1]!.id))).toBe(false);

    // An alert delivered again (at-least-once) adds nothing.
    expect(await h.module.onAlert(alert!)).toEqual([]);

    // An analyst confirms the proposed suspension through the registry; a second confirmation is
    // a clear 409.
    const { items } = (
      await soc('GET', `/v1/monitor/responses?state=proposed&systemId=${lender}`)
    ).json<{ items: { id: string; action: string }[] }>();
    const proposal = items.find((r) => r.action === 'suspend-system')!;
    const confirmed = await soc('POST', `/v1/monitor/responses/${proposal.id}/confirm`, {
      reason: 'harvest confirmed',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({
      state: 'in-force',
      decidedBy: 'staff:soc:test-soc',
      decisionReason: 'harvest confirmed',
    });
    expect(h.registryCalls.filter((c) => c.systemId === lender)).toEqual([
      { op: 'suspend', systemId: lender, until: null, by: 'staff:soc:test-soc' },
    ]);
    const decision = (await ledgerTypes()).find((r) => r.record_json.includes(proposal.id));
    expect(JSON.parse(decision!.record_json)).toMatchObject({
      step: 'in-force',
      action: 'suspend-system',
      proposedBy: 'rule:bulk-harvesting-critical',
      by: 'staff:soc:test-soc',
    });
    const again = await soc('POST', `/v1/monitor/responses/${proposal.id}/confirm`, {});
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ code: 'monitor.response_decided', state: 'in-force' });
    const reject = await soc('POST', `/v1/monitor/responses/${proposal.id}/reject`, {
      reason: 'too late',
    });
    expect(reject.json()).toMatchObject({ code: 'monitor.response_decided' });

    // Lifting the suspension reinstates the system through the registry.
    const lifted = await soc('POST', `/v1/monitor/responses/${proposal.id}/lift`, {
      reason: 'operator fixed its access control',
    });
    expect(lifted.json()).toMatchObject({ state: 'lifted', liftedBy: 'staff:soc:test-soc' });
    expect(h.registryCalls.at(-1)).toMatchObject({ op: 'reinstate', systemId: lender });
    expect(h.systems.get(lender)!.status).toBe('active');

    // Lifting the block lets the actor through again; lifting twice is a 409.
    const inForce = (
      await soc('GET', `/v1/monitor/responses?state=in-force&systemId=${lender}`)
    ).json<{ items: { id: string; action: string; actorId: string }[] }>().items;
    expect(inForce.map((r) => r.id)).toContain(block.id);
    const liftedBlock = await soc('POST', `/v1/monitor/responses/${block.id}/lift`, {
      reason: 'false positive: a sanctioned migration',
    });
    expect(liftedBlock.statusCode).toBe(200);
    expect((await ask(lender, check(subjects[2]!, 'clerk-7'))).decision).toBe('permit');
    const twice = await soc('POST', `/v1/monitor/responses/${block.id}/lift`, { reason: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'monitor.response_decided', state: 'lifted' });
    // 1,000 checks through the HTTP stack and the ledger: seconds alone, much more under load.
  }, 180_000);

  it('a response on a system that does not exist, or no longer exists, is a clear 4xx', async () => {
    const unknown = await soc('POST', '/v1/monitor/responses', {
      action: 'block-actor',
      systemId: 'sys_nowhere',
      actorId: 'x-1',
      note: 'test',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'monitor.system_not_found' });
    const twelve = await soc('POST', '/v1/monitor/responses', {
      action: 'block-actor',
      systemId: 'sys_870412300123',
      actorId: 'x-1',
      note: 'test',
    });
    expect(twelve.json()).toMatchObject({ code: 'monitor.system_not_found' });
    expect(twelve.body).not.toMatch(/\d{12}/);
    const missing = await soc('GET', '/v1/monitor/responses/rsp_870412300123');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toMatch(/\d{12}/);

    h.systems.set('sys_gone', fakeSystem('sys_gone', 'op_gone'));
    const proposed = await h.module.onAlert({
      id: 'honeytoken-touched:evt-gone',
      ruleId: 'honeytoken-touched',
      level: 'critical',
      shadow: false,
      at: h.now.value.toISOString(),
      responses: [{ action: 'suspend-system', mode: 'needs-confirmation' }],
      context: { actorId: 'a-1', system: 'sys_gone', operator: 'op_gone' },
    });
    h.systems.get('sys_gone')!.status = 'revoked';
    const gone = await soc('POST', `/v1/monitor/responses/${proposed[0]!.id}/confirm`, {});
    expect(gone.statusCode).toBe(409);
    expect(gone.json()).toMatchObject({ code: 'monitor.system_gone' });
    h.systems.delete('sys_gone');
    const vanished = await soc('POST', `/v1/monitor/responses/${proposed[0]!.id}/confirm`, {});
    expect(vanished.statusCode).toBe(404);
    expect(vanished.json()).toMatchObject({ code: 'monitor.system_not_found' });
    expect((await soc('POST', '/v1/monitor/responses/rsp_nope/confirm', {})).json()).toMatchObject({
      code: 'monitor.response_not_found',
    });
  });

  it('refuses inconsistent responses with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'block-actor', systemId: shop, note: 'n' }, 'actorId'],
      [{ action: 'block-country', systemId: shop, note: 'n' }, 'country'],
      [{ action: 'throttle-actor', systemId: shop, actorId: 'a', note: 'n' }, 'limit'],
      [{ action: 'block-actor', systemId: shop, actorId: '870412300123', note: 'n' }, 'actorId'],
    ];
    for (const [body, field] of cases) {
      const res = await soc('POST', '/v1/monitor/responses', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ field?: string }>().field).toBe(field);
      expect(res.body).not.toMatch(/\d{12}/);
    }
  });

  it('a throttle denies the actor over its rate, a country block denies transfers there, and both expire', async () => {
    const throttle = await soc('POST', '/v1/monitor/responses', {
      action: 'throttle-actor',
      systemId: shop,
      actorId: 'fast-1',
      limit: 2,
      forMs: 3_600_000,
      note: 'slow down',
    });
    expect(throttle.statusCode, throttle.body).toBe(201);
    expect(throttle.json()).toMatchObject({ state: 'in-force', mode: 'manual', limit: 2 });
    expect((await ask(shop, check(subjects[10]!, 'fast-1'))).decision).toBe('permit');
    expect((await ask(shop, check(subjects[11]!, 'fast-1'))).decision).toBe('permit');
    expect(codes(await ask(shop, check(subjects[12]!, 'fast-1')))).toEqual([
      'response.actor_throttled',
    ]);

    const country = await soc('POST', '/v1/monitor/responses', {
      action: 'block-country',
      systemId: shop,
      country: 'CN',
      forMs: 3_600_000,
      note: 'no transfers to CN',
    });
    expect(country.statusCode).toBe(201);
    const transfer = check(subjects[13]!, 'export-1', {
      action: 'transfer',
      recipient: { name: 'Partner Ltd' },
      country: 'CN',
    });
    expect(codes(await ask(shop, transfer))).toContain('response.transfers_blocked');

    // Two hours later both ran out: the actor and the transfer pass rule 8 again.
    h.now.value = new Date(h.now.value.getTime() + 2 * 3_600_000);
    expect((await ask(shop, check(subjects[14]!, 'fast-1'))).decision).toBe('permit');
    expect(codes(await ask(shop, transfer))).not.toContain('response.transfers_blocked');
    const views = await Promise.all(
      [throttle, country].map(async (r) =>
        (await soc('GET', `/v1/monitor/responses/${r.json<{ id: string }>().id}`)).json<{
          state: string;
        }>(),
      ),
    );
    expect(views.map((v) => v.state)).toEqual(['expired', 'expired']);
    // The sweep records the expiry in the ledger once.
    expect(await h.module.service.expireDue()).toBeGreaterThanOrEqual(2);
    expect(await h.module.service.expireDue()).toBe(0);
    const expired = (await ledgerTypes()).filter((r) => r.type === 'monitor.response.expired');
    expect(expired.length).toBeGreaterThanOrEqual(2);
  });

  it('ids as long as their own columns allow fit the response that names them, on both engines', async () => {
    // A rule id may be 100 characters and an event id 128, so an alert id (`<rule>:<event>`) 229:
    // the response row held 64 and 200, which PostgreSQL refused (a 500 failing the alert's
    // responses) where SQLite stored them. A case id is at most 40: a longer one, which the row
    // cannot hold either, is refused by the schema.
    const ruleId = `r${'x'.repeat(99)}`;
    const alertId = `${ruleId}:${'e'.repeat(128)}`;
    const made = await h.module.onAlert({
      id: alertId,
      ruleId,
      level: 'critical',
      shadow: false,
      at: h.now.value.toISOString(),
      responses: [{ action: 'block-actor', mode: 'automatic' }],
      context: { actorId: 'a-long', system: shop, operator: 'op_shop' },
    });
    expect(made).toHaveLength(1);
    const listed = await soc('GET', `/v1/monitor/responses?alertId=${alertId}`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json<{ items: { alertId: string; ruleId: string }[] }>().items).toEqual([
      expect.objectContaining({ alertId, ruleId }),
    ]);
    const longCase = await soc('POST', '/v1/monitor/responses', {
      action: 'block-actor',
      systemId: shop,
      actorId: 'a-long',
      note: 'n',
      caseId: `case_${'c'.repeat(36)}`,
    });
    expect([longCase.statusCode, longCase.json<{ code: string }>().code]).toEqual([
      400,
      'request.validation',
    ]);
  });

  it("an operator's or a system's id in a reference path is at most 40 characters, as stored", async () => {
    // The regulator may name any operator (a system only its own): an id longer than the rows'
    // varchar(40) was stored by SQLite and refused by PostgreSQL with a 500.
    const long = `op_${'o'.repeat(38)}`;
    const hours = await h.app.inject({
      method: 'PUT',
      url: `/v1/monitor/operators/${long}/working-hours`,
      headers: asStaff('regulator'),
      payload: { timeZone: 'Asia/Almaty', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
    });
    expect([hours.statusCode, hours.json<{ code: string }>().code]).toEqual([
      400,
      'request.validation',
    ]);
    const terminated = await h.app.inject({
      method: 'POST',
      url: `/v1/monitor/operators/${long}/terminated-actors`,
      headers: asStaff('regulator'),
      payload: { actorId: 'clerk-1' },
    });
    expect([terminated.statusCode, terminated.json<{ code: string }>().code]).toEqual([
      400,
      'request.validation',
    ]);
  });

  it('a shadow alert never responds', async () => {
    const made = await h.module.onAlert({
      id: 'bulk-harvesting-critical:shadowed',
      ruleId: 'bulk-harvesting-critical',
      level: 'critical',
      shadow: true,
      at: h.now.value.toISOString(),
      responses: [{ action: 'block-actor', mode: 'automatic' }],
      context: { actorId: 'a-2', system: shop, operator: 'op_shop' },
    });
    expect(made).toEqual([]);
  });

  it("a rule's throttle lets 10 checks a minute through, and the same alert again adds nothing (MONITOR.md)", async () => {
    const alert = {
      id: 'custom-throttle:evt-throttle-1',
      ruleId: 'custom-throttle',
      level: 'medium' as const,
      shadow: false,
      at: h.now.value.toISOString(),
      responses: [{ action: 'throttle-actor' as const, mode: 'automatic' as const }],
      context: { actorId: 'throttled-1', system: shop, operator: 'op_shop' },
    };
    const made = await h.module.onAlert(alert);
    expect(made).toMatchObject([
      { action: 'throttle-actor', state: 'in-force', mode: 'automatic', limit: 10 },
    ]);
    expect(await h.module.onAlert(alert)).toEqual([]);
    const denied: string[][] = [];
    for (let i = 0; i < 11; i++)
      denied.push(codes(await ask(shop, check(subjects[600 + i]!, 'throttled-1'))));
    expect(denied.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => []));
    expect(denied[10]).toEqual(['response.actor_throttled']);
  });

  it('pages the responses: nextCursor goes back as cursor (MONITOR.md)', async () => {
    type Page = { items: { id: string }[]; nextCursor: string | null };
    for (let i = 0; i < 4; i++) {
      const made = await soc('POST', '/v1/monitor/responses', {
        action: 'block-actor',
        systemId: shop,
        actorId: `pager-${i}`,
        note: 'paging',
      });
      expect(made.statusCode, made.body).toBe(201);
    }
    const all = (await soc('GET', '/v1/monitor/responses?limit=500')).json<Page>();
    expect(all.items.length).toBeGreaterThan(3);
    expect(all.nextCursor).toBeNull();
    const first = (await soc('GET', '/v1/monitor/responses?limit=2')).json<Page>();
    expect(first.items.map((r) => r.id)).toEqual(all.items.slice(0, 2).map((r) => r.id));
    const second = (
      await soc(
        'GET',
        `/v1/monitor/responses?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
      )
    ).json<Page>();
    expect(second.items.map((r) => r.id)).toEqual(all.items.slice(2, 4).map((r) => r.id));
    // Only a response id is a cursor: '!' once answered the whole list as a "next page".
    for (const forged of ['!', 'zzz', first.nextCursor!.toLowerCase(), `inc_${'0'.repeat(26)}`]) {
      const res = await soc('GET', `/v1/monitor/responses?cursor=${encodeURIComponent(forged)}`);
      expect(res.statusCode, forged).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.validation', field: 'cursor' });
    }
  });
});

describeStorage('monitoring responses seen by another instance', (fx) => {
  let h: ResponseHarness;
  beforeAll(async () => {
    h = await responseHarness(fx.storage);
    h.systems.set('sys_shared', fakeSystem('sys_shared', 'op_shared'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("another instance's response reaches the access decision once this instance's snapshot is a second old", async () => {
    const clock = () => h.now.value;
    const here = createResponseService({
      db: fx.storage.db,
      outbox: { enqueue: () => Promise.resolve(), sequence: () => Promise.resolve(new Map()) },
      registry: {
        systemOf: () => Promise.resolve(null),
        operatorExists: () => Promise.resolve(false),
        suspend: () => Promise.resolve(),
        reinstate: () => Promise.resolve(),
      },
      clock,
      cacheMs: 1000,
    });
    const scope = {
      systemId: 'sys_shared',
      operatorId: 'op_shared',
      at: h.now.value.toISOString(),
    };
    expect(await here.responses.inForce(scope)).toEqual([]);
    // The other instance (the harness's module) blocks an actor.
    const made = await h.module.service.create(
      { action: 'block-actor', systemId: 'sys_shared', actorId: 'clerk-x', note: 'elsewhere' },
      'staff:soc:other',
    );
    expect(await here.responses.inForce(scope)).toEqual([]);
    h.now.value = new Date(h.now.value.getTime() + 1001);
    expect((await here.responses.inForce(scope)).map((r) => [r.id, r.action, r.actor])).toEqual([
      [made.id, 'block-actor', { id: 'clerk-x' }],
    ]);
  });
});
