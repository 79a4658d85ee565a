/**
 * CPU per access check on the access module's own path (`npx tsx bench/access/check-cpu.bench.ts`): the access
 * module with the real outbox and the real ledger on SQLite (durable append before every answer),
 * behind the test harness's HTTP shell (`app.inject`, a fake authenticator, fake registry and
 * consent ports), so the figure leaves out the server's shell, the registry and the event
 * consumers and shows what the check's own decision, storage and ledger cost. Each subject is
 * checked once before timing (a subject's registration is a one-off). Process CPU time (user +
 * system, all threads) per check, for single checks at a concurrency and for 1,000-check batches.
 *
 *   npx tsx bench/access/check-cpu.bench.ts
 *   npx tsx bench/access/check-cpu.bench.ts --checks 20000 --concurrency 50 --rounds 3
 *   npx tsx bench/access/check-cpu.bench.ts --before /tmp/before   # another tree's module too, alternating
 *
 * CPU time is far less sensitive than throughput to other jobs on a shared machine, but not
 * immune (caches, frequency): compare trees within one run, as `--before` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as Support from '../../src/access/test-support/access-app.js';
import type * as Migrate from '../../src/storage/migrate.js';
import type * as StorageModule from '../../src/storage/storage.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const checks = option('checks', 10_000);
const concurrency = option('concurrency', 50);
const rounds = option('rounds', 2);
const batches = option('batches', 10);
const beforeAt = args.indexOf('--before');
const beforeDir = beforeAt >= 0 ? path.resolve(args[beforeAt + 1]!) : undefined;
const here = path.resolve(new URL('../..', import.meta.url).pathname);

interface Tree {
  readonly name: string;
  readonly root: string;
}
const trees: Tree[] = [
  { name: 'this tree', root: here },
  ...(beforeDir ? [{ name: `before (${beforeDir})`, root: beforeDir }] : []),
];

/** One harness from a tree's own modules: storage, migrations and the access test harness. */
async function start(tree: Tree) {
  // Typed by this tree's modules: the older tree's have the same shape where used here.
  const from = <T>(file: string) => import(path.join(tree.root, file)) as Promise<T>;
  const { openStorage } = await from<typeof StorageModule>('src/storage/storage.ts');
  const { migrateToLatest } = await from<typeof Migrate>('src/storage/migrate.ts');
  const support = await from<typeof Support>('src/access/test-support/access-app.ts');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-access-cpu-'));
  const storage = await openStorage({ dataDir });
  await migrateToLatest(storage.db);
  // Regimes and the adequacy list cached for a second, as the server does.
  const h = await support.accessHarness(storage, { cacheMs: 1000 });
  const system = 'sys_clinic';
  h.profiles.set(system, support.profile(system));
  const subjects: string[] = Array.from({ length: 500 }, (_, i) =>
    support.iinBornOn('1980-01-01', 100 + i * 7),
  );
  for (const [i, subject] of subjects.entries())
    h.grants.push({
      consentId: `cns_${i}`,
      subject: h.pseudonymOf(subject),
      system,
      purpose: 'health.treatment',
      categories: ['identity', 'health'],
    });
  let next = 0;
  const body = () => ({
    subject: subjects[next++ % subjects.length]!,
    categories: ['identity', 'health'],
    purpose: 'health.treatment',
    legalBasis: 'consent',
    actor: { id: `doctor-${next % 40}` },
    action: 'read',
  });
  const headers = support.asSystem(system) as Record<string, string>;
  const post = async (url: string, payload: unknown) => {
    const res = await h.app.inject({
      method: 'POST',
      url,
      headers,
      payload: payload as Record<string, unknown>,
    });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  // Every subject registered and every statement prepared before timing.
  await post('/v1/access-checks/batch', { checks: subjects.map(() => body()) });
  for (let i = 0; i < 200; i++) await post('/v1/access-checks', body());
  return {
    async singles(count: number) {
      let left = count;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) await post('/v1/access-checks', body());
        }),
      );
    },
    async batches(count: number) {
      for (let i = 0; i < count; i++)
        await post('/v1/access-checks/batch', {
          checks: Array.from({ length: 1000 }, body),
        });
    },
    async close() {
      await h.close();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(run: () => Promise<void>, decisions: number) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / decisions, perSecond: decisions / wall };
}

const harnesses = await Promise.all(trees.map(start));
const best = trees.map(() => ({ single: Infinity, batch: Infinity, singleRate: 0, batchRate: 0 }));
for (let round = 0; round < rounds; round++)
  for (const [i, h] of harnesses.entries()) {
    const single = await measure(() => h.singles(checks), checks);
    const batch = await measure(() => h.batches(batches), batches * 1000);
    const b = best[i]!;
    b.single = Math.min(b.single, single.cpuUs);
    b.batch = Math.min(b.batch, batch.cpuUs);
    b.singleRate = Math.max(b.singleRate, single.perSecond);
    b.batchRate = Math.max(b.batchRate, batch.perSecond);
  }
await Promise.all(harnesses.map((h) => h.close()));

console.log(
  `access path, SQLite, ${checks} single checks at concurrency ${concurrency}, ${batches} batches of 1,000; best of ${rounds}; Node ${process.version}`,
);
console.log(
  '| tree | CPU µs per single check | checks/s | CPU µs per batched check | decisions/s in batches |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [i, tree] of trees.entries()) {
  const b = best[i]!;
  console.log(
    `| ${tree.name} | ${b.single.toFixed(0)} | ${b.singleRate.toFixed(0)} | ${b.batch.toFixed(0)} | ${b.batchRate.toFixed(0)} |`,
  );
}
