/**
 * The HTTP shell's per-request cost (`npx tsx bench/http/shell.bench.ts`): public `GET /healthz` through
 * `buildApp` (request ids, access control, problem handlers, helmet, metrics, IIN-scrubbed logs at
 * `info` as served) beside a bare Fastify hello-world, same process, same load generator
 * (autocannon on loopback), same connections, alternated so neither gets a warmer machine.
 *
 *   npx tsx bench/http/shell.bench.ts                  # c=50, 5 s per run, 2 rounds
 *   npx tsx bench/http/shell.bench.ts --duration 10 --connections 100 --rounds 3
 */
import Fastify, { type FastifyInstance } from 'fastify';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions } from '../../src/http/logging.js';

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

async function load(url: string): Promise<Result> {
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const hello = Fastify({ logger: false });
hello.get('/', async () => ({ status: 'ok' }));

const shellLogged = await buildApp({
  config: { logLevel: 'info', bodyLimit: 1024 * 1024, trustProxy: false, metricsToken: undefined },
  checkReady: async () => undefined,
  // As served: info level, every line scrubbed, written to a file descriptor.
  loggerInstance: pino(loggerOptions('info'), pino.destination({ dest: '/dev/null', sync: false })),
});
const shellQuiet = await buildApp({
  config: { logLevel: 'warn', bodyLimit: 1024 * 1024, trustProxy: false, metricsToken: undefined },
  checkReady: async () => undefined,
  loggerInstance: pino(loggerOptions('warn'), pino.destination({ dest: '/dev/null', sync: false })),
});

const targets = {
  hello: `${await listen(hello)}/`,
  'shell /healthz (log info)': `${await listen(shellLogged)}/healthz`,
  'shell /healthz (log warn)': `${await listen(shellQuiet)}/healthz`,
};
/**
 * CPU microseconds per request through `inject` (no sockets): this process's CPU time only, so it
 * holds on a machine other work is loading, where throughput figures do not. The injection's own
 * cost is in every figure, hello's included.
 */
async function cpuPerRequest(app: FastifyInstance, url: string, n = 20_000): Promise<number> {
  for (let i = 0; i < 2000; i++) await app.inject(url);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await app.inject(url);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const apps = {
  hello,
  'shell /healthz (log info)': shellLogged,
  'shell /healthz (log warn)': shellQuiet,
};
const cpu: Record<string, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, app] of Object.entries(apps)) {
    const us = await cpuPerRequest(app, name === 'hello' ? '/' : '/healthz');
    cpu[name] = Math.min(cpu[name] ?? Infinity, us);
  }
}

const best: Record<string, Result> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, url] of Object.entries(targets)) {
    const result = await load(url);
    const previous = best[name];
    if (!previous || result.rps > previous.rps) best[name] = result;
  }
}
await Promise.all([hello.close(), shellLogged.close(), shellQuiet.close()]);

const base = best.hello?.rps ?? 1;
console.log(
  `autocannon c=${connections}, ${duration} s per run, best of ${rounds}; Node ${process.version}`,
);
console.log('| target | req/s | ÷ hello | p99 ms | CPU µs/request (inject) | ÷ hello |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, result] of Object.entries(best)) {
  const us = cpu[name] ?? 0;
  console.log(
    `| ${name} | ${Math.round(result.rps)} | ${(result.rps / base).toFixed(2)} | ${result.p99} | ${us.toFixed(1)} | ${(us / (cpu.hello ?? 1)).toFixed(2)} |`,
  );
}
