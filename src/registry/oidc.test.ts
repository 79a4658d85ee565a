import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../storage/test-support/storages.js';
import { MAX_NAME, MAX_SUBJECT, rolesFrom, staffIdentity } from './oidc.js';
import { bearer, registryHarness, type RegistryHarness } from './test-support/registry-app.js';

/**
 * A minimal identity provider on loopback: discovery document and JWKS, as Keycloak serves them.
 * `keys` are published as given (each with its `kid`); `claimedIssuer` makes the discovery
 * document name another issuer than the one it is served for.
 */
async function startIdentityProvider(
  keys: readonly JWK[],
  options: { claimedIssuer?: string } = {},
): Promise<{ issuer: string; server: Server }> {
  const server = createServer((request, response) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gov`;
    if (request.url === '/realms/gov/.well-known/openid-configuration') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          issuer: options.claimedIssuer ?? issuer,
          jwks_uri: `${issuer}/protocol/openid-connect/certs`,
        }),
      );
    } else if (request.url === '/realms/gov/protocol/openid-connect/certs') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gov`,
    server,
  };
}

/** An RSA key pair as Node key objects, which sign with any RSA algorithm (CryptoKeys are bound to one). */
const rsaKeyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

const OIDC_ROLES = {
  audience: 'qalqan-api',
  rolesClaim: 'realm_access.roles',
  roleValues: { regulator: 'qalqan-regulator', soc: 'qalqan-soc', auditor: 'qalqan-auditor' },
} as const;

describe('staff sign-in with OIDC access tokens', () => {
  let h: RegistryHarness;
  let idp: { issuer: string; server: Server };
  let dispose: () => Promise<void>;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let sign: (
    claims: Record<string, unknown>,
    options?: { expiresIn?: string; audience?: string; issuer?: string },
  ) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    signingKey = privateKey;
    idp = await startIdentityProvider([
      { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' },
    ]);
    const opened = await openTestStorage('sqlite');
    dispose = opened.dispose;
    h = await registryHarness(opened.storage, {
      oidc: { issuer: idp.issuer, ...OIDC_ROLES },
    });
    sign = (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(options.issuer ?? idp.issuer)
        .setAudience(options.audience ?? 'qalqan-api')
        .setSubject('staff-42')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey);
  });
  afterAll(async () => {
    await h.close();
    await dispose();
    idp.server.close();
  });

  it('a regulator token from the identity provider may register operators; an auditor token may only read', async () => {
    const regulator = await sign({
      name: 'Регулятор',
      realm_access: { roles: ['qalqan-regulator', 'offline_access'] },
    });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(regulator) }))
        .statusCode,
    ).toBe(200);
    const auditor = await sign({ realm_access: { roles: ['qalqan-auditor'] } });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(auditor) })).statusCode,
    ).toBe(200);
    const write = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/staff-tokens',
      headers: bearer(auditor),
      payload: { role: 'auditor', name: 'x' },
    });
    expect(write.statusCode).toBe(403);
  });

  it('refuses expired tokens, other audiences, other issuers and forged signatures, saying which', async () => {
    const roles = { realm_access: { roles: ['qalqan-regulator'] } };
    const expired = await sign(roles, { expiresIn: '-2m' });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(expired) })).json(),
    ).toMatchObject({ status: 401, detail: 'The access token has expired.' });
    const otherAudience = await sign(roles, { audience: 'some-other-api' });
    expect(
      (
        await h.app.inject({ url: '/v1/registry/operators', headers: bearer(otherAudience) })
      ).json(),
    ).toMatchObject({ status: 401, detail: 'The access token fails the aud check.' });
    const otherIssuer = await sign(roles, { issuer: 'https://evil.example' });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(otherIssuer) })).json(),
    ).toMatchObject({ status: 401, detail: 'The access token fails the iss check.' });
    const valid = await sign(roles);
    const [header, payload, signature] = valid.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${signature}`;
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(forged) })).json(),
    ).toMatchObject({ status: 401, detail: 'The access token is not valid.' });
  });

  it('a subject longer than the actor columns hold is refused at sign-in, on both engines', async () => {
    // Recorded as `staff:<roles>:<sub>` in columns of 160 characters and up: PostgreSQL refused a
    // longer one with a 500 on the first thing such staff did; SQLite stored it.
    const roles = { realm_access: { roles: ['qalqan-regulator'] } };
    const tooLong = await new SignJWT(roles)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience('qalqan-api')
      .setSubject('s'.repeat(MAX_SUBJECT + 1))
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(tooLong) })).json(),
    ).toMatchObject({
      status: 401,
      code: 'auth.unauthenticated',
      detail: `The access token's subject (sub) is longer than ${MAX_SUBJECT} characters or holds U+0000.`,
    });
    expect(staffIdentity({ sub: 's'.repeat(MAX_SUBJECT) }).subject).toHaveLength(MAX_SUBJECT);
    expect(staffIdentity({ sub: 'staff-42', name: 'Ж'.repeat(300) }).name).toBe(
      'Ж'.repeat(MAX_NAME),
    );
    expect(staffIdentity({ sub: 'staff-42' }).name).toBe('staff-42');
  });

  it('a valid token without a Qalqan role is forbidden', async () => {
    const token = await sign({ realm_access: { roles: ['offline_access'] } });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(token) })).json(),
    ).toMatchObject({ status: 403, code: 'auth.forbidden' });
  });
});

describe('OIDC algorithms and discovery', () => {
  const roles = { realm_access: { roles: ['qalqan-regulator'] } };
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  /** A registry app trusting an identity provider that publishes `keys`. */
  async function trusting(keys: readonly JWK[], options: { claimedIssuer?: string } = {}) {
    const idp = await startIdentityProvider(keys, options);
    const opened = await openTestStorage('sqlite');
    const h = await registryHarness(opened.storage, {
      oidc: { issuer: idp.issuer, ...OIDC_ROLES },
    });
    closers.push(async () => {
      await h.close();
      await opened.dispose();
      await new Promise((resolve) => idp.server.close(resolve));
    });
    const ask = (token: string) =>
      h.app.inject({ url: '/v1/registry/operators', headers: bearer(token) });
    return { issuer: idp.issuer, ask };
  }

  const claims = (issuer: string) =>
    new SignJWT(roles)
      .setIssuer(issuer)
      .setAudience('qalqan-api')
      .setSubject('staff-42')
      .setIssuedAt()
      .setExpirationTime('5m');

  it('accepts only the allowed algorithms, even from a key the issuer publishes without one', async () => {
    // An RSA key published with no `alg`: jose would verify RS256, RS384, RS512 and PS* with it.
    const rsa = rsaKeyPair();
    const { issuer, ask } = await trusting([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', use: 'sig' },
    ]);
    const allowed = await claims(issuer)
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .sign(rsa.privateKey);
    expect((await ask(allowed)).statusCode).toBe(200);
    for (const alg of ['RS384', 'RS512', 'PS512']) {
      const token = await claims(issuer)
        .setProtectedHeader({ alg, kid: 'rsa' })
        .sign(rsa.privateKey);
      expect((await ask(token)).json(), alg).toMatchObject({
        status: 401,
        code: 'auth.unauthenticated',
        detail: 'The access token is not valid.',
      });
    }
  });

  it('refuses an unsigned token and one signed HS256 with the public key as the secret', async () => {
    const rsa = rsaKeyPair();
    const { issuer, ask } = await trusting([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', use: 'sig' },
    ]);
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const confused = await claims(issuer)
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa' })
      .sign(new TextEncoder().encode(publicPem));
    const unsigned = new UnsecuredJWT(roles)
      .setIssuer(issuer)
      .setAudience('qalqan-api')
      .setExpirationTime('5m')
      .encode();
    // jose writes an unsecured JWT with an empty signature; give it one so it passes the shape check.
    for (const token of [confused, `${unsigned}c2ln`]) {
      expect((await ask(token)).json()).toMatchObject({
        status: 401,
        code: 'auth.unauthenticated',
      });
    }
  });

  it('refuses to trust keys from a discovery document naming another issuer', async () => {
    const ec = await generateKeyPair('ES256');
    const { issuer, ask } = await trusting(
      [{ ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }],
      { claimedIssuer: 'https://idp.example/realms/gov' },
    );
    const token = await claims(issuer)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(ec.privateKey);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await ask(token)).json()).toMatchObject({
        status: 503,
        code: 'server.unavailable',
        detail:
          'The identity provider\u2019s discovery document does not match the configured issuer.',
      });
    }
  });
});

describe('rolesFrom', () => {
  const values = { regulator: 'r', soc: 's', auditor: 'a' } as const;
  it('reads arrays, space-separated strings and nested claims', () => {
    expect(rolesFrom({ roles: ['a', 'x'] }, 'roles', values)).toEqual(['auditor']);
    expect(rolesFrom({ scope: 'openid r s' }, 'scope', values)).toEqual(['regulator', 'soc']);
    expect(rolesFrom({ realm_access: { roles: ['s'] } }, 'realm_access.roles', values)).toEqual([
      'soc',
    ]);
    expect(rolesFrom({}, 'realm_access.roles', values)).toEqual([]);
    expect(rolesFrom({ roles: 5 }, 'roles', values)).toEqual([]);
  });
});
