import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { bearer, systemBody } from '../registry/test-support/registry-app.js';
import { verifyReceipt } from './receipts.js';
import {
  citizen,
  consentHarness,
  type ConsentHarness,
  iinBornOn,
} from './test-support/consent-app.js';

const ADULT = iinBornOn('1990-05-12', 11);
const OTHER_ADULT = iinBornOn('1985-03-03', 21);
const MINOR = iinBornOn('2011-06-15', 31); // 15 on the harness clock's day (2026-11-25)

function requestBody(iin: string, overrides: Record<string, unknown> = {}) {
  return {
    iin,
    purposes: ['finance.kyc'],
    categories: ['identity', 'document'],
    retention: 'P5Y',
    validUntil: '2027-11-25T00:00:00.000Z',
    requestExpiresAt: '2026-12-02T00:00:00.000Z',
    message: { kk: 'Құжаттар', ru: 'Документы', en: 'Documents' },
    policyUrl: 'https://senim.kz/privacy',
    ...overrides,
  };
}

describeStorage('consent routes', (fx) => {
  let h: ConsentHarness;
  let sys: Awaited<ReturnType<ConsentHarness['newSystem']>>;
  beforeAll(async () => {
    h = await consentHarness(fx.storage, { allowInsecureWebhooks: true });
    sys = await h.newSystem();
  });
  afterAll(async () => {
    await h.close();
  });

  const ask = (iin: string, overrides: Record<string, unknown> = {}, key = sys.key) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: bearer(key),
      payload: requestBody(iin, overrides),
    });
  /** The one webhook delivery of a consent request, as the asking system sees it when it polls. */
  const deliveryOf = async (key: string, requestId: string, app = h.app) => {
    const response = await app.inject({
      url: `/v1/consent-requests/${requestId}`,
      headers: bearer(key),
    });
    expect(response.statusCode, response.body).toBe(200);
    const { deliveries } = response.json<{
      deliveries: {
        status: string;
        attempts: number;
        lastAttemptAt: string | null;
        nextAttemptAt: string | null;
      }[];
    }>();
    expect(deliveries).toHaveLength(1);
    return deliveries[0]!;
  };
  const counts = async () => ({
    consents: (await fx.storage.db.selectFrom('consents').select('id').execute()).length,
    events: (await fx.storage.db.selectFrom('consent_events').select('id').execute()).length,
    outbox: (await fx.storage.db.selectFrom('outbox').select('id').execute()).length,
  });

  it('a system asks, the citizen approves, the system polls, the access port finds the consent', async () => {
    const asked = await ask(ADULT);
    expect(asked.statusCode, asked.body).toBe(201);
    const { request, event } = asked.json<{
      request: { id: string; state: string };
      event: { ledgerIndex: number };
    }>();
    expect(request.state).toBe('requested');
    expect(event.ledgerIndex).toBeGreaterThanOrEqual(0);
    expect(asked.body).not.toContain(ADULT);

    const me = h.pseudonymOf(ADULT);
    const pending = await h.app.inject({ url: '/v1/me/consent-requests', headers: citizen(me) });
    expect(pending.json<{ requests: { id: string }[] }>().requests.map((r) => r.id)).toContain(
      request.id,
    );

    const approved = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consent-requests/${request.id}/approve`,
      headers: citizen(me),
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json<{ consent: { state: string } }>().consent.state).toBe('active');

    const polled = await h.app.inject({
      url: `/v1/consent-requests/${request.id}`,
      headers: bearer(sys.key),
    });
    expect(
      polled.json<{ state: string; events: { type: string }[] }>().events.map((e) => e.type),
    ).toEqual(['requested', 'given']);
    expect(polled.json<Record<string, unknown>>().subject).toBeUndefined();

    const covered = await h.consent.coveringConsent({
      subject: me,
      system: sys.systemId,
      operator: sys.operatorId,
      purpose: 'finance.kyc',
      categories: ['identity'],
      at: h.registry.clock().toISOString(),
    });
    expect(covered.covered).toBe(true);
    // Ledger records and events carry pseudonyms only.
    expect(h.outbox.ledger.entries.map((e) => e.type)).toEqual(
      expect.arrayContaining(['consent.requested', 'consent.given']),
    );
    for (const entry of h.outbox.ledger.entries) expect(JSON.stringify(entry)).not.toContain(ADULT);
    for (const event of h.outbox.published) expect(JSON.stringify(event)).not.toContain(ADULT);

    const again = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consent-requests/${request.id}/approve`,
      headers: citizen(me),
    });
    expect([again.statusCode, again.json<{ code: string }>().code]).toEqual([
      409,
      'consent.already_answered',
    ]);

    const receipt = await h.app.inject({
      url: `/v1/me/consents/${request.id}/receipt`,
      headers: citizen(me),
    });
    const jwks = await h.app.inject({ url: '/.well-known/jwks.json' });
    const check = await verifyReceipt(receipt.json<{ receipt: string }>().receipt, jwks.json());
    expect(check.ok && check.document.piiPrincipalId).toBe(me);
    // docs/CONSENT.md: the receipt id is the consent's id and version (2 once given), and the
    // subject is named by pseudonym (p1_…).
    expect(check.ok && check.document.consentReceiptID).toBe(`${request.id}.2`);
    expect(me).toMatch(/^p1_/);
    expect(receipt.body).not.toContain(ADULT);
    const [head, payload, signature] = receipt.json<{ receipt: string }>().receipt.split('.');
    const tampered = await verifyReceipt(
      `${head}.${payload}.${signature!.slice(0, -4)}AAAA`,
      jwks.json(),
    );
    expect(!tampered.ok && tampered.reason).toMatch(/bad signature/);
    const unknownKey = await verifyReceipt(receipt.json<{ receipt: string }>().receipt, {
      keys: [],
    });
    expect(!unknownKey.ok && unknownKey.reason).toMatch(/unknown key id/);
  });

  it("another citizen's request or consent is 404, as if it did not exist", async () => {
    const { request } = (await ask(ADULT)).json<{ request: { id: string } }>();
    const stranger = citizen(h.pseudonymOf(OTHER_ADULT));
    for (const url of [
      `/v1/me/consent-requests/${request.id}/approve`,
      `/v1/me/consents/${request.id}/withdraw`,
    ]) {
      const response = await h.app.inject({ method: 'POST', url, headers: stranger });
      expect([response.statusCode, response.json<{ code: string }>().code]).toEqual([
        404,
        'consent.not_found',
      ]);
    }
    const other = await h.newSystem();
    const polled = await h.app.inject({
      url: `/v1/consent-requests/${request.id}`,
      headers: bearer(other.key),
    });
    expect(polled.statusCode).toBe(404);
    // docs/CONSENT.md: only the asking system sees it, not another system of the same operator.
    const actor = { kind: 'cli' as const, id: 'test' };
    const sibling = await h.registry.registry.service.createSystem(
      systemBody(sys.operatorId) as never,
      actor,
    );
    const siblingKey = await h.registry.registry.credentials.issueKey(
      sibling.record.id,
      'consent',
      actor,
    );
    const bySibling = await h.app.inject({
      url: `/v1/consent-requests/${request.id}`,
      headers: bearer(siblingKey.apiKey),
    });
    expect([bySibling.statusCode, bySibling.json<{ code: string }>().code]).toEqual([
      404,
      'consent.not_found',
    ]);
  });

  it('withdrawal is refused on grounds declared in advance for the purpose, else accepted', async () => {
    const me = h.pseudonymOf(ADULT);
    const declared = await h.app.inject({
      method: 'POST',
      url: '/v1/withdrawal-grounds',
      headers: bearer(sys.key),
      payload: {
        purpose: 'finance.credit-scoring',
        reason: { kk: 'Несие өтелмеген', ru: 'Кредит не погашен', en: 'The loan is not repaid' },
        reference: 'Law 94-V Art. 8(2)',
      },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const askedWithGround = await ask(ADULT, { purposes: ['finance.credit-scoring'] });
    const withGround = askedWithGround.json<{ request: { id: string } }>().request.id;
    const plain = (await ask(ADULT)).json<{ request: { id: string } }>().request.id;
    const approvals = [];
    for (const id of [withGround, plain])
      approvals.push(
        await h.app.inject({
          method: 'POST',
          url: `/v1/me/consent-requests/${id}/approve`,
          headers: citizen(me),
        }),
      );
    const refused = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${withGround}/withdraw`,
      headers: citizen(me),
    });
    expect(
      refused.json<{
        outcome: string;
        reason: { en: string; reference: string };
        consent: { state: string };
      }>(),
    ).toMatchObject({
      outcome: 'refused',
      reason: { en: 'The loan is not repaid', reference: 'Law 94-V Art. 8(2)' },
      consent: { state: 'active' },
    });
    const accepted = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${plain}/withdraw`,
      headers: citizen(me),
    });
    expect(accepted.json<{ outcome: string; consent: { state: string } }>()).toMatchObject({
      outcome: 'accepted',
      consent: { state: 'withdrawn' },
    });
    const paused = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${withGround}/pause`,
      headers: citizen(me),
    });
    expect(paused.json<{ consent: { state: string } }>().consent.state).toBe('paused');
    const resumed = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${withGround}/resume`,
      headers: citizen(me),
    });
    expect(resumed.json<{ consent: { state: string } }>().consent.state).toBe('active');

    // docs/CONSENT.md: every event is a ledger record and a published event `consent.<event>`,
    // at the ledger index its answer carries, keyed and published by the event's id.
    const answered: [typeof refused, string, string][] = [
      [askedWithGround, withGround, 'requested'],
      [approvals[0]!, withGround, 'given'],
      [approvals[1]!, plain, 'given'],
      [refused, withGround, 'withdrawal-refused'],
      [accepted, plain, 'withdrawn'],
      [paused, withGround, 'paused'],
      [resumed, withGround, 'resumed'],
    ];
    for (const [response, consentId, type] of answered) {
      const { event } = response.json<{ event: { id: string; ledgerIndex: number } }>();
      expect(h.outbox.ledger.entries[event.ledgerIndex], type).toMatchObject({
        type: `consent.${type}`,
        key: event.id,
        record: { consentId, event: type, subject: me },
      });
      await expect
        .poll(() => h.outbox.published.find((published) => published.id === event.id)?.type)
        .toBe(`consent.${type}`);
    }
  });

  it('a minor cannot act alone; their guardian can, until the child comes of age', async () => {
    const child = h.pseudonymOf(MINOR);
    const parent = h.pseudonymOf(OTHER_ADULT);
    const { request } = (await ask(MINOR, { validUntil: '2031-01-01T00:00:00.000Z' })).json<{
      request: { id: string };
    }>();
    const alone = await h.app.inject({
      method: 'POST',
      url: `/v1/me/consent-requests/${request.id}/approve`,
      headers: citizen(child),
    });
    expect([alone.statusCode, alone.json<{ code: string }>().code]).toEqual([
      403,
      'consent.minor_needs_guardian',
    ]);

    const recorded = await h.app.inject({
      method: 'POST',
      url: '/v1/guardianships',
      headers: bearer(h.registry.tokens.regulator),
      payload: {
        guardianIin: OTHER_ADULT,
        childIin: MINOR,
        relation: 'parent',
        reference: 'Birth certificate I-АЛ 0123456',
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.body).not.toContain(MINOR);
    const children = await h.app.inject({ url: '/v1/me/children', headers: citizen(parent) });
    const childId = children.json<{ children: { childId: string }[] }>().children[0]!.childId;
    const byGuardian = await h.app.inject({
      method: 'POST',
      url: `/v1/me/children/${childId}/consent-requests/${request.id}/approve`,
      headers: citizen(parent),
    });
    expect(byGuardian.statusCode, byGuardian.body).toBe(200);
    const events = byGuardian.json<{
      consent: { events: { type: string; actor: { kind: string; pseudonym?: string } }[] };
    }>().consent.events;
    expect(events.at(-1)).toMatchObject({
      type: 'given',
      actor: { kind: 'guardian', pseudonym: parent },
    });
    const notMine = await h.app.inject({
      url: `/v1/me/children/${childId}/consents`,
      headers: citizen(h.pseudonymOf(ADULT)),
    });
    expect(notMine.statusCode).toBe(404);

    // 2029-06-15: the child is 18; the guardian's right ends, the consent stays, the adult is told.
    h.registry.clock.set('2029-06-15T08:00:00.000Z');
    try {
      const work = await h.consent.runDueWork();
      expect(work.cameOfAge).toBe(1);
      const told = h.outbox.published.find((e) => e.type === 'consent.subject-came-of-age');
      expect(told?.data).toMatchObject({ subject: child, consentsInForce: [request.id] });
      const late = await h.app.inject({
        url: `/v1/me/children/${childId}/consents`,
        headers: citizen(parent),
      });
      expect(late.json<{ code: string }>().code).toBe('consent.guardian_right_ended');
      const own = await h.app.inject({ url: '/v1/me/consents', headers: citizen(child) });
      expect(own.json<{ consents: { id: string; state: string }[] }>().consents).toContainEqual(
        expect.objectContaining({ id: request.id, state: 'active' }),
      );
    } finally {
      h.registry.clock.set('2026-11-25T09:00:00.000Z');
    }
  });

  it('a refused guardianship or withdrawal ground stores nothing, not even the subjects it names', async () => {
    const stored = async () => ({
      subjects: (await fx.storage.db.selectFrom('subjects').select('pseudonym').execute()).length,
      guardianships: (await fx.storage.db.selectFrom('guardianships').select('id').execute())
        .length,
      outbox: (await fx.storage.db.selectFrom('outbox').select('id').execute()).length,
    });
    // People this test alone names (tests run shuffled): none is registered yet.
    const grownUp = iinBornOn('1971-02-02', 41);
    const youngGuardian = iinBornOn('2010-03-03', 51);
    const child = iinBornOn('2014-04-04', 61);
    const adult = iinBornOn('1972-05-05', 71);
    const before = await stored();
    const cases: [Record<string, string>, string, string][] = [
      [{ guardianIin: adult, childIin: grownUp }, 'consent.not_a_minor', 'childIin'],
      [{ guardianIin: youngGuardian, childIin: child }, 'consent.invalid_request', 'guardianIin'],
      [{ guardianIin: '900512300019', childIin: child }, 'core.invalid_iin', 'guardianIin'],
      [
        { guardianIin: adult, childIin: child, reference: `Birth certificate of ${child}` },
        'registry.identifier_in_text',
        'reference',
      ],
    ];
    for (const [iins, code, field] of cases) {
      const refused = await h.app.inject({
        method: 'POST',
        url: '/v1/guardianships',
        headers: bearer(h.registry.tokens.regulator),
        payload: { relation: 'parent', reference: 'Birth certificate I-АЛ 7', ...iins },
      });
      expect([refused.statusCode, refused.json()], code).toEqual([
        400,
        expect.objectContaining({ code, field }),
      ]);
      for (const iin of [iins.guardianIin!, iins.childIin!])
        expect(refused.body).not.toContain(iin);
    }
    expect(await stored()).toEqual(before);
    // A withdrawal ground's reason and reference go to the citizen and the ledger: no IIN either.
    const grounds = () => fx.storage.db.selectFrom('withdrawal_grounds').select('id').execute();
    const groundsBefore = await grounds();
    const reason = { kk: 'Несие', ru: 'Кредит', en: 'The loan' };
    for (const [payload, field] of [
      [{ reason: { ...reason, en: `The loan of ${adult}` }, reference: 'Law 94-V' }, 'reason.en'],
      [{ reason, reference: `Court order for ${adult}` }, 'reference'],
    ] as const) {
      const refused = await h.app.inject({
        method: 'POST',
        url: '/v1/withdrawal-grounds',
        headers: bearer(sys.key),
        payload: { purpose: 'finance.credit-scoring', ...payload },
      });
      expect([refused.statusCode, refused.json()], field).toEqual([
        400,
        expect.objectContaining({ code: 'registry.identifier_in_text', field }),
      ]);
      expect(refused.body).not.toContain(adult);
    }
    expect(await grounds()).toEqual(groundsBefore);
    expect(await stored()).toEqual(before);
  });

  it('bad input: each a precise 4xx and nothing stored', async () => {
    // A system with no webhook secret yet (tests run in random order; the webhook test makes one).
    const noSecret = await h.newSystem();
    const before = await counts();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ purposes: ['no.such'] }, 400, 'core.unknown_purpose'],
      [{ categories: ['dna'] }, 400, 'core.unknown_category'],
      [{ purposes: ['health.treatment'] }, 400, 'consent.purpose_not_declared'],
      [{ categories: ['health'] }, 400, 'consent.category_not_declared'],
      [{ iin: '900512300019' }, 400, 'core.invalid_iin'],
      [{ callbackUrl: 'http://example.com/hook' }, 409, 'consent.webhook_secret_missing'],
      [{ requestExpiresAt: '2020-01-01T00:00:00.000Z' }, 400, 'consent.invalid_request'],
      // docs/CONSENT.md: retention is a duration in years, months and days only.
      [{ retention: 'P2W' }, 400, 'request.validation'],
      [{ retention: 'PT12H' }, 400, 'request.validation'],
      [{ retention: 'P' }, 400, 'request.validation'],
      // The policy is a web page the citizen opens: a script or data URL is not one.
      [{ policyUrl: 'javascript:alert(1)' }, 400, 'request.validation'],
      [{ policyUrl: 'data:text/html,<script>alert(1)</script>' }, 400, 'request.validation'],
      [{ policyUrl: 'file:///etc/passwd' }, 400, 'request.validation'],
      // Free text the citizen reads and the record keeps never holds an IIN (stored in clear).
      [
        { message: { kk: 'Құжаттар', ru: 'Документы', en: `Documents of ${OTHER_ADULT}` } },
        400,
        'registry.identifier_in_text',
      ],
      [
        { recipients: [{ name: `Heir ${OTHER_ADULT}`, country: 'KZ' }] },
        400,
        'registry.identifier_in_text',
      ],
    ];
    for (const [overrides, status, code] of cases) {
      const response = await ask(
        ADULT,
        overrides,
        'callbackUrl' in overrides ? noSecret.key : sys.key,
      );
      expect(
        [response.statusCode, response.json<{ code: string }>().code],
        JSON.stringify(overrides),
      ).toEqual([status, code]);
      expect(response.body).not.toContain('900512300019');
      expect(response.body).not.toContain(OTHER_ADULT);
    }
    expect(await counts()).toEqual(before);
    const mixed = await ask(ADULT, { retention: 'P1Y6M' });
    expect(mixed.statusCode, mixed.body).toBe(201);
    expect(mixed.json<{ request: { retention: string } }>().request.retention).toBe('P1Y6M');
  });

  it('a purpose, category, recipient or country named twice is a 400 naming the list, and nothing is stored', async () => {
    const before = await counts();
    const bank = { identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' };
    const cases: [string, unknown][] = [
      ['purposes', ['finance.kyc', 'finance.kyc']],
      ['categories', ['identity', 'document', 'identity']],
      ['recipients', [bank, { ...bank }]],
      ['processingCountries', ['KZ', 'KZ']],
      ['storageCountries', ['KZ', 'DE', 'KZ']],
    ];
    for (const [field, value] of cases) {
      const response = await ask(ADULT, { [field]: value });
      expect(response.statusCode, field).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'request.validation',
        errors: [{ in: 'body', field }],
      });
      expect(response.json<{ detail: string }>().detail).toContain(
        `body ${field} must NOT have duplicate items`,
      );
    }
    expect(await counts()).toEqual(before);
    // Two recipients that differ are two recipients.
    const distinct = await ask(ADULT, { recipients: [bank, { ...bank, name: 'Another bureau' }] });
    expect(distinct.statusCode, distinct.body).toBe(201);
  });

  it('instants with a zone or a long fraction are kept as UTC ISO instants, on both engines', async () => {
    // The schema takes any RFC 3339 date-time up to 40 characters. Kept as sent, one with a long
    // fraction and an offset did not fit its `varchar(32)` column: PostgreSQL answered 500 where
    // SQLite stored it; and an offset compared as text against UTC instants ('…T05:00+05:00' after
    // '…T01:00Z') put expiries hours off. Both are now the instant's UTC form.
    const asked = await ask(ADULT, {
      validUntil: '2027-11-25T05:00:00.12345678901234+05:00',
      requestExpiresAt: '2026-12-02t00:00:00.5z',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const { request } = asked.json<{ request: { validUntil: string; requestExpiresAt: string } }>();
    expect([request.validUntil, request.requestExpiresAt]).toEqual([
      '2027-11-25T00:00:00.123Z',
      '2026-12-02T00:00:00.500Z',
    ]);
    // A system of its own: a ground on the shared one would refuse the other tests' withdrawals.
    const grounded = await h.newSystem();
    const declared = await h.app.inject({
      method: 'POST',
      url: '/v1/withdrawal-grounds',
      headers: bearer(grounded.key),
      payload: {
        purpose: 'finance.kyc',
        reason: { kk: 'Тексеру', ru: 'Проверка', en: 'A check' },
        reference: 'Law 94-V Art. 8(2)',
        validUntil: '2027-11-25T05:00:00.12345678901234+05:00',
      },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    expect(declared.json<{ ground: { validUntil: string } }>().ground.validUntil).toBe(
      '2027-11-25T00:00:00.123Z',
    );
  });

  it('webhooks: signed, retried after the endpoint was down, same webhook-id', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    let up = false;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = up ? 204 : 503;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const secret = (
        await h.app.inject({
          method: 'POST',
          url: '/v1/consent-webhooks/secret',
          headers: bearer(sys.key),
        })
      ).json<{ secret: string }>().secret;
      const { request } = (
        await ask(ADULT, { callbackUrl: `http://127.0.0.1:${port}/hook` })
      ).json<{ request: { id: string } }>();
      await h.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${request.id}/refuse`,
        headers: citizen(h.pseudonymOf(ADULT)),
      });
      await h.consent.runDueWork();
      // Refused once: retried after the default base, 10 s.
      expect(await deliveryOf(sys.key, request.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastAttemptAt: h.registry.clock().toISOString(),
        nextAttemptAt: new Date(h.registry.clock().getTime() + 10_000).toISOString(),
      });
      h.registry.clock.advance(60_000);
      up = true;
      await h.consent.runDueWork();
      expect(received).toHaveLength(2);
      expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
      const last = received[1]!;
      // What a receiver does (docs/CONSENT.md): recompute the signature over id, timestamp and body.
      const timestamp = Number(last.headers['webhook-timestamp']);
      const expected = new Webhook(secret).sign(
        String(last.headers['webhook-id']),
        new Date(timestamp * 1000),
        last.body,
      );
      expect(String(last.headers['webhook-signature']).split(' ')).toContain(expected);
      expect(JSON.parse(last.body)).toMatchObject({
        type: 'consent.refused',
        data: { requestId: request.id, state: 'refused' },
      });
      const deliveries = await h.app.inject({
        url: '/v1/consent-webhooks/deliveries',
        headers: bearer(sys.key),
      });
      expect(
        deliveries.json<{ deliveries: { status: string; attempts: number }[] }>().deliveries[0],
      ).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      server.close();
    }
  });

  it('webhooks: a module given a shorter retry base (QALQAN_WEBHOOK_RETRY_BASE_MS) retries after it, doubling; the 15th failed attempt is the last', async () => {
    let posts = 0;
    let up = false;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        posts++;
        res.statusCode = up ? 204 : 503;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const quick = await consentHarness(fx.storage, {
      allowInsecureWebhooks: true,
      webhookRetryBaseMs: 500,
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const system = await quick.newSystem();
      await quick.app.inject({
        method: 'POST',
        url: '/v1/consent-webhooks/secret',
        headers: bearer(system.key),
      });
      const asked = await quick.app.inject({
        method: 'POST',
        url: '/v1/consent-requests',
        headers: bearer(system.key),
        payload: requestBody(OTHER_ADULT, { callbackUrl: `http://127.0.0.1:${port}/hook` }),
      });
      expect(asked.statusCode, asked.body).toBe(201);
      const { request } = asked.json<{ request: { id: string } }>();
      await quick.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${request.id}/refuse`,
        headers: citizen(quick.pseudonymOf(OTHER_ADULT)),
      });
      const clock = quick.registry.clock;
      const scheduled = async (attempts: number, waitMs: number) =>
        expect(await deliveryOf(system.key, request.id, quick.app)).toMatchObject({
          status: 'pending',
          attempts,
          lastAttemptAt: clock().toISOString(),
          nextAttemptAt: new Date(clock().getTime() + waitMs).toISOString(),
        });
      await quick.consent.runDueWork();
      await scheduled(1, 500);
      clock.advance(499);
      await quick.consent.runDueWork();
      expect(posts).toBe(1); // not due yet
      clock.advance(1);
      await quick.consent.runDueWork();
      await scheduled(2, 1000);
      clock.advance(1000);
      up = true;
      await quick.consent.runDueWork();
      expect(posts).toBe(3);
      expect(await deliveryOf(system.key, request.id, quick.app)).toMatchObject({
        status: 'delivered',
        attempts: 3,
      });

      // docs/CONSENT.md: 15 attempts, then `failed` — and no sixteenth.
      up = false;
      const second = await quick.app.inject({
        method: 'POST',
        url: '/v1/consent-requests',
        headers: bearer(system.key),
        payload: requestBody(OTHER_ADULT, { callbackUrl: `http://127.0.0.1:${port}/hook` }),
      });
      const secondId = second.json<{ request: { id: string } }>().request.id;
      await quick.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${secondId}/refuse`,
        headers: citizen(quick.pseudonymOf(OTHER_ADULT)),
      });
      for (let attempt = 1; attempt <= 15; attempt++) {
        await quick.consent.runDueWork();
        expect(posts).toBe(3 + attempt);
        clock.advance(6 * 3_600_000);
      }
      expect(await deliveryOf(system.key, secondId, quick.app)).toMatchObject({
        status: 'failed',
        attempts: 15,
        nextAttemptAt: null,
      });
      await quick.consent.runDueWork();
      expect(posts).toBe(3 + 15);
    } finally {
      await quick.close();
      server.close();
    }
  });
});
