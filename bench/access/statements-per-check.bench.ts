/**
 * What a check asks of PostgreSQL (`npx tsx bench/access/statements-per-check.bench.ts
 * --database-url postgres://…/postgres`): the composed server on a PostgreSQL database of its own
 * (created for the run, dropped after) with the demo world, the access bench's check sent through
 * `app.inject` `--checks` times, `--concurrency` at a time, then a pause for the consumers; every
 * statement the `pg` driver sent in that span counted by its SQL text (parameters aside):
 * statements per check, by statement. On PostgreSQL each statement is a round trip and work for
 * the server's own process, which on a small machine shares the cores with Qalqan.
 *
 *   npx tsx bench/access/statements-per-check.bench.ts --database-url postgres://postgres@127.0.0.1:5432/postgres
 *   … --checks 2000 --concurrency 1        # each check alone: its own commit and consumer rounds
 */
import pg from 'pg';

import { startDemoChecks } from './demo-checks.js';
import { databaseUrlOption } from './pg-database.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return value;
};
const checks = option('--checks', 2000);
const concurrency = option('--concurrency', 50);
const serverUrl = databaseUrlOption(args);
if (!serverUrl) throw new Error('--database-url postgres://… is required');

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

const demo = await startDemoChecks('statements', serverUrl);
try {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const run = async (total: number) => {
    let left = total;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await demo.check();
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
  await demo.close();
}
