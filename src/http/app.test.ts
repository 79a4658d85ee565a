import { Writable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { requireIin } from '../core/identifiers.js';
import { DomainError } from '../core/errors.js';
import type { Authenticator } from './access.js';
import { type App, buildApp } from './app.js';
import { loggerOptions } from './logging.js';
import { literalUnion } from './schemas.js';
import { completeWithReference } from '../../test/support/kz-identifiers.js';

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};

/** A module-like plugin exercising validation, domain errors, crashes and roles. */
const exampleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/example/subjects',
    {
      config: { allow: ['public'] },
      schema: {
        body: Type.Object(
          {
            iin: Type.String({ maxLength: 12 }),
            note: Type.Optional(Type.String({ maxLength: 20 })),
            action: Type.Optional(literalUnion(['read', 'search', 'export'] as const)),
            until: Type.Optional(Type.Union([Type.Literal('never'), Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireIin(request.body.iin, 'iin');
      return { accepted: true };
    },
  );
  app.get('/v1/example/crash', { config: { allow: ['public'] } }, async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/v1/example/regulator-only', { config: { allow: ['regulator'] } }, async (request) => ({
    caller: request.principal?.kind,
  }));
  app.get('/v1/example/conflict', { config: { allow: ['public'] } }, async () => {
    throw new DomainError('storage.conflict', 'Operator 42 was changed by someone else.', {
      currentVersion: 3,
    });
  });
};

const staffToken: Authenticator = async (request) => {
  const header = request.headers.authorization;
  if (header === 'Bearer regulator-token')
    return { kind: 'staff', roles: ['regulator'], subject: 'r1', name: 'Regulator' };
  if (header === 'Bearer auditor-token')
    return { kind: 'staff', roles: ['auditor'], subject: 'a1', name: 'Auditor' };
  if (header === 'Bearer revoked-token')
    throw new DomainError('auth.unauthenticated', 'This token was revoked.');
  return null;
};

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function makeApp(overrides: Partial<Parameters<typeof buildApp>[0]> = {}): Promise<App> {
  app = await buildApp({
    config,
    checkReady: async () => undefined,
    routes: [{ name: 'example', plugin: exampleRoutes }],
    authenticators: [staffToken],
    logger: false,
    ...overrides,
  });
  await app.ready();
  return app;
}

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: `urn:qalqan:problem:${code}` });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

describe('bad input answers RFC 9457 problem details, never a 500', () => {
  it('unknown route', async () => {
    const a = await makeApp();
    const body = expectProblem(
      await a.inject({ method: 'GET', url: '/v1/nothing-here?x=1' }),
      404,
      'request.not_found',
    );
    expect(body.detail).toBe('Nothing answers GET at this path; see /openapi.json for the routes.');
    // The path as sent is not repeated: it may hold an identifier.
    expect(body.instance).toBeUndefined();
  });

  it('malformed JSON', async () => {
    const a = await makeApp();
    const response = await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      headers: { 'content-type': 'application/json' },
      payload: '{"iin": "9005',
    });
    expectProblem(response, 400, 'request.malformed_body');
  });

  it('empty JSON body', async () => {
    const a = await makeApp();
    const response = await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expectProblem(response, 400, 'request.malformed_body');
  });

  it('wrong content type', async () => {
    const a = await makeApp();
    const response = await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      headers: { 'content-type': 'text/csv' },
      payload: 'iin\n1',
    });
    expectProblem(response, 415, 'request.unsupported_media_type');
    // Text too, even text that is JSON: every route takes application/json.
    for (const type of ['text/plain', 'text/plain; charset=utf-8'])
      expectProblem(
        await a.inject({
          method: 'POST',
          url: '/v1/example/subjects',
          headers: { 'content-type': type },
          payload: '{"iin":"900515201238"}',
        }),
        415,
        'request.unsupported_media_type',
      );
  });

  it('oversized body', async () => {
    const a = await makeApp();
    const response = await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ iin: '900515201238', note: 'x'.repeat(10_000) }),
    });
    expectProblem(response, 413, 'request.body_too_large');
  });

  it('schema violations name the field', async () => {
    const a = await makeApp();
    const missing = expectProblem(
      await a.inject({ method: 'POST', url: '/v1/example/subjects', payload: {} }),
      400,
      'request.validation',
    );
    expect(missing.detail).toBe('body iin is required');
    const extra = expectProblem(
      await a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        payload: { iin: '900515201238', admin: true },
      }),
      400,
      'request.validation',
    );
    expect(extra.errors).toEqual([
      { in: 'body', field: 'admin', message: 'is not an allowed property' },
    ]);
    const tooLong = expectProblem(
      await a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        payload: { iin: '900515201238', note: 'y'.repeat(21) },
      }),
      400,
      'request.validation',
    );
    expect(tooLong.detail).toContain('note');
  });

  it('a value outside a union of literals is named with the values allowed, once', async () => {
    const a = await makeApp();
    const action = expectProblem(
      await a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        payload: { iin: '900515201238', action: 'delete' },
      }),
      400,
      'request.validation',
    );
    expect(action.detail).toBe('body action must be one of: read, search, export');
    expect(action.errors).toEqual([
      { in: 'body', field: 'action', message: 'must be one of: read, search, export' },
    ]);
    // A union with a branch of another kind is left as the validator reports it.
    const until = expectProblem(
      await a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        payload: { iin: '900515201238', until: 'soon' },
      }),
      400,
      'request.validation',
    );
    expect((until.errors as { message: string }[]).map((e) => e.message)).not.toContain(
      'must be one of: never',
    );
  });

  it('an invalid IIN gets the precise reason and is not echoed', async () => {
    const a = await makeApp();
    const body = expectProblem(
      await a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        payload: { iin: '900515201239' },
      }),
      400,
      'core.invalid_iin',
    );
    expect(body).toMatchObject({
      field: 'iin',
      reason: 'checksum',
      detail: 'iin: IIN check digit is 9, expected 8',
    });
    expect(JSON.stringify(body)).not.toContain('900515201239');
    const ok = await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      payload: { iin: '900515201238' },
    });
    expect(ok.json()).toEqual({ accepted: true });
  });

  it('domain errors keep their code, status and extensions', async () => {
    const a = await makeApp();
    const body = expectProblem(
      await a.inject({ method: 'GET', url: '/v1/example/conflict' }),
      409,
      'storage.conflict',
    );
    expect(body).toMatchObject({
      detail: 'Operator 42 was changed by someone else.',
      currentVersion: 3,
    });
  });

  it('an unexpected failure is a 500 that reveals nothing', async () => {
    const a = await makeApp();
    const body = expectProblem(
      await a.inject({ method: 'GET', url: '/v1/example/crash' }),
      500,
      'server.internal',
    );
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(body.detail).toContain(String(body.requestId));
  });
});

describe('access control', () => {
  it('refuses to start when a route does not declare who may call it', async () => {
    const undeclared: FastifyPluginAsync = async (a) => {
      a.get('/v1/forgotten', async () => ({}));
    };
    const built = await buildApp({
      config,
      checkReady: async () => undefined,
      routes: [{ name: 'x', plugin: undeclared }],
      logger: false,
    });
    await expect(built.ready()).rejects.toThrow(
      'routes do not declare who may call them (config.allow): GET /v1/forgotten',
    );
    await built.close().catch(() => undefined);
  });

  it('401 without credentials, with a WWW-Authenticate challenge', async () => {
    const a = await makeApp();
    const response = await a.inject({ method: 'GET', url: '/v1/example/regulator-only' });
    const body = expectProblem(response, 401, 'auth.unauthenticated');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(body.detail).toBe('This route needs credentials: send Authorization: Bearer <token>.');
  });

  it('401 saying a credential nobody recognised was not recognised, never repeating it', async () => {
    const a = await makeApp();
    for (const authorization of [
      'Bearer qalqan_zz_unknown-shape',
      'Basic dXNlcjpwYXNz',
      'Bearer',
    ]) {
      const response = await a.inject({
        method: 'GET',
        url: '/v1/example/regulator-only',
        headers: { authorization },
      });
      const body = expectProblem(response, 401, 'auth.unauthenticated');
      expect(response.headers['www-authenticate'], authorization).toBe('Bearer');
      expect(body.detail, authorization).toBe(
        'The credential in Authorization was not recognised: send a valid one as Authorization: Bearer <token>.',
      );
      expect(response.body).not.toContain('unknown-shape');
      expect(response.body).not.toContain('dXNlcjpwYXNz');
    }
  });

  it('401 with the authenticator\u2019s reason for a rejected credential', async () => {
    const a = await makeApp();
    const body = expectProblem(
      await a.inject({
        method: 'GET',
        url: '/v1/example/regulator-only',
        headers: { authorization: 'Bearer revoked-token' },
      }),
      401,
      'auth.unauthenticated',
    );
    expect(body.detail).toBe('This token was revoked.');
  });

  it('403 for an authenticated caller of the wrong role; 200 for the right one', async () => {
    const a = await makeApp();
    expectProblem(
      await a.inject({
        method: 'GET',
        url: '/v1/example/regulator-only',
        headers: { authorization: 'Bearer auditor-token' },
      }),
      403,
      'auth.forbidden',
    );
    const ok = await a.inject({
      method: 'GET',
      url: '/v1/example/regulator-only',
      headers: { authorization: 'Bearer regulator-token' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ caller: 'staff' });
  });
});

describe('operations endpoints and cross-cutting behaviour', () => {
  it('healthz, readyz and metrics answer', async () => {
    const a = await makeApp();
    expect((await a.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await a.inject('/readyz')).json()).toEqual({ status: 'ok' });
    await a.inject('/healthz');
    const metrics = await a.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain(
      'qalqan_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"}',
    );
    expect(metrics.body).toContain('qalqan_process_cpu_seconds_total');
  });

  it('readyz is 503 problem details when storage does not answer', async () => {
    const a = await makeApp({
      checkReady: async () => Promise.reject(new Error('connection refused')),
    });
    expectProblem(await a.inject('/readyz'), 503, 'server.unavailable');
  });

  it('metrics can require a bearer token', async () => {
    const a = await makeApp({ config: { ...config, metricsToken: 'scrape-secret' } });
    expectProblem(await a.inject('/metrics'), 401, 'auth.unauthenticated');
    expectProblem(
      await a.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } }),
      401,
      'auth.unauthenticated',
    );
    expect(
      (await a.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret' } }))
        .statusCode,
    ).toBe(200);
  });

  it('keeps a well-formed caller request id and replaces a malformed one', async () => {
    const a = await makeApp();
    const kept = await a.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(kept.headers['x-request-id']).toBe('trace-123');
    const replaced = await a.inject({
      url: '/nope',
      headers: { 'x-request-id': 'bad id with spaces\u0000' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.json()).toMatchObject({ requestId: replaced.headers['x-request-id'] });
    // docs/API.md: 1–64 of A-Z a-z 0-9 . _ : - is kept; one character more is replaced.
    const longest = `Ab0._:-${'x'.repeat(57)}`;
    const idOf = async (id: string) =>
      (await a.inject({ url: '/healthz', headers: { 'x-request-id': id } })).headers[
        'x-request-id'
      ];
    expect(await idOf(longest)).toBe(longest);
    expect(await idOf(`${longest}x`)).not.toBe(`${longest}x`);
    expect(await idOf('trace/1')).not.toBe('trace/1');
  });

  it('sends security headers', async () => {
    const a = await makeApp();
    const { headers } = await a.inject('/healthz');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    // Other origins may not embed our answers (the public ledger tiles opt out on their routes).
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    // Computed once at start, and on error answers too (a refused request is still a page).
    for (const url of ['/v1/example/regulator-only', '/v1/nothing-here']) {
      const refused = await a.inject(url);
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.headers['content-security-policy']).toBe(headers['content-security-policy']);
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      expect(refused.headers['strict-transport-security']).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(refused.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('serves OpenAPI 3.1 generated from route schemas, and the docs UI', async () => {
    const a = await makeApp();
    const spec = (await a.inject('/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/v1/example/subjects']),
    );
    expect(JSON.stringify(spec.paths['/v1/example/subjects'])).toContain('maxLength');
    expect(spec.paths['/v1/example/regulator-only']).toMatchObject({
      get: {
        security: [{ bearer: [] }],
        'x-qalqan-allow': ['regulator'],
        description: 'Who may call: regulator.',
      },
    });
    const docs = await a.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('logs never carry identifiers or credentials', () => {
  it('scrubs IIN-shaped numbers from URLs, messages and errors, and drops auth headers', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const a = await makeApp({ logger: { ...loggerOptions('info'), stream } });
    await a.inject({
      url: '/v1/subjects/900515201238?bin=940140000385',
      headers: { authorization: 'Bearer regulator-token' },
    });
    await a.inject({
      method: 'POST',
      url: '/v1/example/subjects',
      payload: { iin: '900515201239' },
    });
    // One line per request, when it completes, carrying the request and the answer.
    const completed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(completed).toHaveLength(2);
    expect(completed.map((line) => line.msg)).toEqual(['request completed', 'request completed']);
    expect(completed[1]).toMatchObject({
      req: { method: 'POST', url: '/v1/example/subjects' },
      res: { statusCode: 400 },
    });
    a.log.info({ subject: '850412100405' }, 'looked up 850412100405');
    const log = lines.join('');
    expect(log).toContain('/v1/subjects/');
    expect(log).not.toMatch(/(?<!\d)\d{12}(?!\d)/);
    expect(log).not.toContain('regulator-token');
    expect(log).toContain('[12-digit id redacted]');
  });
  it('never logs a request body, even at trace level and when the body is refused', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const a = await makeApp({ logger: { ...loggerOptions('trace'), stream } });
    const marker = 'Zq7xBodyMarker';
    const post = (payload: string) =>
      a.inject({
        method: 'POST',
        url: '/v1/example/subjects',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    // Accepted, refused by the domain, refused by the schema, and not JSON at all.
    const iin = completeWithReference('90051520123')!;
    expect((await post(JSON.stringify({ iin, note: marker }))).statusCode).toBe(200);
    expect((await post(JSON.stringify({ iin: '900515201239', note: marker }))).statusCode).toBe(
      400,
    );
    expect((await post(JSON.stringify({ iin, note: `${marker}${marker}` }))).statusCode).toBe(400);
    expect((await post(`{"note": "${marker}", "iin": `)).statusCode).toBe(400);
    const completed = lines.filter((line) => line.includes('"request completed"'));
    expect(completed).toHaveLength(4);
    expect(lines.join('')).not.toContain(marker);
  });
});

describe('validation takes JSON bodies as sent', () => {
  it('does not coerce null or numbers inside a body, but does coerce query strings', async () => {
    const typed: FastifyPluginAsync = async (a) => {
      a.post(
        '/v1/example/typed',
        {
          config: { allow: ['public'] },
          schema: {
            querystring: Type.Object({ limit: Type.Integer({ maximum: 10, default: 5 }) }),
            body: Type.Object(
              {
                until: Type.Union([Type.String({ pattern: '^\\d{4}$' }), Type.Null()]),
                count: Type.Integer(),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => ({ body: request.body, query: request.query }),
      );
    };
    app = await buildApp({
      config,
      checkReady: async () => undefined,
      routes: [{ name: 't', plugin: typed }],
      logger: false,
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/example/typed?limit=7',
      payload: { until: null, count: 3 },
    });
    expect(ok.json()).toEqual({ body: { until: null, count: 3 }, query: { limit: 7 } });
    const defaulted = await app.inject({
      method: 'POST',
      url: '/v1/example/typed',
      payload: { until: '2026', count: 1 },
    });
    expect(defaulted.json()).toMatchObject({ query: { limit: 5 } });
    const stringNumber = await app.inject({
      method: 'POST',
      url: '/v1/example/typed',
      payload: { until: null, count: '3' },
    });
    expect(stringNumber.statusCode).toBe(400);
    expect(stringNumber.json()).toMatchObject({
      code: 'request.validation',
      detail: 'body count must be integer',
    });
  });
});
