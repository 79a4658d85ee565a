import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_CITIZENS } from '../demo/demo-citizens.js';
import { describeStorage } from '../storage/test-support/storages.js';
import type { IdentityProvider } from './portal.module.js';
import {
  browser,
  harnessKeys,
  SYSTEM_ID,
  csrfOf,
  ORIGIN,
  portalHarness,
  type PortalHarness,
  signInAs,
} from './test-support/portal-app.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const AIGERIM = DEMO_CITIZENS[0]!;

/** When set, the token endpoint's ID token is rewritten to claim this issuer. */
let forgeIssuer: string | undefined;
function forging(provider: IdentityProvider): IdentityProvider {
  const inner = provider.fetch ?? fetch;
  return {
    ...provider,
    fetch: async (url, options) => {
      const response = await inner(url, options);
      if (!forgeIssuer || !url.endsWith('/token')) return response;
      const body = (await response.json()) as { id_token: string };
      const [header, payload, signature] = body.id_token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as object;
      const forged = Buffer.from(JSON.stringify({ ...claims, iss: forgeIssuer })).toString(
        'base64url',
      );
      return new Response(
        JSON.stringify({ ...body, id_token: `${header}.${forged}.${signature}` }),
        {
          status: response.status,
          headers: response.headers,
        },
      );
    },
  };
}
const NURLAN = DEMO_CITIZENS[1]!;

describeStorage('portal sign-in', (fx) => {
  let h: PortalHarness;
  const keys = harnessKeys();
  beforeAll(async () => {
    h = await portalHarness(fx.storage, { wrapProvider: forging, keys });
  });
  afterAll(async () => {
    await h.close();
  });

  const sessionRows = async () =>
    (await fx.storage.db.selectFrom('portal_sessions').selectAll().execute()).length;

  it('signs a demo citizen in through the OIDC code flow; the session names only the pseudonym', async () => {
    const b = browser(h.app);
    const mine = () =>
      fx.storage.db
        .selectFrom('portal_sessions')
        .selectAll()
        .where('pseudonym', '=', h.pseudonymOf(AIGERIM.iin))
        .execute();
    const before = (await mine()).length;
    const done = await signInAs(b, 0);
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/me/consents');
    const cookie = [done.headers['set-cookie']]
      .flat()
      .find((c) => c?.startsWith('qalqan_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);

    const session = await b.send({ url: '/v1/portal/session' });
    expect(session.json()).toMatchObject({ signedIn: true });
    const rows = await mine();
    expect(rows).toHaveLength(before + 1);
    expect(JSON.stringify(rows)).not.toContain(AIGERIM.iin);
    // The cookie value is not stored, only its hash.
    expect(JSON.stringify(rows)).not.toContain(b.jar.cookies.get('qalqan_session'));
    const consents = await b.send({ url: '/v1/me/consents' });
    expect(consents.statusCode, consents.body).toBe(200);
    expect(h.logs.join('\n')).not.toContain(AIGERIM.iin);
  });

  it('shows the demo login page with names, stories and masked IINs', async () => {
    const b = browser(h.app);
    const start = await b.send({ url: '/v1/portal/sign-in' });
    let location = start.headers.location!;
    expect(location.startsWith(`${ORIGIN}/demo-idp/auth?`)).toBe(true);
    const auth = new URL(location);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('state')).toBeTruthy();
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    while (!location.includes('/interaction/'))
      location = (await b.send({ url: location })).headers.location!;
    const page = await b.send({ url: location, headers: { 'accept-language': 'ru' } });
    expect(page.body).toContain('<html lang="ru">');
    for (const citizen of DEMO_CITIZENS) {
      expect(page.body).toContain(citizen.name);
      expect(page.body).toContain(citizen.story);
      expect(page.body).not.toContain(citizen.iin);
    }
  });

  it('refuses a callback with a wrong state, and nothing is created', async () => {
    const before = await sessionRows();
    const b = browser(h.app);
    const done = await signInAs(b, 1, {
      beforeCallback: (url) => {
        url.searchParams.set('state', 'forged-state');
        return url;
      },
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in?error=state-mismatch');
    expect(await sessionRows()).toBe(before);
    expect(b.jar.cookies.has('qalqan_session')).toBe(false);
    expect(h.logs.some((l) => l.includes('state-mismatch'))).toBe(true);
  });

  it('refuses a replayed callback (the same code and state twice) with a clear problem', async () => {
    const b = browser(h.app);
    let callback: URL | undefined;
    const first = await signInAs(b, 1, {
      beforeCallback: (url) => (callback = url),
    });
    expect(first.statusCode).toBe(303);
    const before = await sessionRows();
    const replay = await b.send({
      url: `${callback!.pathname}${callback!.search}`,
      headers: { accept: 'application/json' },
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 'portal.sign_in_failed', reason: 'no-login' });
    expect(await sessionRows()).toBe(before);
  });

  it('refuses an authorization response naming another issuer (mix-up)', async () => {
    const before = await sessionRows();
    const b = browser(h.app);
    const done = await signInAs(b, 2, {
      beforeCallback: (url) => {
        url.searchParams.set('iss', 'https://idp.example.org');
        return url;
      },
    });
    expect(done.headers.location).toBe('/sign-in?error=token-rejected');
    expect(await sessionRows()).toBe(before);
  });

  it('refuses an ID token issued by another issuer', async () => {
    const before = await sessionRows();
    forgeIssuer = 'https://idp.example.org';
    try {
      const b = browser(h.app);
      const done = await signInAs(b, 2, {}, 'application/json');
      expect(done.statusCode).toBe(400);
      expect(done.json()).toMatchObject({
        code: 'portal.sign_in_failed',
        reason: 'token-rejected',
      });
      expect(done.json<{ detail: string }>().detail).toContain('"iss" (issuer) claim');
      expect(b.jar.cookies.has('qalqan_session')).toBe(false);
    } finally {
      forgeIssuer = undefined;
    }
    expect(await sessionRows()).toBe(before);
  });

  it('refuses state-changing requests without the right CSRF token, and accepts them with it', async () => {
    const b = browser(h.app);
    await signInAs(b, 3);
    const json = { accept: 'application/json' };
    const missing = await b.send({ method: 'POST', url: '/v1/me/inbox/read-all', headers: json });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'portal.csrf_failed', reason: 'missing' });
    const wrong = await b.send({
      method: 'POST',
      url: '/v1/portal/sign-out',
      headers: { ...json, 'x-csrf-token': 'not-the-token' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'portal.csrf_failed', reason: 'wrong' });
    // Still signed in: the refused sign-out changed nothing.
    expect((await b.send({ url: '/v1/portal/session' })).json()).toMatchObject({ signedIn: true });

    const token = await csrfOf(b);
    const ok = await b.send({
      method: 'POST',
      url: '/v1/me/inbox/read-all',
      headers: { ...json, 'x-csrf-token': token },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('signs out: the session is revoked server-side and the old cookie no longer works', async () => {
    const b = browser(h.app);
    await signInAs(b, 4);
    const stolen = b.jar.cookies.get('qalqan_session')!;
    const out = await b.send({
      method: 'POST',
      url: '/v1/portal/sign-out',
      headers: { 'x-csrf-token': await csrfOf(b) },
    });
    expect(out.statusCode).toBe(204);
    expect(b.jar.cookies.has('qalqan_session')).toBe(false);
    const replay = await h.app.inject({
      url: '/v1/me/consents',
      headers: { host: 'x', cookie: `qalqan_session=${stolen}` },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'portal.session_expired', reason: 'revoked' });
  });

  it('ends sessions after the idle timeout and after the absolute timeout', async () => {
    const idle = browser(h.app);
    await signInAs(idle, 5);
    h.clock.advance(1801 * 1000);
    const afterIdle = await idle.send({
      url: '/v1/me/consents',
      headers: { accept: 'application/json' },
    });
    expect(afterIdle.statusCode).toBe(401);
    expect(afterIdle.json()).toMatchObject({ code: 'portal.session_expired', reason: 'idle' });

    const busy = browser(h.app);
    await signInAs(busy, 5);
    // Active every 25 minutes, but 12 hours after sign-in it ends anyway.
    const signedInAt = h.clock().getTime();
    let refusedAt: number | undefined;
    for (let i = 0; i < 40 && refusedAt === undefined; i++) {
      h.clock.advance(25 * 60 * 1000);
      const r = await busy.send({
        url: '/v1/me/consents',
        headers: { accept: 'application/json' },
      });
      if (r.statusCode !== 200) {
        expect(r.json()).toMatchObject({ code: 'portal.session_expired', reason: 'expired' });
        refusedAt = h.clock().getTime();
      }
    }
    expect(refusedAt! - signedInAt).toBeGreaterThanOrEqual(12 * 3600 * 1000);
    expect(refusedAt! - signedInAt).toBeLessThan(12 * 3600 * 1000 + 25 * 60 * 1000);
    const end = await busy.send({ url: '/v1/portal/session' });
    expect(end.json()).toMatchObject({ signedIn: false, ended: 'expired' });
  });

  it('keeps sessions across a restart (a new app on the same database)', async () => {
    const b = browser(h.app);
    await signInAs(b, 0);
    const again = await portalHarness(fx.storage, { keys });
    try {
      again.clock.set(h.clock().toISOString());
      const r = await again.app.inject({
        url: '/v1/portal/session',
        headers: { cookie: b.jar.header() },
      });
      expect(r.json()).toMatchObject({ signedIn: true });
    } finally {
      await again.close();
    }
  });

  it('lists and revokes only your own sessions; another citizen’s session id is not found', async () => {
    const a = browser(h.app);
    const n = browser(h.app);
    await signInAs(a, 0);
    await signInAs(n, 1);
    const mine = (await a.send({ url: '/v1/me/sessions' })).json<{
      sessions: { id: string; current: boolean }[];
    }>();
    expect(mine.sessions.some((s) => s.current)).toBe(true);
    const theirs = (await n.send({ url: '/v1/me/sessions' })).json<{
      sessions: { id: string; current: boolean }[];
    }>();
    const theirId = theirs.sessions.find((s) => s.current)!.id;
    const refused = await a.send({
      method: 'POST',
      url: `/v1/me/sessions/${theirId}/revoke`,
      headers: { 'x-csrf-token': await csrfOf(a), accept: 'application/json' },
    });
    expect(refused.statusCode).toBe(404);
    expect((await n.send({ url: '/v1/portal/session' })).json()).toMatchObject({ signedIn: true });
  });

  it('names systems and their operators from the registry for a signed-in citizen; unknown ids are left out', async () => {
    const anonymous = await h.app.inject({ url: `/v1/me/system-names?ids=${SYSTEM_ID}` });
    expect(anonymous.statusCode).toBe(401);
    const b = browser(h.app);
    await signInAs(b, 2);
    const named = await b.send({
      url: `/v1/me/system-names?ids=${SYSTEM_ID},sys_unknown,${SYSTEM_ID}`,
      headers: { accept: 'application/json' },
    });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json()).toEqual({
      systems: [
        {
          id: SYSTEM_ID,
          name: 'Senim Bank KYC',
          operatorId: 'op_01JD0000000000000000000000',
          operatorName: { kk: 'Сенім Банк', ru: 'Сеним Банк', en: 'Senim Bank' },
        },
      ],
    });
    // More than 50 ids, an empty list or a character no id has: a problem document, nothing read.
    for (const ids of [Array.from({ length: 51 }, (_, i) => `sys_${i}`).join(','), '', 'sys a']) {
      const bad = await b.send({
        url: `/v1/me/system-names?ids=${encodeURIComponent(ids)}`,
        headers: { accept: 'application/json' },
      });
      expect(bad.statusCode, ids).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 404 for another citizen’s consent and forbids staff and systems from /v1/me', async () => {
    const asked = await h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: bearer(`system.${SYSTEM_ID}`),
      payload: {
        iin: NURLAN.iin,
        purposes: ['finance.kyc'],
        categories: ['identity'],
        retention: 'P5Y',
        validUntil: '2027-11-25T00:00:00.000Z',
        requestExpiresAt: '2026-12-02T00:00:00.000Z',
        message: { kk: 'Құжаттар', ru: 'Документы', en: 'Documents' },
        policyUrl: 'https://senim.kz/privacy',
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const id = asked.json<{ request: { id: string } }>().request.id;

    const aigerim = browser(h.app);
    await signInAs(aigerim, 0);
    const json = { accept: 'application/json' };
    expect((await aigerim.send({ url: `/v1/me/consents/${id}`, headers: json })).statusCode).toBe(
      404,
    );
    const approve = await aigerim.send({
      method: 'POST',
      url: `/v1/me/consent-requests/${id}/approve`,
      headers: { ...json, 'x-csrf-token': await csrfOf(aigerim) },
    });
    expect(approve.statusCode).toBe(404);

    const nurlan = browser(h.app);
    await signInAs(nurlan, 1);
    expect((await nurlan.send({ url: `/v1/me/consents/${id}`, headers: json })).statusCode).toBe(
      200,
    );
    const approved = await nurlan.send({
      method: 'POST',
      url: `/v1/me/consent-requests/${id}/approve`,
      headers: { ...json, 'x-csrf-token': await csrfOf(nurlan) },
    });
    expect(approved.statusCode, approved.body).toBe(200);

    for (const token of ['staff.regulator', 'staff.auditor', `system.${SYSTEM_ID}`]) {
      for (const url of [
        '/v1/me/consents',
        '/v1/me/inbox',
        '/v1/me/sessions',
        `/v1/me/system-names?ids=${SYSTEM_ID}`,
      ]) {
        const r = await h.app.inject({ url, headers: bearer(token) });
        expect(r.statusCode, `${url} ${r.body}`).toBe(403);
      }
    }
    expect(h.logs.join('\n')).not.toMatch(new RegExp(`${AIGERIM.iin}|${NURLAN.iin}`));
  });
});

describeStorage('portal outside demo mode', (fx) => {
  let h: PortalHarness;
  beforeAll(async () => {
    h = await portalHarness(fx.storage, { demo: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it('has no demo identity provider (404) and says sign-in is not configured', async () => {
    for (const url of [
      '/demo-idp/.well-known/openid-configuration',
      '/demo-idp/auth',
      '/demo-idp/interaction/x',
    ]) {
      for (const accept of ['application/json', 'text/html']) {
        const r = await h.app.inject({ url, headers: { accept } });
        expect(r.statusCode, url).toBe(404);
      }
    }
    const start = await h.app.inject({ url: '/v1/portal/sign-in' });
    expect(start.statusCode).toBe(503);
    expect(start.json()).toMatchObject({ code: 'portal.sign_in_unavailable' });
  });
});
