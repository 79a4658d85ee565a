/**
 * The consent module composed as `qalqan serve` composes it: a system asks through the API, the
 * citizen (a portal session, as after sign-in) approves, the event is in the signed log, the
 * receipt verifies with the published JWKS, and the access decision — through its consent port,
 * wired to this module — permits a consent-based check, then denies it once the consent is
 * withdrawn. On SQLite, and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { verifyReceipt as verifyConsentReceipt } from '../../src/consent/receipts.js';
import { iinBornOn } from '../../src/consent/test-support/consent-app.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { verifyReceipt as verifyLedgerReceipt } from '../../src/ledger/receipt.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/portal/citizen-auth.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

const PATIENT = iinBornOn('1979-04-23', 71);

describeComposed('consent in the composed server', (env) => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    world = await copyDemoWorld(env());
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
    // The first suite to ask builds the run's world: a minute on PostgreSQL on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
  });

  it('asked, approved, logged, receipted; the access check is permitted, then denied after withdrawal', async () => {
    const clinic = demo.systems.find((s) => s.system === 'Electronic health record')!;
    const system = { authorization: `Bearer ${clinic.apiKey}` };
    const asked = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: system,
      payload: {
        iin: PATIENT,
        purposes: ['health.treatment'],
        categories: ['identity', 'health'],
        retention: 'P5Y',
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        requestExpiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        message: { kk: 'Емдеу үшін', ru: 'Для лечения', en: 'For treatment' },
        policyUrl: 'https://gp5.kz/privacy',
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.body).not.toContain(PATIENT);
    const requestId = asked.json<{ request: { id: string } }>().request.id;

    // The citizen, signed in: a portal session for their pseudonym (cookie and CSRF header).
    const pseudonym = qalqan.secrets.pseudonymOf(PATIENT);
    const { session, token } = await qalqan.portal.sessions.create(pseudonym);
    const citizen = { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken };

    const approved = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/me/consent-requests/${requestId}/approve`,
      headers: citizen,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const given = approved.json<{ consent: { state: string }; event: { ledgerIndex: number } }>();
    expect(given.consent.state).toBe('active');
    expect(given.event.ledgerIndex).toBeGreaterThanOrEqual(0);
    const logged = await qalqan.ledger.ledger.receipt(given.event.ledgerIndex);
    expect(logged.type).toBe('consent.given');
    expect(logged.record).toMatchObject({ consentId: requestId, subject: pseudonym });
    expect(JSON.stringify(logged.record)).not.toContain(PATIENT);
    expect(verifyLedgerReceipt(logged, qalqan.ledger.ledger.verifierKey)).toEqual({ ok: true });

    const receipt = await qalqan.app.inject({
      url: `/v1/me/consents/${requestId}/receipt`,
      headers: citizen,
    });
    expect(receipt.statusCode, receipt.body).toBe(200);
    const jwks = await qalqan.app.inject({ url: '/.well-known/jwks.json' });
    const checked = await verifyConsentReceipt(
      receipt.json<{ receipt: string }>().receipt,
      jwks.json(),
    );
    expect(checked.ok && checked.document.piiPrincipalId).toBe(pseudonym);

    const check = () =>
      qalqan.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: system,
        payload: {
          subject: PATIENT,
          categories: ['identity', 'health'],
          purpose: 'health.treatment',
          legalBasis: 'consent',
          actor: { id: 'doctor-12' },
          action: 'read',
        },
      });
    const permitted = await check();
    expect(permitted.statusCode, permitted.body).toBe(200);
    expect(permitted.json<{ decision: string }>().decision).toBe('permit');

    const withdrawn = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/me/consents/${requestId}/withdraw`,
      headers: citizen,
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json<{ consent: { state: string } }>().consent.state).toBe('withdrawn');

    const denied = await check();
    expect(denied.statusCode, denied.body).toBe(200);
    const deny = denied.json<{ decision: string; reasons: { code: string }[] }>();
    expect(deny.decision).toBe('deny');
    expect(deny.reasons.map((r) => r.code)).toContain('consent.withdrawn');
  });
});
