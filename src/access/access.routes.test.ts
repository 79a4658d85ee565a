import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { verifyReceipt } from '../ledger/receipt.js';
import { createOutboxRetention } from '../outbox/outbox-retention.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  type AccessHarness,
  accessHarness,
  asCitizen,
  asStaff,
  asSystem,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

const SUBJECT = iinBornOn('1990-05-17', 11);
const OTHER_SUBJECT = iinBornOn('1985-02-03', 21);
const EMPLOYEE = iinBornOn('1979-09-09', 31);

const codesOf = (answer: { reasons: { code: string }[] }) => answer.reasons.map((r) => r.code);

const check = (overrides: Record<string, unknown> = {}) => ({
  subject: SUBJECT,
  categories: ['identity', 'health'],
  purpose: 'health.treatment',
  legalBasis: 'consent',
  actor: { id: 'doctor-17' },
  action: 'read',
  ...overrides,
});

describeStorage('access routes', (fx) => {
  let h: AccessHarness;
  const clinic = 'sys_clinic';
  const lender = 'sys_lender';

  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set(clinic, profile(clinic));
    h.profiles.set(lender, profile(lender));
    h.grants.push({
      consentId: 'cns_1',
      subject: h.pseudonymOf(SUBJECT),
      system: clinic,
      purpose: 'health.treatment',
      categories: ['identity', 'health', 'contact'],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (system: string, body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { ...asSystem(system), ...headers },
      payload: body as Record<string, unknown>,
    });
  const count = async () =>
    Number(
      (
        await fx.storage.db
          .selectFrom('access_checks')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('permits under a covering consent, stores the check and appends it before answering', async () => {
    const res = await post(clinic, check());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.decision).toBe('permit');
    expect(body.basis).toMatchObject({ kind: 'consent', consentId: 'cns_1' });
    expect(body.reasons[0].code).toBe('permit.consent');
    expect(body.ledgerIndex).toEqual(expect.any(Number));
    const receipt = await h.ledger.receipt(body.ledgerIndex);
    expect(receipt.type).toBe('access.check');
    expect(receipt.record).toMatchObject({ check: body.checkId, decision: 'permit' });
    // pseudonyms only: no IIN anywhere in the committed record or the event
    expect(JSON.stringify(receipt.record)).not.toContain(SUBJECT);
    // The event goes out after the answer (the one-commit path publishes in the background).
    await h.outbox.published();
    const event = h.events.find((e) => e.id === body.checkId);
    expect(event?.type).toBe('access.checked');
    expect(JSON.stringify(event)).not.toMatch(/\d{12}/);
  });

  it('denies without consent with the reason, and records the deny too', async () => {
    const res = await post(clinic, check({ subject: OTHER_SUBJECT }));
    expect(res.statusCode).toBe(200);
    expect(res.json().decision).toBe('deny');
    expect(codesOf(res.json())).toContain('consent.none');
    expect(res.json().ledgerIndex).toEqual(expect.any(Number));
  });

  it('answers a system not in standing with a recorded deny naming why', async () => {
    const suspended = profile('sys_suspended');
    h.profiles.set('sys_suspended', {
      ...suspended,
      standing: {
        ok: false,
        reasons: [{ code: 'system.suspended', message: { kk: 'т', ru: 'п', en: 'suspended' } }],
      },
    });
    const res = await post('sys_suspended', check());
    expect(res.json().decision).toBe('deny');
    expect(res.json().reasons[0].code).toBe('standing.system.suspended');
  });

  it.each([
    [
      'an invalid IIN, named but not echoed',
      { subject: '123456789012' },
      'core.invalid_iin',
      'subject',
    ],
    ['an unknown category', { categories: ['dreams'] }, 'core.unknown_category', 'categories'],
    ['an unknown purpose', { purpose: 'fun' }, 'core.unknown_purpose', 'purpose'],
    ['an unknown legal basis', { legalBasis: 'whim' }, 'core.unknown_legal_basis', 'legalBasis'],
    [
      'a law basis without reference',
      { legalBasis: 'law' },
      'access.reference_required',
      'basisReference',
    ],
    [
      'a court order without reference',
      { legalBasis: 'court-order' },
      'access.reference_required',
      'basisReference',
    ],
    [
      'a transfer without recipient',
      { action: 'transfer', country: 'DE' },
      'access.transfer_incomplete',
      'recipient',
    ],
    [
      'a transfer without country',
      { action: 'transfer', recipient: { name: 'Allianz' } },
      'access.transfer_incomplete',
      'country',
    ],
    ['an unknown country', { country: 'XX' }, 'core.unknown_country', 'country'],
    [
      'an IIN in the actor id',
      { actor: { id: `emp-${EMPLOYEE}` } },
      'access.identifier_in_actor',
      'actor.id',
    ],
    [
      'an IIN in the basis reference',
      { legalBasis: 'law', basisReference: `Приказ ${EMPLOYEE}` },
      'registry.identifier_in_text',
      'basisReference',
    ],
    [
      'an IIN in the recipient name',
      { action: 'transfer', country: 'DE', recipient: { name: `Allianz ${EMPLOYEE}` } },
      'registry.identifier_in_text',
      'recipient.name',
    ],
    [
      'an invalid actor IIN',
      { actor: { id: 'x', iin: '000000000000' } },
      'core.invalid_iin',
      'actor.iin',
    ],
  ])('refuses %s and stores nothing', async (_name, overrides, code, field) => {
    const before = await count();
    const res = await post(clinic, check(overrides));
    // docs/ACCESS.md's table names 400 for each of these.
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect(res.body).toContain(field);
    expect(res.body).not.toContain(EMPLOYEE);
    expect(res.body).not.toMatch(/\d{12}/);
    expect(await count()).toBe(before);
  });

  it('refuses an actor id over 128 characters', async () => {
    const res = await post(clinic, check({ actor: { id: 'a'.repeat(129) } }));
    expect(res.statusCode).toBe(400);
  });

  it('an actor id, basis reference or recipient of whitespace alone is refused like an empty one, alone or in a batch', async () => {
    const before = await count();
    const transfer = { action: 'transfer', country: 'DE' };
    for (const [overrides, field] of [
      [{ actor: { id: ' ' } }, 'actor.id'],
      [{ actor: { id: '\t\n \u00a0\u3000' } }, 'actor.id'],
      [{ legalBasis: 'consent', basisReference: '   ' }, 'basisReference'],
      [{ ...transfer, recipient: { name: '  ' } }, 'recipient.name'],
      [
        { ...transfer, recipient: { name: 'Allianz', identifier: ' \u2003' } },
        'recipient.identifier',
      ],
    ] as const) {
      const res = await post(clinic, check(overrides));
      expect(res.statusCode, field).toBe(400);
      expect(res.json(), field).toMatchObject({
        code: 'request.validation',
        field,
        detail: `${field}: must not be blank`,
      });
    }
    const batch = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: [check(), check({ actor: { id: '  ' } })] },
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json()).toMatchObject({ code: 'request.validation', field: 'checks[1].actor.id' });
    expect(await count()).toBe(before);
    // Text around the spaces is text: a padded id is taken as sent.
    expect((await post(clinic, check({ actor: { id: ' doctor-17 ' } }))).statusCode).toBe(200);
  });

  it('U+0000 in any text of a check is a 400 and stores nothing; checks beside it are answered', async () => {
    // PostgreSQL cannot store U+0000: once a 500 there, and a failed ledger batch for every check
    // that rode in the same commit.
    const before = await count();
    const bad = [
      check({ basisReference: 'Art. 5\u0000' }),
      check({ actor: { id: 'nurse\u00002' } }),
      check({
        action: 'transfer',
        recipient: { name: 'Insurer\u0000' },
        country: 'DE',
      }),
    ];
    const answers = await Promise.all([
      ...bad.map((body) => post(clinic, body)),
      post(clinic, check()),
      post(clinic, check()),
    ]);
    for (const res of answers.slice(0, bad.length)) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.validation' });
      expect(res.json().detail).toMatch(/must not contain the NUL character/);
    }
    for (const res of answers.slice(bad.length)) expect(res.statusCode).toBe(200);
    expect(await count()).toBe(before + 2);
    const batch = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: [check(), check({ basisReference: '\u0000' })] },
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().errors[0]).toMatchObject({ in: 'body', field: 'checks.1.basisReference' });
    expect(await count()).toBe(before + 2);
  });

  it('a category named twice is a 400 naming the field, alone or in a batch, and stores nothing', async () => {
    const before = await count();
    const twice = await post(clinic, check({ categories: ['identity', 'health', 'identity'] }));
    expect(twice.statusCode).toBe(400);
    expect(twice.json()).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'body', field: 'categories' }],
    });
    expect(twice.json().detail).toMatch(/^body categories must NOT have duplicate items/);
    // The message docs/API.md quotes.
    expect(twice.json().errors[0].message).toBe(
      'must NOT have duplicate items (items ## 2 and 0 are identical)',
    );
    const batch = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: [check(), check({ categories: ['health', 'health'] })] },
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().errors[0]).toMatchObject({ in: 'body', field: 'checks.1.categories' });
    expect(await count()).toBe(before);
  });

  it('turns the actor IIN into a pseudonym at once and never stores it', async () => {
    const res = await post(clinic, check({ actor: { id: 'nurse-2', iin: EMPLOYEE } }));
    const row = await fx.storage.db
      .selectFrom('access_checks')
      .selectAll()
      .where('id', '=', res.json().checkId)
      .executeTakeFirstOrThrow();
    expect(row.actor_pseudonym).toBe(h.pseudonymOf(EMPLOYEE));
    expect(JSON.stringify(row)).not.toContain(EMPLOYEE);
  });

  it('Idempotency-Key: a retry gets the first answer and stores nothing twice; another body is a 422', async () => {
    const key = { 'idempotency-key': 'retry-1' };
    const first = await post(clinic, check(), key);
    const before = await count();
    const again = await post(clinic, check(), key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await count()).toBe(before);
    const other = await post(clinic, check({ purpose: 'finance.credit-scoring' }), key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('access.idempotency_mismatch');
    expect(await count()).toBe(before);
    // the key is per system: another system may use the same key
    expect((await post(lender, check(), key)).statusCode).toBe(200);
  });

  it('Idempotency-Key: 1–128 printable characters, matched exactly (another letter case is another key)', async () => {
    const longest = { 'idempotency-key': `k${'x'.repeat(127)}` };
    const first = await post(clinic, check(), longest);
    expect(first.statusCode).toBe(200);
    expect((await post(clinic, check(), longest)).json().checkId).toBe(first.json().checkId);
    const before = await count();
    for (const bad of ['k'.repeat(129), 'two words', 'clé-1'])
      expect((await post(clinic, check(), { 'idempotency-key': bad })).json()).toMatchObject({
        status: 400,
        code: 'request.validation',
      });
    expect(await count()).toBe(before);
    const upper = await post(clinic, check(), {
      'idempotency-key': longest['idempotency-key'].toUpperCase(),
    });
    expect(upper.statusCode).toBe(200);
    expect(upper.json().checkId).not.toBe(first.json().checkId);
    expect(await count()).toBe(before + 1);
  });

  it('batch: one answer each in order; over 1,000 is refused and stores nothing', async () => {
    const checks = [check(), check({ subject: OTHER_SUBJECT }), check()];
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks },
    });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as { decision: string; ledgerIndex: number }[];
    expect(results.map((r) => r.decision)).toEqual(['permit', 'deny', 'permit']);
    expect(new Set(results.map((r) => r.ledgerIndex)).size).toBe(3);
    const before = await count();
    const big = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: Array.from({ length: 1001 }, () => check()) },
    });
    expect(big.statusCode).toBe(400);
    expect(big.json().code).toBe('access.batch_too_large');
    // Past the schema's own bound (10,000) the list is refused by validation instead.
    const huge = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: Array.from({ length: 10_001 }, () => check()) },
    });
    expect(huge.json()).toMatchObject({ status: 400, code: 'request.validation' });
    const bad = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: [check(), check({ purpose: 'nope' })] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('checks[1].purpose');
    expect(await count()).toBe(before);
    // An empty batch is answered with no results and records nothing.
    const empty = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: { checks: [] },
    });
    expect(empty.statusCode).toBe(200);
    expect(empty.json().results).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('the batch takes bodies up to 4 MiB, past QALQAN_BODY_LIMIT (1 MiB by default); a single check does not', async () => {
    const sized = (url: string, bytes: number) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { ...asSystem(clinic), 'content-type': 'application/json' },
        payload: `{"checks":[],"pad":"${'x'.repeat(bytes - 22)}"}`,
      });
    const overDefault = 1024 * 1024 + 1024;
    expect((await sized('/v1/access-checks', overDefault)).json()).toMatchObject({
      status: 413,
      code: 'request.body_too_large',
    });
    // Read and refused by the schema (the extra member), so not refused for its size.
    expect((await sized('/v1/access-checks/batch', overDefault)).json()).toMatchObject({
      status: 400,
      code: 'request.validation',
    });
    expect((await sized('/v1/access-checks/batch', 4 * 1024 * 1024 + 1)).json()).toMatchObject({
      status: 413,
      code: 'request.body_too_large',
    });
  });

  it('a 1,000-check batch is answered in order and stored once', async () => {
    const before = await count();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: { ...asSystem(clinic), 'idempotency-key': 'bulk-1' },
      payload: {
        checks: Array.from({ length: 1000 }, (_, i) => check({ actor: { id: `job-${i}` } })),
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toHaveLength(1000);
    expect(await count()).toBe(before + 1000);
  });

  it('a batch on the sequencing instance: every check (with its index) and its entry in one commit, no outbox row', async () => {
    const checkpoints = async () =>
      (await fx.storage.db.selectFrom('ledger_checkpoints').select('size').execute()).length;
    const before = await count();
    const commitsBefore = await checkpoints();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: asSystem(clinic),
      payload: {
        checks: Array.from({ length: 600 }, (_, i) =>
          check({ actor: { id: `batch-${i}` }, ...(i % 2 ? { categories: ['financial'] } : {}) }),
        ),
      },
    });
    expect(res.statusCode).toBe(200);
    const results: { checkId: string; ledgerIndex: number; decision: string }[] =
      res.json().results;
    expect(results).toHaveLength(600);
    // Permits and denies alike, in order, with consecutive ledger indexes from one commit (600
    // entries: more than a ledger batch's usual 256, which a group may exceed).
    expect(results.filter((r) => r.decision === 'deny').length).toBe(300);
    expect(results.map((r) => r.ledgerIndex - results[0]!.ledgerIndex)).toEqual(
      Array.from({ length: 600 }, (_, i) => i),
    );
    expect((await checkpoints()) - commitsBefore).toBe(1);
    expect(await count()).toBe(before + 600);
    const ids = results.map((r) => r.checkId);
    const stored = await fx.storage.db
      .selectFrom('access_checks')
      .select(['id', 'ledger_index'])
      .where('id', 'in', ids)
      .execute();
    expect(stored).toHaveLength(600);
    const answered = new Map(results.map((r) => [r.checkId, r.ledgerIndex]));
    for (const row of stored) expect(Number(row.ledger_index)).toBe(answered.get(row.id));
    // The checks' rows are the only copy of their indexes: no outbox row; their events' rows are
    // gone once published.
    const left = async (table: 'outbox' | 'outbox_events') =>
      (await fx.storage.db.selectFrom(table).select('id').where('id', 'in', ids).execute()).length;
    expect(await left('outbox')).toBe(0);
    await h.outbox.published();
    expect(await left('outbox_events')).toBe(0);
    const receipt = await h.ledger.receipt(results[599]!.ledgerIndex);
    expect(receipt.record).toMatchObject({ check: results[599]!.checkId, decision: 'deny' });
  });

  it('a one-commit check that reached storage though its commit reported a failure is logged once: the two-step fallback fails on its id', async () => {
    const ids = async () =>
      new Set(
        (await fx.storage.db.selectFrom('access_checks').select('id').execute()).map((r) => r.id),
      );
    const before = await ids();
    const append = h.ledger.append.bind(h.ledger);
    const lost = vi.spyOn(h.ledger, 'append').mockImplementationOnce(async (input) => {
      await append(input);
      throw new Error('connection lost after the commit');
    });
    let res: Awaited<ReturnType<typeof post>>;
    try {
      res = await post(clinic, check({ actor: { id: 'lost-answer' } }));
    } finally {
      lost.mockRestore();
    }
    // The fallback's insert of the check collides with the committed one: not answered.
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    const added = [...(await ids())].filter((id) => !before.has(id));
    expect(added).toHaveLength(1);
    const checkId = added[0]!;
    const logged = await fx.storage.db
      .selectFrom('ledger_records')
      .select('idx')
      .where('idempotency_key', '=', checkId)
      .execute();
    expect(logged).toHaveLength(1);
    const stored = await fx.storage.db
      .selectFrom('access_checks')
      .select('ledger_index')
      .where('id', '=', checkId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.ledger_index)).toBe(Number(logged[0]!.idx));
    expect(
      await fx.storage.db.selectFrom('outbox').select('id').where('id', '=', checkId).execute(),
    ).toEqual([]);
    // Its event's row committed with it: the drain publishes it.
    await h.outbox.drain();
    expect(h.events.filter((event) => event.id === checkId)).toHaveLength(1);
    expect(
      await fx.storage.db
        .selectFrom('outbox_events')
        .select('id')
        .where('id', '=', checkId)
        .execute(),
    ).toEqual([]);
  });

  it("an actor's code is the module's actorCode for its operator, the same on every check", async () => {
    const codeOf = async (system: string) => {
      const { checkId } = (await post(system, check())).json();
      const res = await h.app.inject({
        url: `/v1/access-checks/${checkId}`,
        headers: asSystem(system),
      });
      return res.json().actor.code as string;
    };
    const first = await codeOf(clinic);
    expect(await codeOf(clinic)).toBe(first);
    expect(first).toBe(h.access.actorCode(`op_${clinic}`, 'doctor-17'));
    // Another operator: another, unrelated code for the same actor id.
    expect(await codeOf(lender)).toBe(h.access.actorCode(`op_${lender}`, 'doctor-17'));
    expect(await codeOf(lender)).not.toBe(first);
  });

  it('GET a check: its own system and staff see it with a verifiable proof; another system gets 404', async () => {
    const { checkId } = (await post(clinic, check())).json();
    const own = await h.app.inject({
      url: `/v1/access-checks/${checkId}`,
      headers: asSystem(clinic),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().actor.id).toBe('doctor-17');
    expect(verifyReceipt(own.json().receipt, h.ledger.verifierKey)).toEqual({ ok: true });
    const staff = await h.app.inject({
      url: `/v1/access-checks/${checkId}`,
      headers: asStaff('soc'),
    });
    expect(staff.statusCode).toBe(200);
    const other = await h.app.inject({
      url: `/v1/access-checks/${checkId}`,
      headers: asSystem(lender),
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('access.check_not_found');
  });

  it('a check keeps its ledger index and proof, for its system and its citizen, with no outbox row: never written (one commit) or pruned (two steps)', async () => {
    const citizen = iinBornOn('1968-04-04', 61);
    const me = h.pseudonymOf(citizen);
    const answerOf = async (headers: Record<string, string> = {}) =>
      (await post(lender, check({ subject: citizen }), headers)).json<{
        checkId: string;
        ledgerIndex: number;
      }>();
    // The one-commit path writes no outbox row.
    const oneCommit = await answerOf();
    expect(oneCommit.ledgerIndex).toEqual(expect.any(Number));
    expect(
      await fx.storage.db
        .selectFrom('outbox')
        .select('id')
        .where('id', '=', oneCommit.checkId)
        .execute(),
    ).toEqual([]);
    // An Idempotency-Key takes the two steps: an outbox row, pruned below.
    const answer = await answerOf({ 'idempotency-key': `pruned-${randomUUID()}` });
    expect(answer.ledgerIndex).toEqual(expect.any(Number));
    // The row is finished once its event is published and marked done (the mark rides in a
    // later commit).
    const stateOf = async () =>
      (
        await fx.storage.db
          .selectFrom('outbox')
          .select('state')
          .where('id', '=', answer.checkId)
          .executeTakeFirst()
      )?.state;
    await h.outbox.published();
    for (let tries = 0; (await stateOf()) !== 'done'; tries += 1) {
      if (tries > 100) throw new Error("the check's outbox row was never marked done");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A retention of an hour, read a year later: every finished row goes.
    const retention = createOutboxRetention({
      db: fx.storage.db,
      retentionMs: 3_600_000,
      clock: () => new Date(h.now.value.getTime() + 365 * 86_400_000),
    });
    expect(await retention.prune()).toBeGreaterThan(0);
    expect(await stateOf()).toBeUndefined();

    const mine = await h.app.inject({ url: '/v1/me/accesses', headers: asCitizen(me) });
    for (const { checkId, ledgerIndex } of [oneCommit, answer]) {
      const own = await h.app.inject({
        url: `/v1/access-checks/${checkId}`,
        headers: asSystem(lender),
      });
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ ledgerIndex });
      expect(verifyReceipt(own.json().receipt, h.ledger.verifierKey)).toEqual({ ok: true });
      const item = mine
        .json<{ items: { checkId: string; ledgerIndex: number; receipt: unknown }[] }>()
        .items.find((i) => i.checkId === checkId);
      expect(item).toMatchObject({ ledgerIndex });
      expect(
        verifyReceipt(item!.receipt as Parameters<typeof verifyReceipt>[0], h.ledger.verifierKey),
      ).toEqual({ ok: true });
    }
  });

  it('the citizen sees their own accesses with the record, salt and proof; the actor only as a code', async () => {
    // Its own citizen and checks: the test passes alone and in any order (tests run shuffled).
    const citizen = iinBornOn('1972-08-08', 51);
    const me = h.pseudonymOf(citizen);
    h.grants.push({
      consentId: 'cns_citizen_view',
      subject: me,
      system: clinic,
      purpose: 'health.treatment',
      categories: ['identity', 'health'],
    });
    const asked = [
      await post(clinic, check({ subject: citizen })),
      await post(clinic, check({ subject: citizen, actor: { id: 'doctor-18' } })),
      await post(clinic, check({ subject: citizen, categories: ['financial'] })),
      await post(lender, check({ subject: citizen, purpose: 'finance.credit-scoring' })),
      await post(lender, check({ subject: citizen, purpose: 'finance.credit-scoring' })),
    ].map((res) => res.json<{ checkId: string; decision: string }>());
    expect(asked.map((a) => a.decision)).toEqual(['permit', 'permit', 'deny', 'deny', 'deny']);

    const page = await h.app.inject({ url: '/v1/me/accesses?limit=2', headers: asCitizen(me) });
    expect(page.statusCode).toBe(200);
    type Item = {
      checkId: string;
      decision: string;
      systemId: string;
      actor: unknown;
      receipt: Parameters<typeof verifyReceipt>[0];
    };
    type Page = { items: Item[]; next: string | null };
    const body = page.json<Page>();
    expect(body.items).toHaveLength(2);
    expect(body.next).toEqual(expect.any(String));
    const item = body.items[0]!;
    expect(item.actor).toEqual({ code: expect.stringMatching(/^A-/) });
    expect(JSON.stringify(item)).not.toContain('doctor-17');
    expect(verifyReceipt(item.receipt, h.ledger.verifierKey)).toEqual({ ok: true });
    const pages = [body];
    for (let cursor = body.next; cursor !== null;) {
      const next = await h.app.inject({
        url: `/v1/me/accesses?limit=2&cursor=${cursor}`,
        headers: asCitizen(me),
      });
      pages.push(next.json<Page>());
      cursor = next.json<Page>().next;
    }
    const seen = pages.flatMap((p) => p.items.map((i) => i.checkId));
    expect(seen).toHaveLength(5);
    // Names for the citizen (from the registry, as they are now) beside the ids the record keeps.
    const clinicItems = pages.flatMap((p) => p.items).filter((i) => i.systemId === clinic);
    expect(clinicItems).toHaveLength(3);
    for (const one of clinicItems)
      expect(one).toMatchObject({
        systemName: `System ${clinic}`,
        operatorName: { en: `Operator op_${clinic}`, ru: `Оператор op_${clinic}` },
      });
    expect(new Set(seen)).toEqual(new Set(asked.map((a) => a.checkId)));
    const denies = await h.app.inject({
      url: '/v1/me/accesses?decision=deny',
      headers: asCitizen(me),
    });
    expect(denies.json<Page>().items.map((i) => i.decision)).toEqual(['deny', 'deny', 'deny']);
    const lenderOnly = await h.app.inject({
      url: `/v1/me/accesses?systemId=${lender}`,
      headers: asCitizen(me),
    });
    expect(lenderOnly.json<Page>().items.map((i) => i.systemId)).toEqual([lender, lender]);
    const stranger = await h.app.inject({ url: '/v1/me/accesses', headers: asCitizen('nobody') });
    expect(stranger.json().items).toEqual([]);
    const badCursor = await h.app.inject({
      url: '/v1/me/accesses?cursor=zz',
      headers: asCitizen(me),
    });
    expect(badCursor.statusCode).toBe(400);
  });

  it('the citizen view refuses a reversed time range and a cursor it did not issue, naming the field', async () => {
    const citizen = iinBornOn('1973-03-03', 61);
    const me = h.pseudonymOf(citizen);
    for (let i = 0; i < 3; i++) await post(clinic, check({ subject: citizen }));
    const get = (query: string) =>
      h.app.inject({ url: `/v1/me/accesses?${query}`, headers: asCitizen(me) });
    const first = await get('limit=1');
    expect(first.json().items).toHaveLength(1);
    const next = first.json<{ next: string }>().next;
    expect((await get(`limit=1&cursor=${next}`)).json().items).toHaveLength(1);

    for (const [query, field] of [
      ['from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['from=2026-06-01T00:00:00Z&to=2026-06-01T00:00:00Z', 'to'],
      ['from=2026-06-01T05:00:00%2B05:00&to=2026-06-01T00:00:00Z', 'to'],
    ] as const) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'request.validation', field });
      expect(res.json().detail).toMatch(/^to: /);
    }
    // A cursor of the right shape that this API did not write: refused, not read as a position
    // (U+0000 inside it would reach PostgreSQL as a parameter it cannot take).
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const [at, id] = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as [
      string,
      string,
    ];
    for (const forged of [
      ['x', 'y'],
      [at, 'y'],
      ['x', id],
      ['2026-12-01', id],
      ["2026' OR 1=1", id],
      [`${at}\u0000`, id],
      [at, `${id}\u0000`],
    ]) {
      const res = await get(`cursor=${encode(forged)}`);
      expect(res.statusCode, JSON.stringify(forged)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.validation', field: 'cursor' });
    }
  });

  it('a regime opened by the regulator permits what it names without consent, and can be closed', async () => {
    const ai = 'sys_ai';
    h.profiles.set(
      ai,
      profile(ai, { purposes: ['ai.model-training'], categories: ['identity', 'health'] }),
    );
    const ask = () => post(ai, check({ purpose: 'ai.model-training', legalBasis: 'regime' }));
    expect((await ask()).json().decision).toBe('deny');
    const opened = await h.app.inject({
      method: 'POST',
      url: '/v1/access-regimes',
      headers: asStaff('regulator'),
      payload: {
        name: 'AI sandbox',
        act: 'Order No. 12 of the Ministry of Digital Development',
        systems: [ai],
        purposes: ['ai.model-training'],
        categories: ['identity', 'health'],
        start: '2026-11-01T00:00:00.000Z',
        end: '2027-11-01T00:00:00.000Z',
      },
    });
    expect(opened.statusCode).toBe(201);
    const { regime, change } = opened.json();
    expect(change.ledgerIndex).toEqual(expect.any(Number));
    const permitted = (await ask()).json();
    expect(permitted.decision).toBe('permit');
    expect(permitted.basis.regimeId).toBe(regime.id);
    const closed = await h.app.inject({
      method: 'POST',
      url: `/v1/access-regimes/${regime.id}/close`,
      headers: asStaff('regulator'),
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().regime.state).toBe('ended');
    // Closing is a ledger entry too (docs/ACCESS.md).
    expect(closed.json().change.ledgerIndex).toBeGreaterThan(change.ledgerIndex);
    expect((await ask()).json().decision).toBe('deny');
    // A regime names each system, purpose and category once: a repeat is a 400 naming the list.
    const regimesBefore = await fx.storage.db.selectFrom('access_regimes').select('id').execute();
    for (const [field, value] of [
      ['systems', [ai, ai]],
      ['purposes', ['ai.model-training', 'ai.model-training']],
      ['categories', ['identity', 'health', 'health']],
    ] as const) {
      const repeated = await h.app.inject({
        method: 'POST',
        url: '/v1/access-regimes',
        headers: asStaff('regulator'),
        payload: {
          name: 'AI sandbox, again',
          act: 'Order No. 13',
          systems: [ai],
          purposes: ['ai.model-training'],
          categories: ['identity', 'health'],
          start: '2026-11-01T00:00:00.000Z',
          end: '2027-11-01T00:00:00.000Z',
          [field]: value,
        },
      });
      expect(repeated.statusCode, field).toBe(400);
      expect(repeated.json()).toMatchObject({
        code: 'request.validation',
        errors: [{ in: 'body', field }],
      });
    }
    // A regime's name and act of whitespace alone name nothing: a 400 naming the field.
    for (const field of ['name', 'act'] as const) {
      const blank = await h.app.inject({
        method: 'POST',
        url: '/v1/access-regimes',
        headers: asStaff('regulator'),
        payload: {
          name: 'AI sandbox, again',
          act: 'Order No. 13',
          systems: [ai],
          purposes: ['ai.model-training'],
          categories: ['identity', 'health'],
          start: '2026-11-01T00:00:00.000Z',
          end: '2027-11-01T00:00:00.000Z',
          [field]: ' \t ',
        },
      });
      expect(blank.statusCode, field).toBe(400);
      expect(blank.json()).toMatchObject({ code: 'request.validation', field });
    }
    // A regime over before it is opened (a mistyped year) would permit nothing: a 400 naming
    // `end`, and nothing stored nor logged. The harness's clock reads 2026-12-01.
    const sizeBefore = (await h.ledger.checkpoint()).size;
    const past = await h.app.inject({
      method: 'POST',
      url: '/v1/access-regimes',
      headers: asStaff('regulator'),
      payload: {
        name: 'AI sandbox, in the past',
        act: 'Order No. 14',
        systems: [ai],
        purposes: ['ai.model-training'],
        categories: ['identity', 'health'],
        start: '2025-11-01T00:00:00.000Z',
        end: '2026-11-01T00:00:00.000Z',
      },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ code: 'access.invalid_regime', field: 'end' });
    expect((await h.ledger.checkpoint()).size).toBe(sizeBefore);
    expect(await fx.storage.db.selectFrom('access_regimes').select('id').execute()).toEqual(
      regimesBefore,
    );
    const missing = await h.app.inject({
      method: 'POST',
      url: '/v1/access-regimes/rgm_missing/close',
      headers: asStaff('regulator'),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('the adequacy list: a transfer to a non-adequate country needs consent until the regulator adds it', async () => {
    const insurer = 'sys_insurer';
    h.profiles.set(
      insurer,
      profile(insurer, {}, [
        {
          kind: 'contract',
          purpose: 'transport.insurance',
          reference: 'Motor policy terms',
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: null,
          recipients: [{ name: 'Global Re', country: 'AE' }],
        },
      ]),
    );
    const ask = () =>
      post(
        insurer,
        check({
          purpose: 'transport.insurance',
          legalBasis: 'contract',
          categories: ['identity', 'financial'],
          action: 'transfer',
          recipient: { name: 'Global Re' },
          country: 'AE',
        }),
      );
    const before = (await ask()).json();
    expect(before.decision).toBe('deny');
    expect(codesOf(before)).toContain('transfer.country_not_adequate');
    const put = await h.app.inject({
      method: 'PUT',
      url: '/v1/access-adequacy/AE',
      headers: asStaff('regulator'),
      payload: { adequate: true },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().change.ledgerIndex).toEqual(expect.any(Number));
    expect((await h.app.inject({ url: '/v1/access-adequacy' })).json().countries).toContain('AE');
    expect((await ask()).json().decision).toBe('permit');
  });

  it('an adequacy PUT that changes nothing answers change: null and writes nothing', async () => {
    const put = (country: string, adequate: boolean) =>
      h.app.inject({
        method: 'PUT',
        url: `/v1/access-adequacy/${country}`,
        headers: asStaff('regulator'),
        payload: { adequate },
      });
    const rows = () => fx.storage.db.selectFrom('access_adequacy').selectAll().execute();
    const rowsBefore = await rows();
    const sizeBefore = (await h.ledger.checkpoint()).size;
    // DE is on the list by default, US is not: adding the one or removing the other is no change.
    for (const [country, adequate] of [
      ['DE', true],
      ['US', false],
    ] as const) {
      const same = await put(country, adequate);
      expect(same.statusCode, country).toBe(200);
      expect(same.json(), country).toEqual({ country, adequate, change: null });
    }
    expect((await h.ledger.checkpoint()).size).toBe(sizeBefore);
    expect(await rows()).toEqual(rowsBefore);
    // A real change is logged once; the same PUT again is no change.
    const added = await put('KE', true);
    expect(added.json().change.ledgerIndex).toEqual(expect.any(Number));
    expect((await put('KE', true)).json().change).toBeNull();
    expect((await h.ledger.checkpoint()).size).toBe(sizeBefore + 1);
    const removed = await put('KE', false);
    expect(removed.json().change.ledgerIndex).toEqual(expect.any(Number));
    expect((await put('KE', false)).json().change).toBeNull();
    expect((await h.ledger.checkpoint()).size).toBe(sizeBefore + 2);
  });

  it('subjectsAccessedBy pages the distinct subjects a system accessed in a window', async () => {
    // Its own system and subjects: the test passes alone and in any order (tests run shuffled).
    const breached = 'sys_breached';
    h.profiles.set(breached, profile(breached));
    const first = iinBornOn('1966-04-04', 61);
    const second = iinBornOn('1968-06-06', 71);
    for (const subject of [first, second, first])
      expect((await post(breached, check({ subject }))).statusCode).toBe(200);
    // another system's check of a third subject is not this system's breach
    await post(lender, check({ subject: iinBornOn('1969-09-09', 81) }));

    const from = '2026-01-01T00:00:00.000Z';
    const to = '2027-01-01T00:00:00.000Z';
    const all = await h.access.subjectsAccessedBy(breached, from, to);
    expect(all.subjects).toHaveLength(2);
    expect(new Set(all.subjects)).toEqual(new Set([h.pseudonymOf(first), h.pseudonymOf(second)]));
    expect(all.next).toBeNull();
    const page1 = await h.access.subjectsAccessedBy(breached, from, to, { limit: 1 });
    expect(page1.subjects).toHaveLength(1);
    const page2 = await h.access.subjectsAccessedBy(breached, from, to, {
      limit: 1,
      after: page1.next ?? undefined,
    });
    expect(page2.subjects).toHaveLength(1);
    expect(page2.next).toBeNull();
    expect([...page1.subjects, ...page2.subjects]).toEqual([...all.subjects]);
    expect(
      (await h.access.subjectsAccessedBy(breached, to, '2028-01-01T00:00:00.000Z')).subjects,
    ).toEqual([]);
  });
});
