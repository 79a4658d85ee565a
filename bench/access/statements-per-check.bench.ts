/**
 * What a check asks of PostgreSQL (`npx tsx bench/access/statements-per-check.bench.ts --database-url
 * postgres://…/postgres`): the composed server on a PostgreSQL database of its own (created for
 * the run, dropped after) with the demo world, the access bench's check sent through `app.inject`
 * `--checks` times, `--concurrency` at a time, then a pause for the consumers; every statement the
 * `pg` driver sent in that span counted by its SQL text (parameters aside): statements and round
 * trips per check, by statement. On PostgreSQL each statement is a round trip and work for the
 * server's own process, which on a small machine shares the cores with Qalqan.
 *
 *   npx tsx bench/access/statements-per-check.bench.ts --database-url postgres://postgres@127.0.0.1:5432/postgres
 *   … --checks 2000 --concurrency 1        # each check alone: its own commit and consumer rounds
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return value;
};
const checks = option('--checks', 2000);
const concurrency = option('--concurrency', 50);
const serverAt = args.indexOf('--database-url');
const serverUrl = serverAt >= 0 ? args[serverAt + 1] : undefined;
if (!serverUrl?.startsWith('postgres')) throw new Error('--database-url takes a postgres:// URL');

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const name = `qalqan_bench_${randomBytes(6).toString('hex')}`;
await onServer(`create database ${name}`);
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${name}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-statements-'));

/** Statements by SQL text, counted only while `counting`. */
const counts = new Map<string, number>();
let counting = false;
// eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its client below
const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  if (counting) {
    const first = a[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '?'))
      .replace(/\$\d+(, \$\d+)*/g, '$…')
      .replace(/(\(\$…\)(, )?)+/g, '($…)…')
      .slice(0, 110);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return query.apply(this, a);
} as typeof pg.Client.prototype.query;

const qalqan = await createQalqan(
  loadConfig({
    QALQAN_DATA_DIR: dataDir,
    QALQAN_LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl.toString(),
  }),
  { logger: false },
);
try {
  const demo = await loadDemoWorld(qalqan);
  const bank = demo.systems.find((s) => s.system === 'Core banking');
  if (!bank) throw new Error('the demo world has no Core banking system');
  const subjects = Array.from({ length: 500 }, (_, i) => iinBornOn('1980-01-01', 100 + i * 7));
  let next = 0;
  const check = async () => {
    const n = next++;
    const answer = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${bank.apiKey}` },
      payload: {
        subject: subjects[n % subjects.length],
        categories: ['identity', 'document'],
        purpose: 'finance.kyc',
        legalBasis: 'law',
        basisReference: 'AML/CFT Law 191-IV, Art. 5',
        actor: { id: `officer-${n % 40}` },
        action: 'read',
      },
    });
    if (answer.statusCode !== 200) throw new Error(`check answered ${answer.statusCode}`);
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const run = async (total: number) => {
    let left = total;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await check();
      }),
    );
  };
  // Every subject registered once first, then the consumers caught up.
  await run(500);
  await pause(2000);
  counting = true;
  const started = performance.now();
  await run(checks);
  const answeredMs = performance.now() - started;
  await pause(3000);
  counting = false;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${checks} checks, ${concurrency} at a time, answered in ${answeredMs.toFixed(0)} ms ` +
      `(${((checks / answeredMs) * 1000).toFixed(0)}/s); ${(total / checks).toFixed(2)} statements per check, the consumers' included`,
  );
  console.log('| per check | statement |');
  console.log('| ---: | --- |');
  for (const [text, n] of [...counts].sort((a, b) => b[1] - a[1]))
    if (n / checks >= 0.005)
      console.log(`| ${(n / checks).toFixed(3)} | \`${text.replace(/\s+/g, ' ')}\` |`);
} finally {
  await qalqan.close();
  rmSync(dataDir, { recursive: true, force: true });
  await onServer(`drop database if exists ${name} with (force)`);
}
