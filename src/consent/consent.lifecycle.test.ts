/**
 * The parts of the consent lifecycle that happen by time and by rotation (issue 10 items 1, 4, 6
 * and 7): a request expires unanswered at its expiry and a consent at its end date (the scheduled
 * sweep, which works from the database alone, so a restarted instance finishes what was due);
 * answering a request after its expiry is 409 and stores nothing; a callback URL that is not
 * https outside demo mode is refused and stores nothing; the webhook secret rotates with the
 * previous one signing alongside for 24 hours; receipt keys rotate with old keys still published;
 * and `coveringConsent` reads through an index on the subject. The sweep runs only on the active
 * instance.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { bearer } from '../registry/test-support/registry-app.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createConsentService } from './consent.service.js';
import { loadReceiptSigner, rotateReceiptKey, verifyReceipt } from './receipts.js';
import {
  citizen,
  consentHarness,
  type ConsentHarness,
  iinBornOn,
} from './test-support/consent-app.js';

const ADULT = iinBornOn('1988-02-14', 41);
const START = '2026-11-25T09:00:00.000Z';

function requestBody(overrides: Record<string, unknown> = {}) {
  return {
    iin: ADULT,
    purposes: ['finance.kyc'],
    categories: ['identity'],
    retention: 'P1Y',
    validUntil: '2026-12-31T00:00:00.000Z',
    requestExpiresAt: '2026-12-02T00:00:00.000Z',
    message: { kk: 'Құжаттар', ru: 'Документы', en: 'Documents' },
    policyUrl: 'https://senim.kz/privacy',
    ...overrides,
  };
}

describeStorage('consent lifecycle by time and rotation', (fx) => {
  const tempDir = tempDirsRemovedAfterAll('qalqan-receipt-rotation-');
  let h: ConsentHarness;
  let sys: Awaited<ReturnType<ConsentHarness['newSystem']>>;
  beforeAll(async () => {
    h = await consentHarness(fx.storage, { allowInsecureWebhooks: true });
    sys = await h.newSystem();
  });
  afterAll(async () => {
    h.registry.clock.set(START);
    await h.close();
  });

  const me = () => citizen(h.pseudonymOf(ADULT));
  const ask = async (overrides: Record<string, unknown> = {}) => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: bearer(sys.key),
      payload: requestBody(overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ request: { id: string } }>().request.id;
  };
  const stateOf = async (id: string) =>
    (await h.app.inject({ url: `/v1/consent-requests/${id}`, headers: bearer(sys.key) })).json<{
      state: string;
      events: { type: string; actor: { kind: string } }[];
    }>();
  const counts = async () => ({
    events: (await fx.storage.db.selectFrom('consent_events').select('id').execute()).length,
    outbox: (await fx.storage.db.selectFrom('outbox').select('id').execute()).length,
    consents: (await fx.storage.db.selectFrom('consents').select('id').execute()).length,
  });

  it('a request expires unanswered at its expiry; answering it afterwards is 409 and stores nothing', async () => {
    h.registry.clock.set(START);
    const id = await ask();
    try {
      h.registry.clock.set('2026-12-02T00:00:00.000Z');
      // Past the expiry, before the sweep has run: the answer is refused on the expiry itself.
      const before = await counts();
      const late = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${id}/approve`,
        headers: me(),
      });
      expect([late.statusCode, late.json<{ code: string }>().code]).toEqual([
        409,
        'consent.request_expired',
      ]);
      expect(await counts()).toEqual(before);
      // And it is no longer offered to the citizen.
      const pending = await h.app.inject({ url: '/v1/me/consent-requests', headers: me() });
      expect(
        pending.json<{ requests: { id: string }[] }>().requests.map((r) => r.id),
      ).not.toContain(id);

      // The sweep — from the database alone, here by a second service as after a restart.
      const restarted = createConsentService({
        db: fx.storage.db,
        outbox: h.outbox.port,
        subjects: {
          subjectOf: () => Promise.reject(new Error('not used')),
          revealIin: () => Promise.reject(new Error('not used')),
        },
        registry: { declaredOf: () => Promise.resolve(null) },
        taxonomy: h.consent.taxonomy,
        webhooks: { allowInsecure: true },
        clock: h.registry.clock,
      });
      expect(await restarted.expireDue()).toBeGreaterThanOrEqual(1);
      const expired = await stateOf(id);
      expect(expired.state).toBe('expired');
      expect(expired.events.map((e) => [e.type, e.actor.kind])).toEqual([
        ['requested', 'system'],
        ['expired', 'qalqan'],
      ]);
      expect(
        h.outbox.ledger.entries.filter(
          (e) => e.type === 'consent.expired' && e.record.consentId === id,
        ),
      ).toHaveLength(1);
      // Expired is final: a second sweep finds nothing more for it.
      await h.consent.runDueWork();
      expect((await stateOf(id)).events).toHaveLength(2);
    } finally {
      h.registry.clock.set(START);
    }
  });

  it('the scheduled sweep runs only while its instance is the active one (the ledger sequencer)', async () => {
    h.registry.clock.set(START);
    const id = await ask();
    let active = false;
    // Only the interval is simulated; the sweep itself runs on the real database.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stop = h.consent.startScheduler(1000, () => active);
    try {
      h.registry.clock.set('2026-12-02T00:00:00.000Z');
      await vi.advanceTimersByTimeAsync(10_000);
      expect((await stateOf(id)).state).toBe('requested');

      active = true;
      await vi.advanceTimersByTimeAsync(1000);
      let state = '';
      for (const started = Date.now(); Date.now() - started < 10_000;) {
        state = (await stateOf(id)).state;
        if (state === 'expired') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(state).toBe('expired');
    } finally {
      stop();
      vi.useRealTimers();
      h.registry.clock.set(START);
    }
  });

  it('a consent expires by itself at its end date, and then covers nothing', async () => {
    h.registry.clock.set(START);
    const id = await ask({ purposes: ['finance.credit-scoring'] });
    try {
      const given = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${id}/approve`,
        headers: me(),
      });
      expect(given.statusCode, given.body).toBe(200);
      const query = () => ({
        subject: h.pseudonymOf(ADULT),
        system: sys.systemId,
        operator: sys.operatorId,
        purpose: 'finance.credit-scoring',
        categories: ['identity'],
        at: h.registry.clock().toISOString(),
      });
      expect((await h.consent.coveringConsent(query())).covered).toBe(true);

      h.registry.clock.set('2026-12-31T00:00:00.000Z');
      const work = await h.consent.runDueWork();
      expect(work.expired).toBeGreaterThanOrEqual(1);
      expect((await stateOf(id)).state).toBe('expired');
      const after = await h.consent.coveringConsent(query());
      expect(!after.covered && after.reason.code).toBe('expired');
      const withdraw = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consents/${id}/withdraw`,
        headers: me(),
      });
      expect([withdraw.statusCode, withdraw.json<{ code: string }>().code]).toEqual([
        409,
        'consent.invalid_transition',
      ]);
    } finally {
      h.registry.clock.set(START);
    }
  });

  it('an end date given with a zone offset ends the consent at that instant, not hours later', async () => {
    // Stored instants are compared as text: "2026-12-31T03:00:00+05:00" (22:00 UTC on the 30th)
    // once sorted after "2026-12-30T23:00:00.000Z" and covered for five hours past its end.
    h.registry.clock.set(START);
    const id = await ask({
      purposes: ['finance.credit-scoring'],
      validUntil: '2026-12-31T03:00:00+05:00',
      requestExpiresAt: '2026-12-02T05:00:00+05:00',
    });
    try {
      const stored = await fx.storage.db
        .selectFrom('consents')
        .select(['valid_until', 'request_expires_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({
        valid_until: '2026-12-30T22:00:00.000Z',
        request_expires_at: '2026-12-02T00:00:00.000Z',
      });
      const given = await h.app.inject({
        method: 'POST',
        url: `/v1/me/consent-requests/${id}/approve`,
        headers: me(),
      });
      expect(given.statusCode, given.body).toBe(200);
      expect(given.json<{ consent: { validUntil: string } }>().consent.validUntil).toBe(
        '2026-12-30T22:00:00.000Z',
      );
      const coveredAt = async (at: string) =>
        (
          await h.consent.coveringConsent({
            subject: h.pseudonymOf(ADULT),
            system: sys.systemId,
            operator: sys.operatorId,
            purpose: 'finance.credit-scoring',
            categories: ['identity'],
            at,
          })
        ).covered;
      expect(await coveredAt('2026-12-30T21:59:59.999Z')).toBe(true);
      expect(await coveredAt('2026-12-30T23:00:00.000Z')).toBe(false);
      h.registry.clock.set('2026-12-30T23:00:00.000Z');
      expect((await h.consent.runDueWork()).expired).toBeGreaterThanOrEqual(1);
      expect((await stateOf(id)).state).toBe('expired');
    } finally {
      h.registry.clock.set(START);
    }
  });

  it('outside demo mode a callback that is not https (or is local) is refused and nothing is stored, and is checked again at delivery', async () => {
    const strict = await consentHarness(fx.storage, { allowInsecureWebhooks: false });
    try {
      const system = await strict.newSystem();
      await strict.app.inject({
        method: 'POST',
        url: '/v1/consent-webhooks/secret',
        headers: bearer(system.key),
      });
      const before = await counts();
      for (const callbackUrl of [
        'http://bank.example.com/hook',
        'https://127.0.0.1/hook',
        'https://[::1]/hook',
        'https://169.254.169.254/latest',
        'https://10.1.2.3/hook',
      ]) {
        const response = await strict.app.inject({
          method: 'POST',
          url: '/v1/consent-requests',
          headers: bearer(system.key),
          payload: requestBody({ callbackUrl }),
        });
        expect([response.statusCode, response.json<{ code: string }>().code], callbackUrl).toEqual([
          400,
          'consent.insecure_webhook_url',
        ]);
        expect(response.body).not.toContain(ADULT);
      }
      expect(await counts()).toEqual(before);

      // docs/CONSENT.md: checked again at every delivery. A delivery owed to a host that now
      // resolves to loopback (as after DNS rebinding) is not posted; the reason is kept.
      const at = strict.registry.clock().toISOString();
      await fx.storage.db
        .insertInto('webhook_deliveries')
        .values({
          id: 'msg_rebound',
          system_id: system.systemId,
          consent_id: 'cns_rebound',
          event_id: 'cev_rebound',
          event_type: 'consent.given',
          url: 'https://localhost:9/hook',
          payload_json: '{}',
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          last_attempt_at: null,
          last_status: null,
          last_error: null,
          delivered_at: null,
          created_at: at,
        })
        .execute();
      await strict.consent.runDueWork();
      const deliveries = await strict.app.inject({
        url: '/v1/consent-webhooks/deliveries',
        headers: bearer(system.key),
      });
      expect(
        deliveries
          .json<{ deliveries: { id: string }[] }>()
          .deliveries.find((delivery) => delivery.id === 'msg_rebound'),
      ).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: null,
        lastError: expect.stringMatching(/^url: resolves to a loopback, link-local or private/),
      });
    } finally {
      await strict.close();
    }
  });

  it('the webhook secret is shown once and rotates; the previous one keeps signing for 24 hours', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const system = await h.newSystem();
    h.registry.clock.set(START);
    try {
      const secretOf = async () => {
        const response = await h.app.inject({
          method: 'POST',
          url: '/v1/consent-webhooks/secret',
          headers: bearer(system.key),
        });
        expect(response.statusCode, response.body).toBe(201);
        return response.json<{ secret: string; previousValidUntil: string | null }>();
      };
      const first = await secretOf();
      expect(first.secret).toMatch(/^whsec_/);
      expect(first.previousValidUntil).toBeNull();
      // Stored sealed: the secret is nowhere in the database in clear.
      const row = await fx.storage.db
        .selectFrom('webhook_secrets')
        .selectAll()
        .where('system_id', '=', system.systemId)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(first.secret.slice(6));

      const second = await secretOf();
      expect(second.secret).not.toBe(first.secret);
      expect(second.previousValidUntil).toBe('2026-11-26T09:00:00.000Z');

      const port = (server.address() as AddressInfo).port;
      const delivered = async () => {
        const response = await h.app.inject({
          method: 'POST',
          url: '/v1/consent-requests',
          headers: bearer(system.key),
          payload: requestBody({
            callbackUrl: `http://127.0.0.1:${port}/hook`,
            requestExpiresAt: '2027-06-01T00:00:00.000Z',
            validUntil: '2027-12-01T00:00:00.000Z',
          }),
        });
        const id = response.json<{ request: { id: string } }>().request.id;
        await h.app.inject({
          method: 'POST',
          url: `/v1/me/consent-requests/${id}/refuse`,
          headers: me(),
        });
        received.length = 0;
        await h.consent.runDueWork();
        expect(received).toHaveLength(1);
        return received[0]!;
      };
      // Receivers verify with what they have: until the previous secret retires, both verify.
      // (Standard Webhooks verification checks the timestamp against the real clock, so the
      // signatures are checked by recomputing them at the sent timestamp, as a receiver would.)
      const signedBy = (secret: string, got: { headers: IncomingHttpHeaders; body: string }) =>
        String(got.headers['webhook-signature'])
          .split(' ')
          .includes(
            new Webhook(secret).sign(
              String(got.headers['webhook-id']),
              new Date(Number(got.headers['webhook-timestamp']) * 1000),
              got.body,
            ),
          );
      const during = await delivered();
      expect([signedBy(second.secret, during), signedBy(first.secret, during)]).toEqual([
        true,
        true,
      ]);
      h.registry.clock.set('2026-11-26T09:00:01.000Z');
      const after = await delivered();
      expect([signedBy(second.secret, after), signedBy(first.secret, after)]).toEqual([
        true,
        false,
      ]);
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    } finally {
      h.registry.clock.set(START);
      server.close();
    }
  });

  it('receipt keys rotate: new receipts carry the new key id, old receipts still verify', async () => {
    const dir = path.join(tempDir(), 'keys');
    const before = await loadReceiptSigner(dir);
    const document = { consentReceiptID: 'cns_rotation', piiPrincipalId: 'psd_rotation' };
    const old = await before.sign(document);
    rotateReceiptKey(dir, new Date(Date.now() + 1000));
    const after = await loadReceiptSigner(dir);
    expect(after.currentKid).not.toBe(before.currentKid);
    expect(after.jwks().keys.map((k) => k.kid)).toEqual([after.currentKid, before.currentKid]);
    const fresh = await after.sign(document);
    for (const [jws, kid] of [
      [old, before.currentKid],
      [fresh, after.currentKid],
    ] as const) {
      const check = await verifyReceipt(jws, after.jwks());
      expect(check.ok && check.kid).toBe(kid);
    }
    // A receipt whose key was never published is refused with the reason.
    const unknown = await verifyReceipt(fresh, before.jwks());
    expect(!unknown.ok && unknown.reason).toMatch(/unknown key id/);
  });

  it('coveringConsent reads through an index on the subject (consents_subject_controller on SQLite), not the whole table', async () => {
    const db = fx.storage.db;
    const query = db
      .selectFrom('consents')
      .selectAll()
      .where('subject', '=', 'psd_someone')
      .where('controller_id', '=', 'opr_someone')
      .compile();
    if (fx.dialect === 'sqlite') {
      const plan = await sql
        .raw<{ detail: string }>(`explain query plan ${query.sql.replace(/\?/g, "'x'")}`)
        .execute(db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(
        /SEARCH consents USING INDEX consents_subject_controller/,
      );
    } else {
      // A tiny table is cheaper to scan, so the planner is asked to prefer an index: it may pick
      // either index that leads with the subject; both bound the read to the subject's consents.
      await db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const plan = await sql
          .raw<{ 'QUERY PLAN': string }>(`explain ${query.sql.replace(/\$\d+/g, "'x'")}`)
          .execute(trx);
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toMatch(/Index Scan using consents_subject_(controller|id) on consents/);
        expect(text, text).toMatch(/Index Cond: .*subject\)?(::text)? = 'x'/);
      });
    }
  });
});
