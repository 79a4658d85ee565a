/**
 * Access checks under load (`npm run bench:access`): the composed server (demo world, SQLite,
 * durable ledger append before every answer) beside a bare Fastify hello-world and a Fastify POST
 * echo with the same body schema, in the same process and run, same load generator (autocannon on
 * loopback) and connections. Then the echo and the check at half the check's own maximum rate
 * (p99 ratio), and 1,000-check batches (decisions per second). Before the load, the typed client
 * (`@qalqan/client`) asks one check and one batch over HTTP: the load is made of permits.
 *
 *   npm run bench:access                          # c=50, 5 s per run, 2 rounds
 *   npm run bench:access -- --duration 10 --connections 50 --rounds 3
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createQalqanClient, ok, type paths } from '@qalqan/client';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { CheckRequest } from '../../src/access/access.schema.js';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const duration = option('duration', 5);
const connections = option('connections', 50);
const rounds = option('rounds', 2);

interface Result {
  readonly rps: number;
  readonly p99: number;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

const subjects = Array.from({ length: 500 }, (_, i) => iinBornOn('1980-01-01', 100 + i * 7));
let next = 0;
type CheckBody = paths['/v1/access-checks']['post']['requestBody']['content']['application/json'];
/** The benchmark's check, typed by the server's OpenAPI document through the client. */
const checkRequest = (): CheckBody => ({
  subject: subjects[next++ % subjects.length]!,
  categories: ['identity', 'document'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML/CFT Law 191-IV, Art. 5',
  actor: { id: `officer-${next % 40}` },
  action: 'read',
});
const checkBody = () => JSON.stringify(checkRequest());

async function load(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; rate?: number } = {},
): Promise<Result> {
  const post = options.method === 'POST';
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    method: options.method ?? 'GET',
    headers: { ...(post ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(post ? { setupClient: (client) => client.setBody(checkBody()) } : {}),
    ...(post
      ? { requests: [{ setupRequest: (request) => ({ ...request, body: checkBody() }) }] }
      : {}),
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const hello = Fastify({ logger: false });
hello.get('/', async () => ({ status: 'ok' }));
const echo = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
echo.post('/', { schema: { body: CheckRequest } }, async (request) => request.body);

const qalqan = await createQalqan(
  loadConfig({
    QALQAN_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qalqan-bench-access-')),
    QALQAN_LOG_LEVEL: 'warn',
  }),
  { logger: false },
);
const demo = await loadDemoWorld(qalqan);
const bank = demo.systems.find((s) => s.system === 'Core banking');
if (!bank) throw new Error('the demo world has no Core banking system');
const auth = { authorization: `Bearer ${bank.apiKey}` };
const base = await listen(qalqan.app);

// The typed client over HTTP: the check the load repeats is a permit, one by one and in a batch.
const client = createQalqanClient({ baseUrl: base, apiKey: bank.apiKey });
const single = ok(await client.POST('/v1/access-checks', { body: checkRequest() }));
const batched = ok(
  await client.POST('/v1/access-checks/batch', {
    body: { checks: [checkRequest(), checkRequest()] },
  }),
);
for (const answer of [single, ...batched.results])
  if (answer.decision !== 'permit')
    throw new Error(
      `the benchmark's check is denied: ${answer.reasons.map((r) => r.code).join(', ')}`,
    );

const targets: Record<string, () => Promise<Result>> = {
  hello: async () => load(`${await helloUrl}/`),
  'POST echo (same schema)': async () => load(`${await echoUrl}/`, { method: 'POST' }),
  'POST /v1/access-checks': () =>
    load(`${base}/v1/access-checks`, { method: 'POST', headers: auth }),
};
const helloUrl = listen(hello);
const echoUrl = listen(echo);
const best: Record<string, Result> = {};
for (let round = 0; round < rounds; round++)
  for (const [name, run] of Object.entries(targets)) {
    const result = await run();
    const previous = best[name];
    if (!previous || result.rps > previous.rps) best[name] = result;
  }

const check = best['POST /v1/access-checks']!;
const half = Math.max(1, Math.round(check.rps / 2));
const echoAtHalf = await load(`${await echoUrl}/`, { method: 'POST', rate: half });
const checkAtHalf = await load(`${base}/v1/access-checks`, {
  method: 'POST',
  headers: auth,
  rate: half,
});

// Batches: 1,000 checks per request, a few clients, decisions per second.
const batchBody = () =>
  JSON.stringify({
    checks: Array.from({ length: 1000 }, checkRequest),
  });
const batch = await autocannon({
  url: `${base}/v1/access-checks/batch`,
  connections: 2,
  duration: Math.max(duration, 10),
  timeout: 60,
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  requests: [{ setupRequest: (request) => ({ ...request, body: batchBody() }) }],
});
if (batch.non2xx > 0 || batch.errors > 0)
  throw new Error(
    `batch: ${batch.non2xx} non-2xx, ${batch.errors} errors, ${batch.timeouts} timeouts`,
  );
const batchDecisions = (batch['2xx'] * 1000) / Math.max(duration, 10);

await Promise.all([hello.close(), echo.close(), qalqan.close()]);

const helloRps = best.hello?.rps ?? 1;
const echoRps = best['POST echo (same schema)']?.rps ?? 1;
console.log(
  `autocannon c=${connections}, ${duration} s per run, best of ${rounds}; Node ${process.version}; SQLite`,
);
console.log('| target | req/s | ÷ hello | ÷ echo | p99 ms |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, result] of Object.entries(best))
  console.log(
    `| ${name} | ${Math.round(result.rps)} | ${(result.rps / helloRps).toFixed(2)} | ${(result.rps / echoRps).toFixed(2)} | ${result.p99} |`,
  );
console.log(
  `\nAt ${half} req/s (half the check's maximum): p99 check ${checkAtHalf.p99} ms, echo ${echoAtHalf.p99} ms, ratio ${(checkAtHalf.p99 / Math.max(1, echoAtHalf.p99)).toFixed(2)}`,
);
console.log(
  `1,000-check batches: ${Math.round(batchDecisions)} decisions/s = ${(batchDecisions / check.rps).toFixed(2)}x single checks`,
);
