/**
 * Only my own data (issue 12 item 4), on the composed server with the demo world: every
 * `/v1/me/...` route the OpenAPI document lists, called by another citizen with the owner's real
 * ids (a consent, a pending request, a notification, a session, a child and the child's consent and
 * request), answers 404 and changes nothing; staff and system credentials are refused on every one.
 * The routes come from the document, so a route added later is covered without editing this test.
 *
 * On the same server, the failed-authentication limit (docs/OPERATIONS.md "Errors and limits"):
 * the composition hands the configured limit to the access hook, so wrong staff tokens at the
 * console's sign-in and unknown citizen session cookies from one address use it up, after which
 * the right token is refused there too. (The limiter itself is tested on the app alone in
 * `src/http/hostile-input.test.ts`; here only that the composed server enforces it.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-citizens.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/portal/citizen-auth.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

const DAY = 86_400_000;
const iinOf = (name: string) => DEMO_CITIZENS.find((c) => c.name === name)!.iin;
/** A guardian (of Мадина, in the demo world) and a citizen with no business in his records. */
const OWNER = 'Ерлан Омаров';
const CHILD = 'Мадина Қасымова';
const OTHER = 'Айгерим Сапарова';

type Headers = Record<string, string>;

describe('only my own data, on every /v1/me route', { timeout: 300_000 }, () => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  let owner: Headers;
  let other: Headers;
  const ids: Record<string, string> = {};

  const call = (method: string, url: string, headers: Headers) =>
    qalqan.app.inject({
      method: method as 'GET',
      url,
      headers: { accept: 'application/json', ...headers },
    });
  const json = async <T>(method: string, url: string, headers: Headers): Promise<T> => {
    const response = await call(method, url, headers);
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json<T>();
  };
  async function signedIn(name: string): Promise<{ headers: Headers; sessionId: string }> {
    const { session, token } = await qalqan.portal.sessions.create(
      qalqan.secrets.pseudonymOf(iinOf(name)),
    );
    return {
      headers: { cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: session.csrfToken },
      sessionId: session.id,
    };
  }
  async function ask(system: string, citizen: string): Promise<string> {
    const key = demo.systems.find((s) => s.system === system)!.apiKey;
    const asked = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: { authorization: `Bearer ${key}` },
      payload: {
        iin: iinOf(citizen),
        purposes:
          system === 'Electronic health record' ? ['health.treatment'] : ['education.enrolment'],
        categories: ['identity'],
        retention: 'P1Y',
        validUntil: new Date(Date.now() + 300 * DAY).toISOString(),
        requestExpiresAt: new Date(Date.now() + 7 * DAY).toISOString(),
        message: { kk: 'Сұрау', ru: 'Запрос', en: 'A request' },
        policyUrl: 'https://qalqan.example/privacy',
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    return asked.json<{ request: { id: string } }>().request.id;
  }

  beforeAll(async () => {
    world = await copyDemoWorld();
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
    const signedOwner = await signedIn(OWNER);
    owner = signedOwner.headers;
    other = (await signedIn(OTHER)).headers;
    ids.session = signedOwner.sessionId;
    ids.request = await ask('Electronic health record', OWNER);
    const { consents } = await json<{ consents: { id: string; state: string }[] }>(
      'GET',
      '/v1/me/consents',
      owner,
    );
    ids.consent = consents.find((c) => c.state === 'active')!.id;
    const { children } = await json<{ children: { childId: string }[] }>(
      'GET',
      '/v1/me/children',
      owner,
    );
    ids.child = children[0]!.childId;
    ids.childRequest = await ask('School records and staff files', CHILD);
    const childConsents = await json<{ consents: { id: string }[] }>(
      'GET',
      `/v1/me/children/${ids.child}/consents`,
      owner,
    );
    ids.childConsent = childConsents.consents[0]!.id;
    const inbox = await json<{ notifications: { id: string; read: boolean }[] }>(
      'GET',
      '/v1/me/inbox?limit=100',
      owner,
    );
    ids.notification = inbox.notifications.find((n) => !n.read)!.id;
  }, 300_000);

  afterAll(async () => {
    await qalqan?.close();
    await world?.remove();
  });

  /** Every /v1/me operation in the OpenAPI document, its path filled with the owner's ids. */
  async function meRoutes(): Promise<{ method: string; url: string; hasIds: boolean }[]> {
    const spec = (await qalqan.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const routes: { method: string; url: string; hasIds: boolean }[] = [];
    for (const [template, operations] of Object.entries(spec.paths)) {
      if (!template.startsWith('/v1/me')) continue;
      const child = template.startsWith('/v1/me/children/{childId}');
      const id = template.includes('/consent-requests/{id}')
        ? child
          ? ids.childRequest
          : ids.request
        : template.includes('/consents/{id}')
          ? child
            ? ids.childConsent
            : ids.consent
          : template.includes('/inbox/{id}')
            ? ids.notification
            : ids.session;
      const url = template.replace('{childId}', ids.child!).replace('{id}', id!);
      expect(url, template).not.toContain('{');
      for (const method of Object.keys(operations))
        if (['get', 'post', 'put', 'delete', 'patch'].includes(method))
          routes.push({ method: method.toUpperCase(), url, hasIds: template.includes('{') });
    }
    return routes;
  }

  it('answers 404 to another citizen for each of the owner’s records, and nothing changes', async () => {
    const routes = (await meRoutes()).filter((r) => r.hasIds);
    // Consents, requests, receipts, answers, the inbox, sessions and the child's records.
    expect(routes.length).toBeGreaterThanOrEqual(18);
    for (const { method, url } of routes) {
      const response = await call(method, url, other);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).not.toMatch(/\d{12}/);
    }
    // The owner's records are as they were.
    const consent = await json<{ state: string }>('GET', `/v1/me/consents/${ids.consent}`, owner);
    expect(consent.state).toBe('active');
    const childConsent = await json<{ state: string }>(
      'GET',
      `/v1/me/children/${ids.child}/consents/${ids.childConsent}`,
      owner,
    );
    expect(childConsent.state).toBe('active');
    const requests = await json<{ requests: { id: string; state: string }[] }>(
      'GET',
      '/v1/me/consent-requests',
      owner,
    );
    expect(requests.requests.find((r) => r.id === ids.request)?.state).toBe('requested');
    const childRequests = await json<{ requests: { id: string }[] }>(
      'GET',
      `/v1/me/children/${ids.child}/consent-requests`,
      owner,
    );
    expect(childRequests.requests.map((r) => r.id)).toContain(ids.childRequest);
    const inbox = await json<{ notifications: { id: string; read: boolean }[] }>(
      'GET',
      '/v1/me/inbox?limit=100',
      owner,
    );
    expect(inbox.notifications.find((n) => n.id === ids.notification)?.read).toBe(false);
    expect((await json<{ signedIn: boolean }>('GET', '/v1/portal/session', owner)).signedIn).toBe(
      true,
    );
  });

  it('refuses staff and system credentials on every /v1/me route', async () => {
    const routes = await meRoutes();
    const system = demo.systems.find((s) => s.system === 'Electronic health record')!.apiKey;
    for (const token of [demo.staff.regulator, demo.staff.soc, demo.staff.auditor, system])
      for (const { method, url } of routes) {
        const response = await call(method, url, { authorization: `Bearer ${token}` });
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(403);
        expect(response.json<{ code: string }>().code).toBe('auth.forbidden');
      }
  });

  it('limits failed sign-ins per address: past the configured limit even the right staff token gets 429', async () => {
    // Addresses of their own (TEST-NET-3), so the other tests' requests from 127.0.0.1 count nothing.
    const guesser = '203.0.113.7';
    const signIn = (remoteAddress: string, token: string) =>
      qalqan.app.inject({
        method: 'POST',
        url: '/v1/staff/session',
        remoteAddress,
        headers: { authorization: `Bearer ${token}` },
      });
    const limit = qalqan.config.http.authFailureLimit;
    for (let failure = 1; failure <= limit; failure++) {
      // Wrong staff tokens at the console's sign-in, and a citizen session cookie nobody issued.
      const response =
        failure % 2 === 0
          ? await qalqan.app.inject({
              url: '/v1/me/inbox',
              remoteAddress: guesser,
              headers: { cookie: `${SESSION_COOKIE}=forged-${failure}` },
            })
          : await signIn(guesser, `${demo.staff.soc.slice(0, -4)}AAAA`);
      expect(response.statusCode, `failure ${failure}: ${response.body}`).toBe(401);
    }
    const blocked = await signIn(guesser, demo.staff.soc);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'auth.too_many_failures' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(qalqan.config.http.authFailureWindowSeconds);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // Per address: the same token signs in from another one.
    expect((await signIn('203.0.113.8', demo.staff.soc)).statusCode).toBe(201);
  });
});
