/**
 * Staff sessions of the web console on real storage, behind the real HTTP shell with the real
 * registry's staff tokens, the real failed-authentication limit and the portal's citizen sign-in
 * (demo identity provider): a staff token begins a session cookie that admits staff routes as the
 * token would, asks for the CSRF token on changes, ends on sign-out, idle time and its absolute
 * end; a wrong token is a counted failure; citizen and staff cookies never cross over.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync, InjectOptions } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_CITIZENS } from '../demo/demo-citizens.js';
import { principalOf } from '../http/access.js';
import { buildApp, type App } from '../http/app.js';
import { createRegistryParts, type RegistryParts } from '../registry/registry.module.js';
import { testClock, type TestClock } from '../registry/test-support/registry-app.js';
import { createFieldCipher } from '../secrets/field-cipher.js';
import { createPseudonymizer } from '../secrets/pseudonym.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { ensureSubject } from '../subjects/subjects.store.js';
import { createPortalModule } from './portal.module.js';
import { browser, HOST, signInAs } from './test-support/portal-app.js';

const FAILURE_LIMIT = 3;

/** Routes for one staff role each, answering with the principal they saw. */
const probeRoutes: FastifyPluginAsync = async (app) => {
  const whoami = async (request: Parameters<typeof principalOf>[0]) => principalOf(request);
  app.get('/test/soc', { config: { allow: ['soc'] } }, whoami);
  app.post('/test/soc', { config: { allow: ['soc'] } }, whoami);
  app.get('/test/regulator', { config: { allow: ['regulator'] } }, whoami);
};

interface Harness {
  app: App;
  registry: RegistryParts;
  clock: TestClock;
  tokens: { soc: string; regulator: string };
  socTokenId: string;
}

/** A loopback identity provider: discovery document and JWKS, as Keycloak serves them. */
async function identityProvider() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const keys = [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }];
  const server: Server = createServer((request, response) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gov`;
    response.setHeader('content-type', 'application/json');
    if (request.url === '/realms/gov/.well-known/openid-configuration')
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/certs` }));
    else if (request.url === '/realms/gov/certs') response.end(JSON.stringify({ keys }));
    else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gov`;
  const sign = (roles: string[], claims: Record<string, unknown> = {}) =>
    new SignJWT({ name: 'Әсел, SOC lead', realm_access: { roles }, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('qalqan-api')
      .setSubject('staff-42')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return { issuer, server, sign };
}

describeStorage('staff console sessions', (fx) => {
  let h: Harness;
  let idp: Awaited<ReturnType<typeof identityProvider>>;
  beforeAll(async () => {
    idp = await identityProvider();
    const clock = testClock();
    const lookupKey = randomBytes(32);
    const registry = createRegistryParts({
      db: fx.storage.db,
      secrets: { lookupKey, fields: createFieldCipher(randomBytes(32)) },
      ledger: { append: () => Promise.resolve({ index: 0 }) },
      clock,
      oidc: {
        issuer: idp.issuer,
        audience: 'qalqan-api',
        rolesClaim: 'realm_access.roles',
        roleValues: { regulator: 'qalqan-regulator', soc: 'qalqan-soc', auditor: 'qalqan-auditor' },
      },
    });
    const secrets = {
      pseudonymOf: createPseudonymizer(randomBytes(32)),
      fields: createFieldCipher(randomBytes(32)),
    };
    const portal = createPortalModule({
      db: fx.storage.db,
      subjects: { subjectOf: (iin) => ensureSubject(fx.storage.db, secrets, iin) },
      settings: {
        issuer: undefined,
        clientId: 'qalqan-portal',
        clientSecret: undefined,
        iinClaim: 'iin',
        idleTimeoutSeconds: 1800,
        absoluteTimeoutSeconds: 43200,
      },
      demoCitizens: DEMO_CITIZENS,
      production: false,
      publicUrl: undefined,
      trustProxy: false,
      clock,
      staffCredentialEnded: registry.staffTokenEnded,
    });
    const app = await buildApp({
      config: {
        logLevel: 'silent',
        bodyLimit: 1024 * 1024,
        trustProxy: false,
        metricsToken: undefined,
        http: {
          authFailureLimit: FAILURE_LIMIT,
          authFailureWindowSeconds: 600,
          headersTimeoutMs: 10_000,
          requestTimeoutMs: 30_000,
          keepAliveTimeoutMs: 5_000,
          connectionTimeoutMs: 60_000,
        },
      },
      checkReady: () => fx.storage.ping(),
      authenticators: [...registry.authenticators, portal.staffAuthenticator, portal.authenticator],
      routes: [...registry.routes, ...portal.routes, { name: 'probe', plugin: probeRoutes }],
      logger: false,
    });
    await app.ready();
    const actor = { kind: 'cli' as const, id: 'test-bootstrap' };
    const soc = await registry.credentials.issueStaffToken('soc', 'Дана, SOC analyst', actor);
    const regulator = await registry.credentials.issueStaffToken('regulator', 'Regulator', actor);
    h = {
      app,
      registry,
      clock,
      tokens: { soc: soc.token, regulator: regulator.token },
      socTokenId: soc.id,
    };
  });
  afterAll(async () => {
    await h.app.close();
    idp.server.close();
  });

  /** A browser from its own address, so the failure limit of one test never touches another. */
  const staffBrowser = () => {
    const b = browser(h.app);
    const remoteAddress = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const send = (options: InjectOptions & { url: string }) =>
      b.send({ ...options, remoteAddress });
    return { jar: b.jar, send };
  };
  type StaffBrowser = ReturnType<typeof staffBrowser>;

  const signIn = async (b: StaffBrowser, token = h.tokens.soc) => {
    const response = await b.send({
      method: 'POST',
      url: '/v1/staff/session',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ session: { id: string; csrfToken: string; roles: string[] } }>().session;
  };
  const rowOf = (id: string) =>
    fx.storage.db.selectFrom('staff_sessions').selectAll().where('id', '=', id).executeTakeFirst();

  it('signs in with a staff token: an http-only, SameSite=Strict cookie; the row holds the principal, not the token', async () => {
    const b = staffBrowser();
    const response = await b.send({
      method: 'POST',
      url: '/v1/staff/session',
      headers: { authorization: `Bearer ${h.tokens.soc}` },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const cookie = [response.headers['set-cookie']]
      .flat()
      .find((c) => c?.startsWith('qalqan_staff='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const { session } = response.json<{
      session: { id: string; subject: string; roles: string[]; name: string; csrfToken: string };
    }>();
    expect(session).toMatchObject({
      subject: h.socTokenId,
      roles: ['soc'],
      name: 'Дана, SOC analyst',
    });

    const row = await rowOf(session.id);
    expect(row).toMatchObject({ subject: h.socTokenId, roles: 'soc', revoked_at: null });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(h.tokens.soc);
    expect(stored).not.toContain(b.jar.cookies.get('qalqan_staff'));

    const current = await b.send({ url: '/v1/staff/session' });
    expect(current.json()).toMatchObject({
      signedIn: true,
      session: { id: session.id, csrfToken: session.csrfToken, roles: ['soc'] },
    });
  });

  it('a staff OIDC access token begins a session too, with the roles and subject it carries', async () => {
    const b = staffBrowser();
    const token = await idp.sign(['qalqan-soc', 'qalqan-auditor', 'offline_access']);
    const session = await signIn(b, token);
    expect([...session.roles].sort()).toEqual(['auditor', 'soc']);
    const mine = await b.send({ url: '/test/soc' });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ kind: 'staff', subject: 'staff-42' });
    expect(JSON.stringify(await rowOf(session.id))).not.toContain(token);
  });

  it("an identity provider's long display name is kept to 200 characters, on both engines", async () => {
    // The session row holds 256: PostgreSQL refused a longer name with a 500, SQLite stored it.
    const b = staffBrowser();
    const token = await idp.sign(['qalqan-soc'], { name: 'Ә'.repeat(300) });
    const session = await signIn(b, token);
    expect((await rowOf(session.id))?.name).toBe('Ә'.repeat(200));
  });

  it('the cookie admits the staff routes of its roles, as the token does, and no others', async () => {
    const b = staffBrowser();
    await signIn(b);
    const mine = await b.send({ url: '/test/soc' });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toEqual({
      kind: 'staff',
      roles: ['soc'],
      subject: h.socTokenId,
      name: 'Дана, SOC analyst',
    });
    const other = await b.send({ url: '/test/regulator' });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it('a change needs the session CSRF token: missing or wrong is a 403 problem, the right one passes', async () => {
    const b = staffBrowser();
    const session = await signIn(b);
    const missing = await b.send({ method: 'POST', url: '/test/soc' });
    expect(missing.statusCode).toBe(403);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ code: 'portal.csrf_failed', reason: 'missing' });
    const wrong = await b.send({
      method: 'POST',
      url: '/test/soc',
      headers: { 'x-csrf-token': `${session.csrfToken}x` },
    });
    expect(wrong.json()).toMatchObject({ code: 'portal.csrf_failed', reason: 'wrong' });
    const right = await b.send({
      method: 'POST',
      url: '/test/soc',
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(right.statusCode, right.body).toBe(200);
  });

  it('sign-out revokes the session: the old cookie is refused afterwards', async () => {
    const b = staffBrowser();
    const session = await signIn(b);
    const cookie = b.jar.cookies.get('qalqan_staff')!;
    const noCsrf = await b.send({ method: 'POST', url: '/v1/staff/sign-out' });
    expect(noCsrf.statusCode).toBe(403);
    const out = await b.send({
      method: 'POST',
      url: '/v1/staff/sign-out',
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(out.statusCode, out.body).toBe(204);
    // As the API description says: 204, no body.
    const spec = (await h.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(Object.keys(spec.paths['/v1/staff/sign-out']!.post!.responses)).toEqual(['204']);
    expect(b.jar.cookies.has('qalqan_staff')).toBe(false);
    expect(await rowOf(session.id)).toMatchObject({ revoked_reason: 'sign-out' });

    const replay = await h.app.inject({
      url: '/test/soc',
      headers: { host: HOST, cookie: `qalqan_staff=${cookie}` },
      remoteAddress: '10.1.0.1',
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'portal.session_expired', reason: 'revoked' });
    const shown = await h.app.inject({
      url: '/v1/staff/session',
      headers: { host: HOST, cookie: `qalqan_staff=${cookie}` },
    });
    expect(shown.json()).toEqual({ signedIn: false, ended: 'revoked' });
  });

  it('a session ends with the staff token that began it: revoked or expired, the cookie is refused and the session row revoked', async () => {
    const actor = { kind: 'cli' as const, id: 'test-bootstrap' };
    const soon = new Date(h.clock().getTime() + 60 * 60_000).toISOString();
    const toRevoke = await h.registry.credentials.issueStaffToken('soc', 'Leaver', actor);
    const toExpire = await h.registry.credentials.issueStaffToken('soc', 'Temp', actor, soon);
    const revokedBrowser = staffBrowser();
    const expiringBrowser = staffBrowser();
    const revokedSession = await signIn(revokedBrowser, toRevoke.token);
    await signIn(expiringBrowser, toExpire.token);
    expect((await revokedBrowser.send({ url: '/test/soc' })).statusCode).toBe(200);
    expect((await expiringBrowser.send({ url: '/test/soc' })).statusCode).toBe(200);

    await h.registry.credentials.revokeStaffToken(toRevoke.id, actor);
    const refused = await revokedBrowser.send({ url: '/test/soc' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'portal.session_expired', reason: 'revoked' });
    expect((await rowOf(revokedSession.id))?.revoked_at).not.toBeNull();

    // Kept active (each step within the 15-minute idle time) until past the token's own end.
    for (let step = 0; step < 4; step++) {
      h.clock.advance(14 * 60_000);
      expect((await expiringBrowser.send({ url: '/test/soc' })).statusCode).toBe(200);
    }
    h.clock.advance(5 * 60_000);
    const expired = await expiringBrowser.send({ url: '/test/soc' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'portal.session_expired', reason: 'revoked' });

    // Sessions of other tokens go on.
    const other = staffBrowser();
    await signIn(other);
    expect((await other.send({ url: '/test/soc' })).statusCode).toBe(200);
  });

  it('a wrong or revoked token begins nothing: a 401 problem that counts toward the failure limit', async () => {
    const b = staffBrowser();
    const before = await fx.storage.db.selectFrom('staff_sessions').select('id').execute();
    const [prefix] = h.tokens.soc.split('.');
    const attempts = [`${h.tokens.soc.slice(0, -4)}AAAA`, `${prefix}.forged`, 'not-a-token'];
    for (const token of attempts) {
      const refused = await b.send({
        method: 'POST',
        url: '/v1/staff/session',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.statusCode, token).toBe(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json()).toMatchObject({ code: 'auth.unauthenticated' });
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    // The limit is used up: even the right token is refused from this address for the window.
    const blocked = await b.send({
      method: 'POST',
      url: '/v1/staff/session',
      headers: { authorization: `Bearer ${h.tokens.soc}` },
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'auth.too_many_failures' });
    // The wait, which the console's sign-in form tells the reader: in the document and the header.
    const wait = blocked.json<{ retryAfterSeconds?: unknown }>().retryAfterSeconds;
    expect(wait).toEqual(expect.any(Number));
    expect(blocked.headers['retry-after']).toBe(String(wait));
    const after = await fx.storage.db.selectFrom('staff_sessions').select('id').execute();
    expect(after).toHaveLength(before.length);

    const other = staffBrowser();
    const actor = { kind: 'cli' as const, id: 'test-bootstrap' };
    const revoked = await h.registry.credentials.issueStaffToken('soc', 'Gone', actor);
    await h.registry.credentials.revokeStaffToken(revoked.id, actor);
    const refused = await other.send({
      method: 'POST',
      url: '/v1/staff/session',
      headers: { authorization: `Bearer ${revoked.token}` },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'auth.unauthenticated' });
  });

  it('only a credential presented now begins a session; sign-out with a bearer token has none to end', async () => {
    const b = staffBrowser();
    const session = await signIn(b);
    const renew = await b.send({
      method: 'POST',
      url: '/v1/staff/session',
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(renew.statusCode).toBe(401);
    expect(renew.json()).toMatchObject({ code: 'auth.unauthenticated' });
    const bearerOut = await h.app.inject({
      method: 'POST',
      url: '/v1/staff/sign-out',
      headers: { authorization: `Bearer ${h.tokens.soc}` },
      remoteAddress: '10.2.0.1',
    });
    expect(bearerOut.statusCode).toBe(400);
    expect(bearerOut.json()).toMatchObject({ code: 'request.validation' });
  });

  it('citizen and staff cookies never cross: each is refused on the other side', async () => {
    const citizen = browser(h.app);
    const done = await signInAs(citizen, 0);
    expect(done.statusCode, done.body).toBe(303);
    const ownSessions = await citizen.send({ url: '/v1/me/sessions' });
    expect(ownSessions.statusCode, ownSessions.body).toBe(200);
    const staffRoute = await citizen.send({ url: '/test/soc' });
    expect(staffRoute.statusCode).toBe(403);
    expect(staffRoute.json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await citizen.send({ url: '/v1/staff/session' })).json()).toEqual({ signedIn: false });

    const staff = staffBrowser();
    await signIn(staff);
    const citizenRoute = await staff.send({ url: '/v1/me/sessions' });
    expect(citizenRoute.statusCode).toBe(403);
    expect(citizenRoute.json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await staff.send({ url: '/v1/portal/session' })).json()).toEqual({ signedIn: false });
  });

  it('ends after 15 minutes idle, and after 8 hours however busy', async () => {
    const idle = staffBrowser();
    await signIn(idle);
    h.clock.advance(14 * 60_000);
    expect((await idle.send({ url: '/test/soc' })).statusCode).toBe(200);
    h.clock.advance(14 * 60_000);
    expect((await idle.send({ url: '/test/soc' })).statusCode).toBe(200);
    h.clock.advance(15 * 60_000);
    const ended = await idle.send({ url: '/test/soc' });
    expect(ended.statusCode).toBe(401);
    expect(ended.json()).toMatchObject({ code: 'portal.session_expired', reason: 'idle' });

    const busy = staffBrowser();
    await signIn(busy);
    for (let minutes = 10; minutes < 8 * 60; minutes += 10) {
      h.clock.advance(10 * 60_000);
      expect((await busy.send({ url: '/test/soc' })).statusCode, `${minutes} min`).toBe(200);
    }
    h.clock.advance(10 * 60_000);
    const expired = await busy.send({ url: '/test/soc' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'portal.session_expired', reason: 'expired' });
  });
});
