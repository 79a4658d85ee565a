/**
 * The shell under hostile input: text that is not well-formed Unicode, identifiers that must not
 * come back, errors the framework and Node answer before any route runs, failed-authentication
 * limits and timeouts. Each is held here for every route, because the shell does it once.
 */
import { connect } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fc from 'fast-check';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpLimits } from '../config/config.js';
import { DomainError } from '../core/errors.js';
import type { Authenticator } from './access.js';
import { type App, buildApp } from './app.js';
import { newRequestId, requestIdFor } from './request-id.js';
import { firstUnstorableString } from './body-parsers.js';
import { withholdIdentifiers } from './problem.js';

const IDENTIFIER = '900314410217';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/things',
    {
      config: { allow: ['public'] },
      schema: {
        body: Type.Object(
          { name: Type.String({ maxLength: 200 }), tags: Type.Optional(Type.Array(Type.String())) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ stored: request.body }),
  );
  // No body schema at all: the body parser alone must refuse bad text.
  app.post('/v1/loose', { config: { allow: ['public'] } }, async (request) => ({
    got: request.body,
  }));
  app.get(
    '/v1/things/:id',
    {
      config: { allow: ['regulator'] },
      schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
    },
    async (request) => {
      const { id } = request.params;
      // A module that forgot the rule and quotes the id it was given.
      throw new DomainError('registry.operator_not_found', `There is no operator ${id}.`, {
        id,
        asNumber: Number(id),
      });
    },
  );
  app.get(
    '/v1/kinds',
    {
      config: { allow: ['public'] },
      schema: {
        querystring: Type.Object({ kind: Type.Union([Type.Literal('a'), Type.Literal('b')]) }),
      },
    },
    async () => ({ ok: true }),
  );
};

const staff: Authenticator = async (request) => {
  const header = request.headers.authorization;
  if (header === 'Bearer good')
    return { kind: 'staff', roles: ['regulator'], subject: 's', name: 'S' };
  if (header === 'Bearer revoked') throw new DomainError('auth.unauthenticated', 'Revoked.');
  return null;
};

const limits: HttpLimits = {
  authFailureLimit: 3,
  authFailureWindowSeconds: 60,
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 1000,
  connectionTimeoutMs: 5000,
};

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function makeApp(http?: HttpLimits): Promise<App> {
  app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 64 * 1024,
      trustProxy: false,
      metricsToken: undefined,
      ...(http ? { http } : {}),
    },
    checkReady: async () => undefined,
    routes: [{ name: 'things', plugin: routes }],
    authenticators: [staff],
    logger: false,
  });
  await app.ready();
  return app;
}

function problemOf(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}): Record<string, unknown> {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body.status).toBe(response.statusCode);
  expect(typeof body.code).toBe('string');
  expect(body.requestId).toBe(response.headers['x-request-id']);
  return body;
}

/** Sends raw bytes and returns the raw answer (the server closes after an error). */
async function raw(port: number, bytes: string | Buffer, waitMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    }, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.write(bytes);
  });
}

function rawProblem(answer: string): {
  status: number;
  headers: string;
  body: Record<string, unknown>;
} {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  expect(head).toMatch(/content-type: application\/problem\+json/i);
  const parsed = JSON.parse(body) as Record<string, unknown>;
  expect(parsed.status).toBe(status);
  expect(parsed.requestId).toBe(/x-request-id: (\S+)/i.exec(head)?.[1]);
  return { status, headers: head, body: parsed };
}

describe('text that is not well-formed Unicode is refused for every route', () => {
  /** POSTs `tags: ["fine", <bad>]` to a route with a schema and one without: a 400 naming tags.1. */
  async function expectRefusedInTags(a: App, escape: string, message: string) {
    for (const url of ['/v1/things', '/v1/loose']) {
      const response = await a.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: `{"name":"ok","tags":["fine","bad ${escape} here"]}`,
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response)).toMatchObject({
        code: 'request.validation',
        detail: `body tags.1 ${message}`,
        errors: [{ in: 'body', field: 'tags.1' }],
      });
    }
  }

  it('a lone surrogate in a JSON string or key is a 400 naming the field', async () => {
    const a = await makeApp();
    await expectRefusedInTags(
      a,
      '\\ud800',
      'is not well-formed Unicode (it holds a lone surrogate)',
    );
    const key = await a.inject({
      method: 'POST',
      url: '/v1/loose',
      headers: { 'content-type': 'application/json' },
      payload: '{"a\\udfff":1}',
    });
    expect(problemOf(key)).toMatchObject({ code: 'request.validation' });
    // A proper pair is one code point and is accepted.
    const pair = await a.inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"\\ud83d\\ude00"}',
    });
    expect(pair.json()).toEqual({ stored: { name: '\u{1F600}' } });
  });

  it('a key reaching a prototype is a 400 naming it, not "not valid JSON"; the body never arrives', async () => {
    const a = await makeApp();
    const post = (url: string, payload: string) =>
      a.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
    for (const [payload, field] of [
      ['{"__proto__":{"admin":true}}', '__proto__'],
      ['{"name":"x","tags":[{"__proto__":1}]}', 'tags.0.__proto__'],
      ['{"a":{"constructor":{"prototype":{"admin":true}}}}', 'a.constructor.prototype'],
      // JSON's escapes spell the same key: the parsed key is what is checked.
      ['{"\\u005f_proto__":{}}', '__proto__'],
    ] as const)
      for (const url of ['/v1/things', '/v1/loose']) {
        const res = await post(url, payload);
        expect(res.statusCode, `${url} ${payload}`).toBe(400);
        expect(problemOf(res), payload).toMatchObject({
          code: 'request.validation',
          detail: `body ${field} is not an allowed key (it would reach an object's prototype)`,
          errors: [{ in: 'body', field }],
        });
      }
    // Broken JSON is still said to be broken; `constructor` as a plain value or key is fine.
    expect(problemOf(await post('/v1/loose', '{"__proto__":'))).toMatchObject({
      code: 'request.malformed_body',
      detail: 'The body is not valid JSON.',
    });
    const plain = await post('/v1/loose', '{"constructor":"x","c":{"constructor":{"p":1}}}');
    expect(plain.statusCode).toBe(200);
  });

  it('invalid UTF-8 bytes are a 400, never replaced with U+FFFD', async () => {
    const a = await makeApp();
    const body = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xed, 0xa0, 0x80, 0xff]),
      Buffer.from('"}'),
    ]);
    const response = await a.inject({
      method: 'POST',
      url: '/v1/loose',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response)).toMatchObject({
      code: 'request.malformed_body',
      detail: 'The body is not valid UTF-8.',
    });
  });

  it('finds the first unstorable string at any depth without recursion', () => {
    let deep: unknown = 'bad\ud800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(firstUnstorableString(deep)?.field).toMatch(/^0(\.0)*$/);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // JSON.stringify writes a lone surrogate as a \uXXXX escape of a surrogate code unit, and
        // U+0000 as \u0000.
        const json = JSON.stringify(value);
        const illFormed = /\\ud[89a-f][0-9a-f]{2}/i.test(json);
        const nul = json.includes('\\u0000');
        const found = firstUnstorableString(value);
        expect(found === undefined).toBe(!illFormed && !nul);
        if (found && !illFormed) expect(found.reason).toBe('nul');
      }),
    );
  });

  it('U+0000 in a JSON string or key, a query or a path parameter is a 400 naming the field', async () => {
    // PostgreSQL cannot store it (SQLite can): it must be refused before any route, on both.
    const a = await makeApp();
    await expectRefusedInTags(a, '\\u0000', 'must not contain the NUL character (U+0000)');
    const key = await a.inject({
      method: 'POST',
      url: '/v1/loose',
      headers: { 'content-type': 'application/json' },
      payload: '{"a\\u0000b":1}',
    });
    expect(problemOf(key)).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'body', field: 'a\uFFFDb' }],
    });
    const query = await a.inject({ method: 'GET', url: '/v1/kinds?kind=a%00' });
    expect(query.statusCode).toBe(400);
    expect(problemOf(query)).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'querystring', field: 'kind' }],
    });
    // Before authentication: the URL itself is malformed whoever sends it.
    const param = await a.inject({ method: 'GET', url: '/v1/things/x%00y' });
    expect(param.statusCode).toBe(400);
    expect(problemOf(param)).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'params', field: 'id' }],
    });
    // An escaped percent sign followed by zeros is ordinary text.
    const escaped = await a.inject({
      method: 'GET',
      url: '/v1/things/x%2500y',
      headers: { authorization: 'Bearer good' },
    });
    expect(escaped.statusCode).toBe(404);
  });
});

describe('no error echoes an identifier', () => {
  it('withholds 12-digit runs from detail, extensions, keys and long integers', () => {
    expect(
      withholdIdentifiers({
        detail: `There is no operator ${IDENTIFIER}.`,
        [IDENTIFIER]: 1,
        n: 900314410217,
        small: 42,
        nested: [`x${IDENTIFIER}9`],
      }),
    ).toEqual({
      detail: 'There is no operator [identifier withheld].',
      '[identifier withheld]': 1,
      n: '[identifier withheld]',
      small: 42,
      nested: ['x[identifier withheld]'],
    });
  });

  it('a route quoting its id, Ajv naming a field and instance never repeat the path', async () => {
    const a = await makeApp();
    const quoted = await a.inject({
      url: `/v1/things/${IDENTIFIER}`,
      headers: { authorization: 'Bearer good' },
    });
    const body = problemOf(quoted);
    expect(quoted.body).not.toContain(IDENTIFIER);
    expect(body.instance).toBe('/v1/things/{id}');
    const extra = await a.inject({
      method: 'POST',
      url: '/v1/things',
      payload: { name: 'x', [IDENTIFIER]: true },
    });
    expect(problemOf(extra).code).toBe('request.validation');
    expect(extra.body).not.toContain(IDENTIFIER);
    const notFound = await a.inject({ url: `/v1/operators/${IDENTIFIER}` });
    expect(problemOf(notFound).code).toBe('request.not_found');
    expect(notFound.body).not.toContain(IDENTIFIER);
    const badJson = await a.inject({
      method: 'POST',
      url: '/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: `{"name": ${IDENTIFIER}x}`,
    });
    expect(problemOf(badJson).detail).toBe('The body is not valid JSON.');
  });

  it('a client request id holding 12 digits is replaced by a generated one', async () => {
    expect(requestIdFor('trace-123')).toBe('trace-123');
    expect(requestIdFor(`trace-${IDENTIFIER}`)).toMatch(/^[0-9a-f-]{36}$/);
    for (let i = 0; i < 5000; i++) expect(newRequestId()).not.toMatch(/\d{12}/);
    const a = await makeApp();
    const response = await a.inject({
      url: '/v1/nowhere',
      headers: { 'x-request-id': `req-${IDENTIFIER}` },
    });
    expect(response.body).not.toContain(IDENTIFIER);
    expect(response.headers['x-request-id']).not.toContain(IDENTIFIER);
  });
});

describe('errors answered before routing are problems with a request id', () => {
  it('bad percent-encoding (400) and an over-long path parameter (414), without echo', async () => {
    const a = await makeApp();
    const badUrl = await a.inject({
      url: `/v1/things/${IDENTIFIER}%ff`,
      headers: { authorization: 'Bearer good' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(problemOf(badUrl).code).toBe('request.malformed_url');
    expect(badUrl.body).not.toContain(IDENTIFIER);
    const long = await a.inject({ url: `/v1/things/${IDENTIFIER}${'7'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(problemOf(long).code).toBe('request.uri_too_long');
    expect(long.body).not.toMatch(/\d{12}/);
    // docs/API.md: longer than 256 characters, not 256 itself.
    const at = (length: number) => a.inject({ url: `/v1/things/${'t'.repeat(length)}` });
    expect((await at(256)).statusCode).not.toBe(414);
    expect(problemOf(await at(257)).code).toBe('request.uri_too_long');
  });

  it('malformed HTTP (400) and oversized headers (431) over a socket', async () => {
    const a = await makeApp(limits);
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as { port: number };
    const garbage = rawProblem(
      await raw(port, `GET /v1/${IDENTIFIER} HTTP/1.1\r\nHo st: x\r\n\r\n`),
    );
    expect(garbage).toMatchObject({ status: 400, body: { code: 'request.malformed_http' } });
    const huge = rawProblem(
      await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(huge).toMatchObject({ status: 431, body: { code: 'request.headers_too_large' } });
    // docs/API.md: Node's limit, 16 KiB for the request line and headers together.
    const head = (big: number) =>
      `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(big)}\r\n\r\n`;
    expect(await raw(port, head(16_000))).toMatch(/^HTTP\/1\.1 200/);
    expect(rawProblem(await raw(port, head(16 * 1024)))).toMatchObject({ status: 431 });
  });

  it('a request whose head does not arrive in time gets a 408 problem', async () => {
    const a = await makeApp(limits);
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as { port: number };
    const answer = await raw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 4000);
    expect(rawProblem(answer)).toMatchObject({ status: 408, body: { code: 'request.timeout' } });
    expect(a.server.headersTimeout).toBe(300);
    expect(a.server.requestTimeout).toBe(600);
    expect(a.server.keepAliveTimeout).toBe(1000);
    expect(a.server.timeout).toBe(5000);
  });
});

describe('failed authentication is limited per client address', () => {
  it('after the limit, every credentialed request gets 429 (a good one too); anonymous 401s do not count', async () => {
    const a = await makeApp(limits);
    const get = (authorization?: string) =>
      a.inject({
        url: '/v1/things/1',
        ...(authorization ? { headers: { authorization } } : {}),
      });
    for (let i = 0; i < 5; i++) expect((await get()).statusCode).toBe(401);
    expect((await get('Bearer good')).statusCode).toBe(404);
    expect((await get('Bearer guess-1')).statusCode).toBe(401);
    expect((await get('Bearer revoked')).statusCode).toBe(401);
    expect((await get('Bearer guess-2')).statusCode).toBe(401);
    const limited = await get('Bearer good');
    expect(limited.statusCode).toBe(429);
    expect(problemOf(limited).code).toBe('auth.too_many_failures');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await a.inject({
      url: '/v1/things/1',
      headers: { authorization: 'Bearer good' },
      remoteAddress: '10.0.0.9',
    });
    expect(other.statusCode).toBe(404);
  });

  it('without configured limits (test harnesses) failures are not limited', async () => {
    const a = await makeApp();
    for (let i = 0; i < 10; i++) {
      const response = await a.inject({
        url: '/v1/things/1',
        headers: { authorization: 'Bearer x' },
      });
      expect(response.statusCode).toBe(401);
    }
  });
});
