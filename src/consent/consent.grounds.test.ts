/**
 * Withdrawal grounds and guardianships are ledger-recorded declarations (issue 10 items 2 and 3):
 * a system declares grounds for its own declared purposes with its key, the regulator for any
 * system; each is a ledger record (pseudonyms only) and a refused declaration stores nothing; a
 * ground the regulator declared refuses a later withdrawal with its reason. Guardianships the
 * regulator records are in the log without either IIN.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer } from '../registry/test-support/registry-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  citizen,
  consentHarness,
  type ConsentHarness,
  iinBornOn,
} from './test-support/consent-app.js';

const ADULT = iinBornOn('1979-11-30', 51);
const PARENT = iinBornOn('1983-01-17', 52);
const CHILD = iinBornOn('2014-02-02', 53); // 12 on the harness clock's day (2026-11-25)
const REASON = { kk: 'Заң талабы', ru: 'Требование закона', en: 'Required by law' };

describeStorage('withdrawal grounds and guardianships, declared and logged', (fx) => {
  let h: ConsentHarness;
  let sys: Awaited<ReturnType<ConsentHarness['newSystem']>>;
  beforeAll(async () => {
    h = await consentHarness(fx.storage);
    sys = await h.newSystem();
  });
  afterAll(async () => {
    await h.close();
  });

  const declare = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/v1/withdrawal-grounds', headers, payload });
  const counts = async () => ({
    grounds: (await fx.storage.db.selectFrom('withdrawal_grounds').select('id').execute()).length,
    outbox: (await fx.storage.db.selectFrom('outbox').select('id').execute()).length,
  });
  const logged = (id: string) => h.outbox.ledger.entries.filter((e) => e.key === id);
  /** `key`'s system asks `iin` for consent to `purpose`; the request's id. */
  const askFor = async (key: string, iin: string, purpose: string) => {
    const asked = await h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: bearer(key),
      payload: {
        iin,
        purposes: [purpose],
        categories: ['identity'],
        retention: 'P1Y',
        validUntil: '2027-11-25T00:00:00.000Z',
        requestExpiresAt: '2026-12-02T00:00:00.000Z',
        message: { kk: 'Сұрау', ru: 'Запрос', en: 'Request' },
        policyUrl: 'https://bank.example.kz/privacy',
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    return asked.json<{ request: { id: string } }>().request.id;
  };

  it('a system declares for its own purposes, the regulator for any system; both are in the log', async () => {
    const bySystem = await declare(bearer(sys.key), {
      purpose: 'finance.kyc',
      reason: REASON,
      reference: 'AML/CFT Law Art. 6',
    });
    expect(bySystem.statusCode, bySystem.body).toBe(201);
    const own = bySystem.json<{
      ground: { id: string; systemId: string; declaredBy: string };
      change: { id: string; ledgerIndex: number };
    }>();
    expect(own.ground).toMatchObject({
      systemId: sys.systemId,
      declaredBy: `system:${sys.systemId}`,
    });
    expect(own.change.id).toBe(own.ground.id);
    const [entry] = logged(own.ground.id);
    expect(entry).toMatchObject({
      type: 'consent.withdrawal-ground-declared',
      index: own.change.ledgerIndex,
    });

    const other = await h.newSystem();
    const byRegulator = await declare(bearer(h.registry.tokens.regulator), {
      systemId: other.systemId,
      purpose: 'finance.credit-scoring',
      reason: REASON,
      reference: 'Law 94-V Art. 8(2)',
    });
    expect(byRegulator.statusCode, byRegulator.body).toBe(201);
    const declared = byRegulator.json<{
      ground: { id: string; systemId: string; declaredBy: string };
    }>().ground;
    expect(declared.systemId).toBe(other.systemId);
    expect(declared.declaredBy).toMatch(/^staff:/);
    expect(logged(declared.id)).toHaveLength(1);

    // The regulator's ground refuses a later withdrawal from that system's consent, with its reason.
    const id = await askFor(other.key, ADULT, 'finance.credit-scoring');
    const me = citizen(h.pseudonymOf(ADULT));
    await h.app.inject({
      method: 'POST',
      url: `/v1/me/consent-requests/${id}/approve`,
      headers: me,
    });
    const withdrawn = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${id}/withdraw`,
      headers: me,
    });
    expect(withdrawn.json()).toMatchObject({
      outcome: 'refused',
      reason: { ...REASON, reference: 'Law 94-V Art. 8(2)' },
      consent: { state: 'active' },
    });
  });

  it('the citizen sees the ground that would refuse a withdrawal before trying, until it lapses', async () => {
    const own = await h.newSystem();
    const subject = iinBornOn('1990-05-05', 54);
    const me = citizen(h.pseudonymOf(subject));
    const lapses = new Date(h.registry.clock().getTime() + 10 * 86_400_000).toISOString();
    const declared = await declare(bearer(own.key), {
      purpose: 'finance.kyc',
      reason: REASON,
      reference: 'AML/CFT Law Art. 6',
      validUntil: lapses,
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const given = async (purpose: string) => {
      const id = await askFor(own.key, subject, purpose);
      const approved = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${id}/approve`,
        headers: me,
      });
      expect(approved.statusCode, approved.body).toBe(200);
      return id;
    };
    // Asked, the request already says so: the citizen knows before answering.
    const asking = await askFor(own.key, subject, 'finance.kyc');
    const pending = (
      await h.app.inject({ method: 'GET', url: '/v1/me/consent-requests', headers: me })
    ).json<{ requests: { id: string; withdrawalGround?: unknown }[] }>().requests;
    expect(pending.find((r) => r.id === asking)?.withdrawalGround).toMatchObject({
      reference: 'AML/CFT Law Art. 6',
    });
    const kyc = await given('finance.kyc');
    const scoring = await given('finance.credit-scoring');
    const ground = { reason: REASON, reference: 'AML/CFT Law Art. 6', validUntil: lapses };
    type Seen = { id: string; withdrawalGround?: unknown };
    const listed = async () =>
      (await h.app.inject({ method: 'GET', url: '/v1/me/consents', headers: me })).json<{
        consents: Seen[];
      }>().consents;

    const before = await listed();
    expect(before.find((c) => c.id === kyc)?.withdrawalGround).toEqual(ground);
    // Only the purpose the ground is declared for.
    expect(before.find((c) => c.id === scoring)).not.toHaveProperty('withdrawalGround');
    const one = await h.app.inject({ method: 'GET', url: `/v1/me/consents/${kyc}`, headers: me });
    expect(one.json<Seen>().withdrawalGround).toEqual(ground);
    // Paused, it would still be refused; the action's answer says so.
    const paused = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${kyc}/pause`,
      headers: me,
    });
    expect(paused.json()).toMatchObject({ consent: { state: 'paused', withdrawalGround: ground } });

    // Once the ground lapses it is not shown, and a withdrawal is accepted.
    const today = h.registry.clock().toISOString();
    h.registry.clock.set(new Date(Date.parse(lapses) + 1).toISOString());
    try {
      expect((await listed()).find((c) => c.id === kyc)).not.toHaveProperty('withdrawalGround');
      const withdrawn = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consents/${kyc}/withdraw`,
        headers: me,
      });
      expect(withdrawn.json()).toMatchObject({
        outcome: 'accepted',
        consent: { state: 'withdrawn' },
      });
      expect(withdrawn.json<{ consent: Seen }>().consent).not.toHaveProperty('withdrawalGround');
    } finally {
      h.registry.clock.set(today);
    }
  });

  it('twins born the same day are told apart by their IINs’ last four digits, never the whole number', async () => {
    const mother = iinBornOn('1988-03-03', 60);
    const twins = [iinBornOn('2016-04-04', 61), iinBornOn('2016-04-04', 71)];
    for (const child of twins) {
      const recorded = await h.app.inject({
        method: 'POST',
        url: '/v1/guardianships',
        headers: bearer(h.registry.tokens.regulator),
        payload: {
          guardianIin: mother,
          childIin: child,
          relation: 'parent',
          reference: 'Birth certificate',
        },
      });
      expect(recorded.statusCode, recorded.body).toBe(201);
    }
    const listed = await h.app.inject({
      url: '/v1/me/children',
      headers: citizen(h.pseudonymOf(mother)),
    });
    const children = listed.json<{
      children: { pseudonym: string; birthDate: string; iinEnding: string }[];
    }>().children;
    expect(children.map((c) => c.birthDate)).toEqual(['2016-04-04', '2016-04-04']);
    const byPseudonym = new Map(children.map((c) => [c.pseudonym, c.iinEnding]));
    for (const child of twins) expect(byPseudonym.get(h.pseudonymOf(child))).toBe(child.slice(-4));
    expect(new Set(byPseudonym.values()).size).toBe(2);
    for (const iin of [mother, ...twins]) expect(listed.body).not.toContain(iin);
  });

  it('refused declarations are precise 4xx problems and store nothing', async () => {
    const other = await h.newSystem();
    const before = await counts();
    const cases: [Record<string, string>, Record<string, unknown>, number, string][] = [
      // The regulator must name the system.
      [bearer(h.registry.tokens.regulator), {}, 400, 'request.validation'],
      // A system declares only for itself: another system's id is as if it did not exist.
      [bearer(sys.key), { systemId: other.systemId }, 404, 'registry.system_not_found'],
      [bearer(sys.key), { purpose: 'health.treatment' }, 400, 'consent.purpose_not_declared'],
      [bearer(sys.key), { purpose: 'no.such' }, 400, 'core.unknown_purpose'],
      [bearer(sys.key), { validUntil: '2020-01-01T00:00:00.000Z' }, 400, 'consent.invalid_request'],
      [citizen(h.pseudonymOf(ADULT)), {}, 403, 'auth.forbidden'],
      [bearer(h.registry.tokens.auditor), { systemId: sys.systemId }, 403, 'auth.forbidden'],
    ];
    for (const [headers, overrides, status, code] of cases) {
      const response = await declare(headers, {
        purpose: 'finance.kyc',
        reason: REASON,
        reference: 'r',
        ...overrides,
      });
      expect(
        [response.statusCode, response.json<{ code: string }>().code],
        JSON.stringify(overrides),
      ).toEqual([status, code]);
    }
    expect(await counts()).toEqual(before);
  });

  it('a guardianship the regulator records is in the log, naming neither IIN', async () => {
    const recorded = await h.app.inject({
      method: 'POST',
      url: '/v1/guardianships',
      headers: bearer(h.registry.tokens.regulator),
      payload: {
        guardianIin: PARENT,
        childIin: CHILD,
        relation: 'guardian',
        reference: 'Decision 12',
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const { guardianship, change } = recorded.json<{
      guardianship: { childId: string; pseudonym: string };
      change: { id: string; ledgerIndex: number };
    }>();
    expect(guardianship.pseudonym).toBe(h.pseudonymOf(CHILD));
    const [entry] = logged(change.id);
    expect(entry).toMatchObject({
      type: 'consent.guardianship-recorded',
      index: change.ledgerIndex,
    });
    for (const iin of [PARENT, CHILD]) {
      expect(JSON.stringify(entry)).not.toContain(iin);
      expect(recorded.body).not.toContain(iin);
    }
    // Recording it again is a conflict and adds nothing to the log.
    const size = h.outbox.ledger.entries.length;
    const again = await h.app.inject({
      method: 'POST',
      url: '/v1/guardianships',
      headers: bearer(h.registry.tokens.regulator),
      payload: {
        guardianIin: PARENT,
        childIin: CHILD,
        relation: 'guardian',
        reference: 'Decision 12',
      },
    });
    expect([again.statusCode, again.json<{ code: string }>().code]).toEqual([
      409,
      'consent.guardianship_exists',
    ]);
    expect(h.outbox.ledger.entries).toHaveLength(size);
  });
});
