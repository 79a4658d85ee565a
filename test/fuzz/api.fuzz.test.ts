/**
 * A bounded fuzz pass over every operation in `/openapi.json` of the composed server with the demo
 * world loaded, with and without credentials, plus malformed HTTP over a socket: 0 answers 5xx,
 * every error a problem document with a known code and the request id, no 12-digit run from the
 * request quoted back. On SQLite, and on PostgreSQL with DATABASE_URL — PostgreSQL refuses what
 * SQLite stores (text longer than its `varchar(N)`, numbers beyond a 32-bit `integer`, U+0000), so
 * a route whose schema lets such a value through answers 500 there only. `npm run fuzz` runs the
 * same engine longer (bench/fuzz/fuzz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { describeComposed } from '../support/composed-engines.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';
import { fuzzApi, judge } from './api-fuzz.js';

describe('the judge', () => {
  it('flags a 5xx, a non-problem error, a missing request id and an echoed identifier', () => {
    const problem = (body: object) =>
      JSON.stringify({ status: 404, code: 'request.not_found', requestId: 'r', ...body });
    const headers = { 'content-type': 'application/problem+json', 'x-request-id': 'r' };
    expect(judge('', 500, headers, problem({ status: 500 }))).toContain('answered 500');
    expect(judge('', 404, { 'content-type': 'application/json' }, '{}')[0]).toMatch(
      /not application\/problem\+json/,
    );
    expect(
      judge('', 404, headers, JSON.stringify({ status: 404, code: 'request.not_found' })),
    ).toContain('error has no requestId');
    expect(judge('', 404, headers, problem({ code: 'made.up' }))[0]).toMatch(
      /not in src\/core\/errors.ts/,
    );
    expect(
      judge('/v1/x/9003144102170', 404, headers, problem({ detail: 'no 003144102170' })),
    ).toContain('error body echoes a 12-digit run from the request');
    expect(judge('/v1/x/900314410217', 404, headers, problem({ detail: 'no such thing' }))).toEqual(
      [],
    );
    expect(judge('', 200, {}, 'anything 900314410217')).toEqual([]);
  });
});

describeComposed('fuzzing every operation of /openapi.json', (env) => {
  let qalqan: Qalqan;
  let credentials: string[];
  let port: number;
  let world: DemoWorldCopy;
  const postgres = () => env().DATABASE_URL !== undefined;

  beforeAll(async () => {
    // A copy of the run's demo world (built by the first suite to ask: tens of seconds under load).
    world = await copyDemoWorld({
      ...env(),
      // The fuzzer fails authentication thousands of times from one address on purpose.
      QALQAN_AUTH_FAILURE_LIMIT: '1000000000',
    });
    const config = loadConfig(world.env);
    // Demo mode, as `qalqan serve --demo`: the demo identity provider's routes are fuzzed too.
    qalqan = await createQalqan({ ...config, demo: true }, { logger: false });
    const { demo } = world;
    credentials = [
      demo.staff.regulator,
      demo.staff.soc,
      demo.staff.auditor,
      ...demo.systems.slice(0, 2).map((system) => system.apiKey),
    ];
    await qalqan.app.listen({ host: '127.0.0.1', port: 0 });
    port = (qalqan.app.server.address() as { port: number }).port;
  }, 300_000);

  afterAll(async () => {
    await qalqan?.close();
    await world?.remove();
  });

  it('0 answers 5xx, 0 non-problem errors, 0 echoed 12-digit runs', async () => {
    // Fewer requests on PostgreSQL, where each write is a network round trip: the pass there is
    // for what only PostgreSQL refuses, which the bounds the generator tries reach quickly.
    const perOperation = Number(process.env.QALQAN_FUZZ_PER_OPERATION ?? (postgres() ? 25 : 40));
    const report = await fuzzApi(qalqan.app, {
      perOperation,
      seed: Number(process.env.QALQAN_FUZZ_SEED ?? 20261204),
      credentials,
      port,
    });
    expect(report.operations).toBeGreaterThan(20);
    expect(report.raw).toBeGreaterThan(10);
    // The generated requests reach past validation and authorisation, not only the front door.
    expect(Object.keys(report.byStatus).some((status) => Number(status) < 300)).toBe(true);
    expect(report.byStatus['400'] ?? 0).toBeGreaterThan(0);
    expect(report.byStatus['401'] ?? 0).toBeGreaterThan(0);
    const distinct = [
      ...new Set(
        report.findings.map(
          (f) => `${f.problem}: ${f.method} ${f.url.split('?')[0]} -> ${f.excerpt.slice(0, 160)}`,
        ),
      ),
    ];
    expect(distinct).toEqual([]);
  }, 300_000);
});
