/**
 * Access checks under load (`npm run bench:access`): the composed server (demo world, SQLite,
 * durable ledger append before every answer) beside a bare Fastify hello-world and a Fastify POST
 * echo with the same body schema, in the same run, same load generator (autocannon, in a child
 * process so the servers have this process's event loop to themselves) and connections. Then the
 * echo and the check at half the check's own maximum rate (p99 ratio) — once with autocannon's
 * rate limit (a budget per second, spent in a burst at the start of each second) and once sent
 * evenly by the child's open-loop generator (`LoadJob.paced`, latency from when each request was
 * due, as wrk2 measures) — and 1,000-check batches
 * (decisions per second). Before the load, the typed client (`@qalqan/client`) asks one check and
 * one batch over HTTP: the load is made of permits. Before each run the bench waits until the
 * servers' process is idle again (`settle`), so one run's background work (events a check
 * published after its answer) is not measured in the next.
 *
 *   npm run bench:access                          # c=50, 5 s per run, 2 rounds
 *   npm run bench:access -- --duration 10 --connections 50 --rounds 3
 *   npm run bench:access -- --before /tmp/before  # also another checkout's server, same run
 *   npm run bench:access -- --only check          # that load alone (check or batch), to profile
 *   npm run bench:access -- --database-url postgres://postgres@127.0.0.1:5432/postgres
 *       # on PostgreSQL: each Qalqan on a database of its own, created and dropped by the run
 *   npm run bench:access -- --before /tmp/before --paced-rate 575 --rounds 5
 *       # only checks sent evenly at that rate, each tree in turn (the order alternating by
 *       # round, so neither is always measured first, on a colder process): p99, how busy the
 *       # servers' thread is and the CPU per check
 *
 * `--before DIR` starts a second Qalqan from another source tree (e.g. `git archive` of an older
 * commit, with `node_modules` linked) and loads it in the same rounds, for before/after ratios
 * measured side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createQalqanClient, ok, type paths } from '@qalqan/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { CheckRequest } from '../../src/access/access.schema.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';
import { forkLoadGenerator, kycCheck, type MeasuredLoad, measuredLoad } from './bench-check.js';
import { databaseUrlOption, freshDatabase } from './pg-database.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const duration = option('duration', 5);
const connections = option('connections', 50);
const rounds = option('rounds', 2);
/** `--only check` or `--only batch`: that load alone (for a CPU profile of one path). */
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
if (only !== undefined && only !== 'check' && only !== 'batch')
  throw new Error(`--only takes 'check' or 'batch', not ${only}`);
/** `--paced-rate N`: only checks sent evenly at N per second, each tree in turn, `rounds` times. */
const pacedRate = option('paced-rate', 0);
if (!Number.isInteger(pacedRate) || pacedRate < 0)
  throw new Error(`--paced-rate takes a whole number of checks per second`);
const beforeAt = args.indexOf('--before');
const beforeDir = beforeAt >= 0 ? path.resolve(args[beforeAt + 1]!) : undefined;
/**
 * `--database-url URL`: each Qalqan on a PostgreSQL database of its own, created on that server
 * for the run and dropped with it (the URL names the server and a database to connect to first).
 */
const serverUrl = databaseUrlOption(args);
/** The engine the Qalqans run on, for the figures' heading. */
const engine = serverUrl ? 'PostgreSQL' : 'SQLite';

type Result = MeasuredLoad;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

let next = 0;
type CheckBody = paths['/v1/access-checks']['post']['requestBody']['content']['application/json'];
/** The benchmark's check, typed by the server's OpenAPI document through the client. */
const checkRequest = (): CheckBody => kycCheck(next++);
const checkBody = () => JSON.stringify(checkRequest());

const generator = forkLoadGenerator();
const generate = generator.generate;

/** Bodies in rotation: every subject and actor pairing of the benchmark's checks. */
const checkBodies = Array.from({ length: 1000 }, checkBody);

const load = (
  url: string,
  options: {
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    rate?: number;
    paced?: boolean;
  } = {},
): Promise<Result> => {
  const post = options.method === 'POST';
  return measuredLoad(generator, {
    url,
    connections,
    duration,
    method: options.method ?? 'GET',
    headers: { ...(post ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(post ? { bodies: checkBodies } : {}),
    ...(options.rate ? { rate: options.rate } : {}),
    ...(options.paced ? { paced: true } : {}),
  });
};

const hello = Fastify({ logger: false });
hello.get('/', async () => ({ status: 'ok' }));
const echo = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
echo.post('/', { schema: { body: CheckRequest } }, async (request) => request.body);

interface Server {
  readonly name: string;
  readonly base: string;
  readonly auth: Record<string, string>;
  close(): Promise<void>;
}

type Modules = {
  createQalqan: typeof createQalqan;
  loadConfig: typeof loadConfig;
  loadDemoWorld: typeof loadDemoWorld;
};

/** A Qalqan with the demo world, built by these modules (this tree's, or `--before`'s). */
async function startQalqan(name: string, modules: Modules): Promise<Server> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-access-'));
  const database = serverUrl ? await freshDatabase(serverUrl) : undefined;
  const qalqan = await modules.createQalqan(
    modules.loadConfig({
      QALQAN_DATA_DIR: dataDir,
      QALQAN_LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database.url } : {}),
    }),
    { logger: false },
  );
  const demo = await modules.loadDemoWorld(qalqan);
  const bank = demo.systems.find((s) => s.system === 'Core banking');
  if (!bank) throw new Error('the demo world has no Core banking system');
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
  return {
    name,
    base,
    auth: { authorization: `Bearer ${bank.apiKey}` },
    // The data dir goes with the server: a benchmark run leaves nothing in the temporary folder.
    close: async () => {
      await qalqan.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

const servers: Server[] = [
  await startQalqan('POST /v1/access-checks', { createQalqan, loadConfig, loadDemoWorld }),
];
if (beforeDir) {
  const from = (file: string) => import(path.join(beforeDir, file));
  servers.push(
    await startQalqan('POST /v1/access-checks (before)', {
      createQalqan: ((await from('src/server.ts')) as Modules).createQalqan,
      loadConfig: ((await from('src/config/config.ts')) as Modules).loadConfig,
      loadDemoWorld: ((await from('src/demo/demo.ts')) as Modules).loadDemoWorld,
    }),
  );
}

/**
 * Waits until the servers' process is idle again: a check's answer does not wait for its event,
 * so the citizen inbox and the monitoring feed may still be catching up after a load, on the same
 * event loop, and would slow whatever is measured next. Idle: five health probes in a row each
 * answered within 5 ms (at most 30 s).
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    let slowest = 0;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await fetch(`${servers[0]!.base}/healthz`).then((res) => res.arrayBuffer());
      slowest = Math.max(slowest, performance.now() - start);
    }
    if (slowest < 5) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The server's `qalqan_ledger_commit_seconds` buckets: cumulative counts by upper bound (s). */
async function commitBuckets(server: Server): Promise<Map<number, number>> {
  const body = await (await fetch(`${server.base}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const [, le, count] of body.matchAll(
    /^qalqan_ledger_commit_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm,
  ))
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(count));
  return buckets;
}

/**
 * The bucket bound under which quantile `q` of the commits between two readings fell, in ms
 * (`≤ 5` means the commit took at most 5 ms): how long a check waited for its durable commit.
 */
function commitQuantile(before: Map<number, number>, after: Map<number, number>, q: number) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total === 0) return '–';
  for (const bound of bounds)
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= q * total)
      return bound === Infinity ? '> 1000' : `≤ ${bound * 1000}`;
  return '–';
}

/** How a load of checks sent evenly went, with the servers' thread and CPU over it. */
async function pacedRun(server: Server, rate: number) {
  // The servers' own thread while the checks are sent evenly: how busy it is (event-loop
  // utilisation) and the process's CPU per check (all its threads: the WAL checkpoint worker and
  // the fsyncs on libuv's pool too); the load generator is another process.
  const commitsBefore = await commitBuckets(server);
  const eluBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const result = await checkLoad(server, rate, true);
  const cpu = process.cpuUsage(cpuBefore);
  const commitsAfter = await commitBuckets(server);
  return {
    ...result,
    // The ledger's durable commits (transaction and fsync) a check waits for: the disk's share.
    commitP50: commitQuantile(commitsBefore, commitsAfter, 0.5),
    commitP99: commitQuantile(commitsBefore, commitsAfter, 0.99),
    busy: performance.eventLoopUtilization(eluBefore).utilization,
    cpuPerCheck: (cpu.user + cpu.system) / Math.max(1, rate * duration),
  };
}

const helloUrl = await listen(hello);
const echoUrl = await listen(echo);
const checkLoad = (server: Server, rate?: number, paced = false) =>
  load(`${server.base}/v1/access-checks`, {
    method: 'POST',
    headers: server.auth,
    ...(rate ? { rate } : {}),
    paced,
  });
if (pacedRate > 0) {
  console.log(
    `checks sent evenly at ${pacedRate}/s, ${duration} s per run, ${rounds} rounds; Node ${process.version}; ${engine}`,
  );
  console.log(
    `| round | server | p99 ms | servers' thread busy | CPU µs per check | ledger commit p50 / p99 ms |`,
  );
  console.log(`| ---: | --- | ---: | ---: | ---: | ---: |`);
  for (let round = 0; round < rounds; round++)
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      await settle();
      const run = await pacedRun(server, pacedRate);
      console.log(
        `| ${round + 1} | ${server.name} | ${run.p99} | ${Math.round(run.busy * 100)}% | ${Math.round(run.cpuPerCheck)} | ${run.commitP50} / ${run.commitP99} |`,
      );
    }
  generator.stop();
  await Promise.all([hello.close(), echo.close(), ...servers.map((server) => server.close())]);
  process.exit(0);
}

const targets: Record<string, () => Promise<Result>> = {
  ...(only === undefined
    ? {
        hello: () => load(`${helloUrl}/`),
        'POST echo (same schema)': () => load(`${echoUrl}/`, { method: 'POST' }),
      }
    : {}),
  ...(only !== 'batch'
    ? Object.fromEntries(servers.map((server) => [server.name, () => checkLoad(server)]))
    : {}),
};
const best: Record<string, Result> = {};
for (let round = 0; round < rounds; round++)
  for (const [name, run] of Object.entries(targets)) {
    await settle();
    const result = await run();
    const previous = best[name];
    if (!previous || result.rps > previous.rps) best[name] = result;
  }

// Batches: 1,000 checks per request, two clients, decisions per second.
const batchBodies = Array.from({ length: 2 }, () =>
  JSON.stringify({ checks: Array.from({ length: 1000 }, checkRequest) }),
);
const lines: string[] = [];
for (const server of servers) {
  if (only === 'check') break;
  const check = best[server.name] ?? { rps: 1, p99: 0, cpuPerRequest: 0, busy: 0 };
  const half = Math.max(1, Math.round(check.rps / 2));
  await settle();
  const echoAtHalf =
    only === undefined ? await load(`${echoUrl}/`, { method: 'POST', rate: half }) : check;
  await settle();
  const checkAtHalf = only === undefined ? await checkLoad(server, half) : check;
  await settle();
  // The same rate sent evenly (one request every 1/rate s, timed from when it was due).
  const echoPaced =
    only === undefined
      ? await load(`${echoUrl}/`, { method: 'POST', rate: half, paced: true })
      : check;
  await settle();
  const checkPaced =
    only === undefined
      ? await pacedRun(server, half)
      : { ...check, cpuPerCheck: 0, commitP50: '–', commitP99: '–' };
  await settle();
  const batch = await generate({
    url: `${server.base}/v1/access-checks/batch`,
    connections: 2,
    duration: Math.max(duration, 10),
    timeout: 60,
    method: 'POST',
    headers: { ...server.auth, 'content-type': 'application/json' },
    bodies: batchBodies,
  });
  if (batch.non2xx > 0 || batch.errors > 0)
    throw new Error(
      `batch: ${batch.non2xx} non-2xx, ${batch.errors} errors, ${batch.timeouts} timeouts`,
    );
  const batchDecisions = (batch.ok * 1000) / Math.max(duration, 10);
  lines.push(
    `${server.name}: at ${half} req/s (half its maximum) p99 check ${checkAtHalf.p99} ms, echo ${echoAtHalf.p99} ms, ratio ${(checkAtHalf.p99 / Math.max(1, echoAtHalf.p99)).toFixed(2)} (autocannon, bursts each second); ` +
      `sent evenly: p99 check ${checkPaced.p99} ms, echo ${echoPaced.p99} ms, ratio ${(checkPaced.p99 / Math.max(1, echoPaced.p99)).toFixed(2)}, ` +
      `the servers' thread ${Math.round(checkPaced.busy * 100)}% busy, ${Math.round(checkPaced.cpuPerCheck)} µs CPU per check ` +
      `(${Math.round(check.cpuPerRequest)} at full load; the echo ${Math.round(echoPaced.cpuPerRequest)} µs per request here, ${Math.round(best['POST echo (same schema)']?.cpuPerRequest ?? 0)} at full load), ` +
      `ledger commits (fsync included) p50 ${checkPaced.commitP50} ms, p99 ${checkPaced.commitP99} ms; ` +
      `1,000-check batches ${Math.round(batchDecisions)} decisions/s = ${(batchDecisions / check.rps).toFixed(2)}x single checks`,
  );
}

generator.stop();
await Promise.all([hello.close(), echo.close(), ...servers.map((server) => server.close())]);

const helloRps = best.hello?.rps ?? 1;
const echoRps = best['POST echo (same schema)']?.rps ?? 1;
console.log(
  `autocannon c=${connections} (child process), ${duration} s per run, best of ${rounds}; Node ${process.version}; ${engine}`,
);
console.log(
  "| target | req/s | ÷ hello | ÷ echo | p99 ms | CPU µs per request | servers' thread busy |",
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, result] of Object.entries(best))
  console.log(
    `| ${name} | ${Math.round(result.rps)} | ${(result.rps / helloRps).toFixed(2)} | ${(result.rps / echoRps).toFixed(2)} | ${result.p99} | ${Math.round(result.cpuPerRequest)} | ${Math.round(result.busy * 100)}% |`,
  );
console.log('');
for (const line of lines) console.log(line);
