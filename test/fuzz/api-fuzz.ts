/**
 * A fuzzer for the whole HTTP API, driven by the server's own `/openapi.json`: every operation
 * gets generated hostile requests (wrong types, huge strings, lone surrogates, 12-digit runs in
 * every field, parameter and header, bad encodings, invalid UTF-8, deep nesting, wrong content
 * types) with and without credentials, plus malformed HTTP over a socket. Each answer is checked
 * against the shell's promises: never a 5xx, every error an `application/problem+json` document
 * with a known code and the request id, and no error body quoting a 12-digit run from the request.
 * Routes added later are fuzzed without any change here. Used by `test/fuzz/api.fuzz.test.ts`
 * (a bounded pass in `npm test`) and `bench/fuzz/fuzz.ts` (`npm run fuzz`, longer).
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { App } from '../../src/http/app.js';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';

type JsonSchema = Record<string, unknown>;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: readonly { name: string; schema: JsonSchema }[];
  readonly body: JsonSchema | undefined;
  /** Answers a success with server-sent events: the stream never ends by itself. */
  readonly streams: boolean;
}

interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

export interface Finding {
  readonly problem: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly excerpt: string;
}

export interface FuzzReport {
  readonly operations: number;
  readonly requests: number;
  readonly raw: number;
  readonly byStatus: Record<string, number>;
  readonly findings: readonly Finding[];
}

export interface FuzzOptions {
  /** Generated requests per operation. */
  readonly perOperation: number;
  readonly seed: number;
  /** Bearer tokens to try besides none and a bogus one (staff tokens, a system key, …). */
  readonly credentials: readonly string[];
  /** Port of the same app listening on loopback, for malformed HTTP; omitted skips that part. */
  readonly port?: number;
}

const KNOWN_CODES = new Set(Object.keys(ERROR_CATALOGUE));

// ---------------------------------------------------------------------------------------------
// Generators

/** A valid-looking IIN/BIN-shaped run (the checksum does not matter: any 12 digits must not echo). */
const twelveDigits = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 })
  .map((digits) => `${1 + ((digits[0] ?? 0) % 9)}${digits.slice(1).join('')}`);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: twelveDigits },
  { weight: 2, arbitrary: twelveDigits.map((d) => `id ${d}, again ${d}7`) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\ud800',
      'a\udfffb',
      '\u0000',
      '',
      ' ',
      '../../etc/passwd',
      '%ff',
      '<script>alert(1)</script>',
      "'; drop table operators; --",
      '\u202e\u0301',
      'NaN',
      'null',
      '-1',
      '1e309',
      '2026-02-30',
      'KZ',
      '__proto__',
      'constructor',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 70_000 }).map((n) => 'Ж'.repeat(n)) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      900314410217,
      -1,
      0,
      1.5,
      Number.MAX_SAFE_INTEGER,
      1e300,
      true,
      null,
      [],
      {},
    ),
  },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
);

function resolve(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
): JsonSchema {
  let current = schema ?? {};
  for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
    const name = current.$ref.split('/').pop() ?? '';
    current = components[name] ?? {};
  }
  return current;
}

/**
 * The longest string `schema` allows (a long one when it sets no bound), ASCII or Cyrillic: the
 * schema lets it through, so it reaches the database, and PostgreSQL refuses text longer than a
 * `varchar(N)` column where SQLite stores it — this finds a field whose cap is missing or looser
 * than its column's.
 */
function longString(s: JsonSchema): fc.Arbitrary<string> {
  const max = typeof s.maxLength === 'number' ? s.maxLength : 600;
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  return fc
    .tuple(fc.constantFrom('a', 'Ж'), fc.integer({ min: Math.max(min, max - 2), max }))
    .map(([char, length]) => char.repeat(length));
}

/**
 * The largest integer `schema` allows (beyond PostgreSQL's 32-bit `integer`, and its `bigint`, when
 * it sets no bound), or its smallest: numbers SQLite compares and stores whatever the column says
 * and PostgreSQL refuses as out of range for an `integer` column (2^31 and up) or a `bigint` one
 * (1e20, an integer to JSON Schema).
 */
function integerBoundary(s: JsonSchema): fc.Arbitrary<number> {
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  return fc.constantFrom(
    ...(max !== undefined ? [max] : [2 ** 31, Number.MAX_SAFE_INTEGER, 1e20]),
    ...(min !== undefined ? [min] : [-(2 ** 31) - 1]),
  );
}

/** A value that fits `schema` (roughly): lets hostile values reach past the outer validation. */
function plausible(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 4) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((alt) => plausible(alt, components, depth + 1)));
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((s.required ?? []) as string[]);
      const entries = Object.entries(properties);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, inner] of entries) record[key] = plausible(inner, components, depth + 1);
      return fc.record(record, {
        requiredKeys: entries.map(([key]) => key).filter((key) => required.has(key)),
      });
    }
    case 'array':
      return fc.array(plausible(s.items as JsonSchema, components, depth + 1), { maxLength: 3 });
    case 'integer':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({
            min: typeof s.minimum === 'number' ? s.minimum : 0,
            max: typeof s.maximum === 'number' ? s.maximum : 1000,
          }),
        },
        { weight: 1, arbitrary: integerBoundary(s) },
      );
    case 'number':
      return fc.double({ min: 0, max: 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      if (s.format === 'date-time')
        // Besides the usual form: an offset with the longest fraction a 40-character cap allows
        // (more than a `varchar(32)` column holds unless normalised first), and a leap second
        // (valid RFC 3339 that `Date.parse` refuses).
        return fc.constantFrom(
          '2026-11-25T09:00:00.000Z',
          '2027-11-25T05:00:00.12345678901234+05:00',
          '2026-12-31T23:59:60Z',
        );
      if (s.format === 'date') return fc.constant('2026-11-25');
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'email') return fc.constant('dpo@example.kz');
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ minLength: Number(s.minLength ?? 1), maxLength: 12 }) },
        { weight: 1, arbitrary: longString(s) },
      );
    default:
      return hostileValue;
  }
}

/** Puts `value` at a random place in `target` (a field, an array item, a new key). */
function plant(target: unknown, value: unknown, choice: number): unknown {
  if (target === null || typeof target !== 'object') return value;
  if (Array.isArray(target)) {
    if (target.length === 0) return [value];
    const i = choice % target.length;
    return (target as unknown[]).map((item, j) =>
      j === i ? plant(item, value, Math.floor(choice / 7)) : item,
    );
  }
  const keys = Object.keys(target);
  if (keys.length === 0 || choice % 5 === 0) return { ...target, [`x${choice % 3}`]: value };
  const key = keys[choice % keys.length] as string;
  return {
    ...target,
    [key]: plant((target as Record<string, unknown>)[key], value, Math.floor(choice / 7)),
  };
}

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be percent-encoded; send the bytes it would need.
    return '%ED%A0%80';
  }
}

const badEncodings = fc.constantFrom(
  '%ff',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '%2e%2e%2f',
  '%C0%AF',
);

function requestArbitrary(
  operation: Operation,
  components: Record<string, JsonSchema>,
  credentials: readonly string[],
): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    { weight: 4, arbitrary: hostileString.map(encodeSegment) },
    { weight: 1, arbitrary: fc.tuple(twelveDigits, badEncodings).map(([d, e]) => `${d}${e}`) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map(String) },
    // Longer than an id column (`varchar(40)`) or a name's: a route that stores its path's
    // parameter must refuse it as PostgreSQL would, on both engines.
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(41), 'b'.repeat(300)) },
  );
  const params = fc.array(segment, {
    minLength: operation.pathParams.length,
    maxLength: operation.pathParams.length,
  });
  const hostileQuery = fc.array(
    fc.tuple(
      operation.query.length > 0
        ? fc.oneof(fc.constantFrom(...operation.query.map((q) => q.name)), fc.constant('unknown'))
        : fc.constant('unknown'),
      fc.oneof(hostileString.map(encodeSegment), badEncodings, twelveDigits),
    ),
    { maxLength: 3 },
  );
  // Values that fit each parameter's schema, at its bounds among them (a limit of 2^31, a search
  // text of the longest length allowed): these get past validation to the database.
  const fitting =
    operation.query.length > 0
      ? fc.array(
          fc
            .constantFrom(...operation.query)
            .chain(({ name, schema }) =>
              plausible(schema, components).map(
                (value) => [name, encodeSegment(String(value))] as [string, string],
              ),
            ),
          { maxLength: 3 },
        )
      : fc.constant<[string, string][]>([]);
  const query = fc.oneof(hostileQuery, fitting);
  const auth = fc.oneof(
    fc.constant(undefined),
    fc.constant('Bearer not-a-real-token-900314410217'),
    fc.constant('Basic OTAwMzE0NDEwMjE3Og=='),
    ...(credentials.length > 0 ? [fc.constantFrom(...credentials).map((t) => `Bearer ${t}`)] : []),
  );
  const extraHeaders = fc.record(
    {
      'x-request-id': fc.oneof(
        twelveDigits,
        twelveDigits.map((d) => `req-${d}`),
        fc.uuid(),
      ),
      'x-forwarded-for': twelveDigits,
      'if-match': fc.oneof(twelveDigits, fc.constant('"1"'), fc.constant('*')),
      'idempotency-key': fc.oneof(twelveDigits, fc.uuid()),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'image/png'),
    },
    { requiredKeys: [] },
  );
  const jsonBody = operation.body
    ? fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .tuple(plausible(operation.body, components), hostileValue, fc.nat())
            .map(([base, value, choice]) => JSON.stringify(plant(base, value, choice))),
        },
        {
          weight: 2,
          arbitrary: plausible(operation.body, components).map((v) => JSON.stringify(v)),
        },
        { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      )
    : fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));
  const body: fc.Arbitrary<{ payload: string | Buffer; type: string } | undefined> = fc.oneof(
    { weight: 8, arbitrary: jsonBody.map((payload) => ({ payload, type: 'application/json' })) },
    {
      weight: 1,
      arbitrary: twelveDigits.map((d) => ({
        payload: Buffer.concat([
          Buffer.from(`{"name":"${d}`),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}'),
        ]),
        type: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: twelveDigits.map((d) => ({
        payload: `{"name":"\\ud800${d}","note":"\\udfff"}`,
        type: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        payload: `${'['.repeat(5000)}${']'.repeat(5000)}`,
        type: 'application/json',
      }),
    },
    {
      weight: 1,
      arbitrary: twelveDigits.map((d) => ({ payload: `{"iin": ${d}x`, type: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: twelveDigits.map((d) => ({
        payload: `iin=${d}`,
        type: 'application/x-www-form-urlencoded',
      })),
    },
    { weight: 1, arbitrary: twelveDigits.map((d) => ({ payload: d, type: 'text/plain' })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc
    .record({ params, query, auth, extraHeaders, body })
    .map(
      ({
        params: values,
        query: pairs,
        auth: authorization,
        extraHeaders: headers,
        body: sent,
      }) => {
        let path = operation.path;
        operation.pathParams.forEach((name, i) => {
          path = path.replace(`{${name}}`, values[i] ?? 'x');
        });
        const search = pairs.map(([name, value]) => `${name}=${value}`).join('&');
        const allHeaders: Record<string, string> = { ...headers };
        if (authorization) allHeaders.authorization = authorization;
        const hasBody = sent !== undefined && !['GET', 'HEAD', 'DELETE'].includes(operation.method);
        if (hasBody) allHeaders['content-type'] = sent.type;
        return {
          method: operation.method,
          url: search ? `${path}?${search}` : path,
          headers: allHeaders,
          ...(hasBody ? { payload: sent.payload } : {}),
        };
      },
    );
}

// ---------------------------------------------------------------------------------------------
// Checks

const DIGIT_RUN = /\d{12,}/g;

/** Every 12-digit window of every long digit run in `text`. */
function identifierWindows(text: string): Set<string> {
  const windows = new Set<string>();
  for (const match of text.matchAll(DIGIT_RUN)) {
    const run = match[0];
    for (let i = 0; i + 12 <= run.length; i++) windows.add(run.slice(i, i + 12));
  }
  return windows;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function requestText(request: FuzzRequest): string {
  const payload =
    request.payload === undefined
      ? ''
      : typeof request.payload === 'string'
        ? request.payload
        : request.payload.toString('latin1');
  return [request.url, safeDecode(request.url), JSON.stringify(request.headers), payload].join(
    '\n',
  );
}

/** The problems with one answer, as sentences (empty when it keeps every promise). */
export function judge(
  sentText: string,
  status: number,
  headers: Record<string, string | string[] | number | undefined>,
  body: string,
): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`answered ${status}`);
  if (status < 400) return problems;
  const type = String(headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) {
    problems.push(`error body is ${type || 'untyped'}, not application/problem+json`);
    return problems;
  }
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(body) as Record<string, unknown>;
  } catch {
    problems.push('error body is not JSON');
    return problems;
  }
  if (typeof document.code !== 'string' || !KNOWN_CODES.has(document.code)) {
    problems.push(`error code ${String(document.code)} is not in src/core/errors.ts`);
  }
  if (document.status !== status) problems.push('problem status differs from the HTTP status');
  if (typeof document.requestId !== 'string' || document.requestId.length === 0) {
    problems.push('error has no requestId');
  } else if (
    headers['x-request-id'] !== undefined &&
    headers['x-request-id'] !== document.requestId
  ) {
    problems.push('requestId differs from the X-Request-Id header');
  }
  for (const window of identifierWindows(sentText)) {
    if (body.includes(window)) {
      problems.push('error body echoes a 12-digit run from the request');
      break;
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP

/**
 * One request over loopback HTTP: the whole answer, except that an event stream's body is not
 * waited for (its head and status are what the judge needs; a 2xx body is not judged).
 */
function streamExchange(
  port: number,
  request: FuzzRequest,
): Promise<
  | { statusCode: number; headers: Record<string, string | string[] | undefined>; body: string }
  | undefined
> {
  return new Promise((resolve) => {
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (incoming) => {
          const answer = { statusCode: incoming.statusCode ?? 0, headers: incoming.headers };
          if (String(incoming.headers['content-type'] ?? '').startsWith('text/event-stream')) {
            outgoing.destroy();
            resolve({ ...answer, body: '' });
            return;
          }
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks).toString() }));
          incoming.on('error', () =>
            resolve({ ...answer, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
    } catch {
      // A header Node itself refuses to send never reaches the server: nothing to judge.
      resolve(undefined);
      return;
    }
    // Sent, then the connection failed: judged as an answer that never came (status 0).
    outgoing.on('error', (error) =>
      resolve({ statusCode: 0, headers: {}, body: `connection error: ${error.message}` }),
    );
    if (request.payload !== undefined) outgoing.write(request.payload);
    outgoing.end();
  });
}

async function rawExchange(port: number, bytes: Buffer, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
    socket.end();
  });
}

function rawRequests(): { name: string; bytes: Buffer }[] {
  const id = '900314410217';
  const text = (name: string, value: string) => ({ name, bytes: Buffer.from(value, 'latin1') });
  return [
    text('space in header name', `GET /v1/${id} HTTP/1.1\r\nHo st: x\r\n\r\n`),
    text('no host, bad version', `GET /healthz HTTP/9.9\r\n\r\n`),
    text('garbage request line', `${id} ${id} ${id}\r\n\r\n`),
    text(
      'control char in path',
      `GET /v1/registry/operators/${id}\u0001 HTTP/1.1\r\nHost: x\r\n\r\n`,
    ),
    text(
      'huge header',
      `GET /v1/registry/operators/${id} HTTP/1.1\r\nHost: x\r\nX-A: ${id.repeat(2000)}\r\n\r\n`,
    ),
    text('huge URL', `GET /v1/registry/operators/${id.repeat(2000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    text(
      'content-length and chunked',
      `POST /v1/registry/operators HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ),
    text(
      'bad chunk size',
      `POST /v1/registry/operators HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${id}\r\n0\r\n\r\n`,
    ),
    text(
      'negative content-length',
      `POST /v1/registry/operators HTTP/1.1\r\nHost: x\r\nContent-Length: -${id}\r\n\r\n`,
    ),
    text(
      'two content-lengths',
      `POST /v1/registry/operators HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    ),
    text('bare LF', `GET /healthz HTTP/1.1\nHost: x\n\n`),
    text('header without colon', `GET /healthz HTTP/1.1\r\nHost: x\r\n${id}\r\n\r\n`),
    text(
      'absolute-form URL',
      `GET http://${id}.example/v1/registry/operators/${id} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ),
    text('bad percent path', `GET /v1/registry/systems/${id}%ff HTTP/1.1\r\nHost: x\r\n\r\n`),
    {
      name: 'invalid UTF-8 in header value',
      bytes: Buffer.concat([
        Buffer.from(`GET /v1/registry/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${id}`),
        Buffer.from([0xff, 0xc0]),
        Buffer.from('\r\n\r\n'),
      ]),
    },
    (() => {
      const body = Buffer.concat([
        Buffer.from(`{"a":"${id}`),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]);
      return {
        name: 'invalid UTF-8 body',
        bytes: Buffer.concat([
          Buffer.from(
            `POST /v1/registry/operators HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
          ),
          body,
        ]),
      };
    })(),
  ];
}

function parseRaw(answer: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const split = answer.indexOf('\r\n\r\n');
  const head = split >= 0 ? answer.slice(0, split) : answer;
  const body = split >= 0 ? answer.slice(split + 4) : '';
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  // Keep-alive answers may be chunked; the problem bodies this checks are sent whole.
  return {
    status,
    headers,
    body: headers['transfer-encoding'] ? body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/gi, '') : body,
  };
}

// ---------------------------------------------------------------------------------------------

export function operationsOf(spec: {
  paths?: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema?: JsonSchema }[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        responses?: Record<string, { content?: Record<string, unknown> }>;
      }
    >
  >;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: operation.requestBody?.content?.['application/json']?.schema,
        streams: Object.values(operation.responses ?? {}).some(
          (response) => response.content?.['text/event-stream'] !== undefined,
        ),
      });
    }
  }
  return operations;
}

/** Runs the fuzz pass against `app` and returns what broke a promise. */
export async function fuzzApi(app: App, options: FuzzOptions): Promise<FuzzReport> {
  const spec = (await app.inject({ url: '/openapi.json' })).json<{
    paths: Record<string, never>;
    components?: { schemas?: Record<string, JsonSchema> };
  }>();
  const components = spec.components?.schemas ?? {};
  const operations = operationsOf(spec);
  const findings: Finding[] = [];
  const byStatus: Record<string, number> = {};
  let requests = 0;
  const record = (
    request: { method: string; url: string },
    status: number,
    body: string,
    problems: string[],
  ) => {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    for (const problem of problems) {
      findings.push({
        problem,
        method: request.method,
        url: request.url.slice(0, 200),
        status,
        excerpt: body.slice(0, 300),
      });
    }
  };

  for (const [index, operation] of operations.entries()) {
    const generated = fc.sample(requestArbitrary(operation, components, options.credentials), {
      numRuns: options.perOperation,
      seed: options.seed + index,
    });
    for (const request of generated) {
      requests++;
      // An accepted event stream stays open, so it is asked over a socket and cut off once its
      // head has arrived; an in-process inject would wait for its end forever.
      // A stream asked over a real socket on a loaded machine can lose its answer to a reset
      // (the server answered and closed while the request was still being sent): asked once more,
      // and judged as an answer that never came only when it fails again.
      const overSocket = async (port: number) => {
        const first = await streamExchange(port, request);
        return first?.statusCode === 0 ? streamExchange(port, request) : first;
      };
      const response =
        operation.streams && options.port !== undefined
          ? await overSocket(options.port)
          : await app.inject({
              method: request.method as 'GET',
              url: request.url,
              headers: request.headers,
              ...(request.payload !== undefined ? { payload: request.payload } : {}),
            });
      if (response === undefined) continue;
      if (response.statusCode === 0) {
        record(request, 0, response.body, ['the connection closed without an answer']);
        continue;
      }
      record(
        request,
        response.statusCode,
        response.body,
        judge(requestText(request), response.statusCode, response.headers, response.body),
      );
    }
  }

  let raw = 0;
  if (options.port !== undefined) {
    for (const { name, bytes } of rawRequests()) {
      raw++;
      const answer = parseRaw(await rawExchange(options.port, bytes));
      const request = { method: 'RAW', url: name };
      if (answer.status === 0) {
        record(request, 0, answer.body, ['the connection closed without an answer']);
        continue;
      }
      record(
        request,
        answer.status,
        answer.body,
        judge(bytes.toString('latin1'), answer.status, answer.headers, answer.body),
      );
    }
  }
  return { operations: operations.length, requests, raw, byStatus, findings };
}
