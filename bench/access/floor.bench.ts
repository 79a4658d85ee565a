/**
 * What any access-check design can reach on this machine (`npx tsx bench/access/floor.bench.ts`):
 * the single-check targets are ratios to a bare Fastify hello-world (≥ 0.35) and to a
 * Fastify POST echo with the check's schema (≥ 0.6), for a check whose answer waits for its
 * durable ledger append. This measures, in the same run and with the same load generator as
 * `access.bench.ts`, servers that do only the part no design can skip — validate the check's body
 * and make one row of it durable before answering — with nothing else a check does (no
 * authentication, consent read, decision, hashing, ledger tree, events or consumers):
 *
 * - `durable echo, one thread`: the echo, and the body appended to SQLite in group commits (what
 *   queued while the last commit ran goes in the next; the WAL fdatasync-ed on libuv's thread pool,
 *   as the ledger's SQLite writer does), answered once durable;
 * - `durable echo, writer thread`: the same writer on a worker thread of its own; the answering
 *   thread hands it the bodies of each turn of its event loop in one message.
 *
 * - `least check`: the one-thread durable echo, plus the least any check does before it can decide:
 *   the caller's API key verified (a keyed hash of its secret, compared in constant time, as
 *   `src/registry/secret-keys.ts` does), the subject's IIN turned into its pseudonym (HMAC-SHA256)
 *   and that subject's consents read (one prepared statement on an indexed table of 1,000
 *   consents). No decision, ledger tree, signature, events or consumers.
 *
 * Whatever such a server reaches is a ceiling for the real check on one thread, and the writer
 * thread's figure shows what moving the writes off the answering thread could buy at most.
 *
 *   npx tsx bench/access/floor.bench.ts                 # c=50, 5 s per load, 3 rounds
 *   npx tsx bench/access/floor.bench.ts --duration 8 --rounds 4
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { CheckRequest } from '../../src/access/access.schema.js';
import { createGroupCommit } from './floor-writer.js';
import {
  benchSubjects,
  forkLoadGenerator,
  kycCheck,
  type MeasuredLoad,
  measuredLoad,
} from './bench-check.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
};
const duration = option('duration', 5);
const connections = option('connections', 50);
const rounds = option('rounds', 3);

/** The same bodies as `access.bench.ts` sends. */
const bodies = Array.from({ length: 1000 }, (_, n) => JSON.stringify(kycCheck(n)));

const generator = forkLoadGenerator();

const load = (url: string, post: boolean, auth = false) =>
  measuredLoad(generator, {
    url,
    connections,
    duration,
    method: post ? 'POST' : 'GET',
    headers: {
      ...(post ? { 'content-type': 'application/json' } : {}),
      ...(auth ? { authorization: `Bearer ${apiSecret}` } : {}),
    },
    ...(post ? { bodies } : {}),
  });

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-floor-'));

const hello = Fastify({ logger: false });
hello.get('/', async () => ({ status: 'ok' }));

const echo = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
echo.post('/', { schema: { body: CheckRequest } }, async (request) => request.body);

const oneThread = createGroupCommit(path.join(dataDir, 'one-thread.db'));
const durable = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
durable.post('/', { schema: { body: CheckRequest } }, async (request) => {
  await oneThread.append(JSON.stringify(request.body));
  return request.body;
});

// The writer thread: each turn of the event loop's bodies go in one message.
// An eval worker registers tsx's loader, then loads the TypeScript writer (a worker started on a
// .ts file directly would not get the loader on Node 20).
const writerUrl = new URL('./floor-writer.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(writerUrl)}); });`,
  { eval: true, workerData: { file: path.join(dataDir, 'writer-thread.db') } },
);
const pending = new Map<number, () => void>();
let nextId = 0;
let outgoing: { ids: number[]; bodies: string[] } | undefined;
worker.on('message', (ids: number[]) => {
  for (const id of ids) {
    pending.get(id)?.();
    pending.delete(id);
  }
});
const appendOnWorker = (body: string) =>
  new Promise<void>((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    if (!outgoing) {
      outgoing = { ids: [], bodies: [] };
      setImmediate(() => {
        const message = outgoing!;
        outgoing = undefined;
        worker.postMessage(message);
      });
    }
    outgoing.ids.push(id);
    outgoing.bodies.push(body);
  });
const threaded = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
threaded.post('/', { schema: { body: CheckRequest } }, async (request) => {
  await appendOnWorker(JSON.stringify(request.body));
  return request.body;
});

// The least check: a key, a pseudonym, a consent read, then the durable append.
const keySecret = randomBytes(32);
const pseudonymKey = randomBytes(32);
const apiSecret = randomBytes(32).toString('base64url');
const hashOf = (secret: string) =>
  createHmac('sha256', keySecret).update('qalqan/api-secret/v1\n').update(secret).digest();
const storedKeyHash = hashOf(apiSecret);
const pseudonymOf = (iin: string) => createHmac('sha256', pseudonymKey).update(iin).digest('hex');
const consentsDb = new Database(path.join(dataDir, 'consents.db'));
consentsDb.pragma('journal_mode = WAL');
consentsDb.exec(
  'create table consents (id integer primary key, subject text not null, purpose text not null, categories text not null, status text not null)',
);
consentsDb.exec('create index consents_subject on consents (subject, purpose)');
const insertConsent = consentsDb.prepare(
  'insert into consents (subject, purpose, categories, status) values (?, ?, ?, ?)',
);
consentsDb.transaction(() => {
  for (let i = 0; i < 1000; i++)
    insertConsent.run(
      pseudonymOf(benchSubjects[i % benchSubjects.length]!),
      i % 2 ? 'finance.kyc' : 'health.treatment',
      '["identity","document"]',
      'active',
    );
})();
const consentsOf = consentsDb.prepare('select * from consents where subject = ? and purpose = ?');
const leastWriter = createGroupCommit(path.join(dataDir, 'least-check.db'));
const least = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
least.post('/', { schema: { body: CheckRequest } }, async (request, reply) => {
  const presented = (request.headers.authorization ?? '').slice('Bearer '.length);
  if (!timingSafeEqual(hashOf(presented), storedKeyHash)) return reply.code(401).send();
  const subject = pseudonymOf(request.body.subject);
  const consents = consentsOf.all(subject, request.body.purpose);
  await leastWriter.append(
    JSON.stringify({ subject, consents: consents.length, body: request.body }),
  );
  return request.body;
});

const urls = {
  hello: await listen(hello),
  'POST echo (same schema)': await listen(echo),
  'durable echo, one thread': await listen(durable),
  'durable echo, writer thread': await listen(threaded),
  'least check': await listen(least),
};

const best: Partial<Record<keyof typeof urls, MeasuredLoad>> = {};
for (let round = 1; round <= rounds; round++) {
  const line: string[] = [];
  for (const [name, url] of Object.entries(urls) as [keyof typeof urls, string][]) {
    const result = await load(url, name !== 'hello', name === 'least check');
    line.push(`${name} ${Math.round(result.rps)}`);
    if ((best[name]?.rps ?? 0) < result.rps) best[name] = result;
  }
  console.log(`round ${round}: ${line.join(', ')} req/s`);
}

await Promise.all([hello.close(), echo.close(), durable.close(), threaded.close(), least.close()]);
oneThread.close();
leastWriter.close();
consentsDb.close();
worker.postMessage('close');
await new Promise((resolve) => worker.once('exit', resolve));
generator.stop();
rmSync(dataDir, { recursive: true, force: true });

const helloRps = best.hello?.rps ?? 1;
const echoRps = best['POST echo (same schema)']?.rps ?? 1;
console.log(
  `\nBest of ${rounds} rounds, c=${connections}, ${duration} s each, ${new Date().toISOString()}:\n`,
);
console.log(
  '| server | req/s | ÷ hello | ÷ echo | p99 ms | CPU µs per request | answering thread busy |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, result] of Object.entries(best))
  console.log(
    `| ${name} | ${Math.round(result.rps)} | ${(result.rps / helloRps).toFixed(2)} | ${(result.rps / echoRps).toFixed(2)} | ${result.p99} | ${Math.round(result.cpuPerRequest)} | ${Math.round(result.busy * 100)}% |`,
  );
