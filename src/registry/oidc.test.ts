import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../storage/test-support/storages.js';
import { rolesFrom } from './oidc.js';
import { bearer, registryHarness, type RegistryHarness } from './test-support/registry-app.js';

/** A minimal identity provider on loopback: discovery document and JWKS, as Keycloak serves them. */
async function startIdentityProvider(jwk: JWK): Promise<{ issuer: string; server: Server }> {
  const server = createServer((request, response) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gov`;
    if (request.url === '/realms/gov/.well-known/openid-configuration') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` }));
    } else if (request.url === '/realms/gov/protocol/openid-connect/certs') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256', use: 'sig' }] }));
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

describe('staff sign-in with OIDC access tokens', () => {
  let h: RegistryHarness;
  let idp: { issuer: string; server: Server };
  let dispose: () => Promise<void>;
  let sign: (
    claims: Record<string, unknown>,
    options?: { expiresIn?: string; audience?: string; issuer?: string },
  ) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    idp = await startIdentityProvider(await exportJWK(publicKey));
    const opened = await openTestStorage('sqlite');
    dispose = opened.dispose;
    h = await registryHarness(opened.storage, {
      oidc: {
        issuer: idp.issuer,
        audience: 'qalqan-api',
        rolesClaim: 'realm_access.roles',
        roleValues: { regulator: 'qalqan-regulator', soc: 'qalqan-soc', auditor: 'qalqan-auditor' },
      },
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

  it('a valid token without a Qalqan role is forbidden', async () => {
    const token = await sign({ realm_access: { roles: ['offline_access'] } });
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(token) })).json(),
    ).toMatchObject({ status: 403, code: 'auth.forbidden' });
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
