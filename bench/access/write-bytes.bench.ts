/**
 * Bytes written per access check (`npx tsx bench/access/write-bytes.bench.ts`, Linux): the composed
 * server on SQLite with the demo world, checks sent through `app.inject` (no sockets), first one at
 * a time — each its own ledger commit, as at a moderate rate — then 50 at a time, as at full load.
 * It reads this process's `/proc/self/io` before and after: `wchar` (bytes passed to write calls:
 * the WAL's frames, the checkpoint worker's copies into the database file) and `syscw` (write
 * calls), after the consumers (inbox, monitoring feed) have caught up, so their writes count too.
 *
 *   npx tsx bench/access/write-bytes.bench.ts             # 400 checks each way
 *   npx tsx bench/access/write-bytes.bench.ts --checks 2000
 */
import { readFileSync } from 'node:fs';

import { startDemoChecks } from './demo-checks.js';

const args = process.argv.slice(2);
const at = args.indexOf('--checks');
const checks = at >= 0 ? Number(args[at + 1]) : 400;
if (!Number.isInteger(checks) || checks < 50) throw new Error('--checks takes a whole number ≥ 50');
const CONCURRENCY = 50;

interface Io {
  readonly wchar: number;
  readonly syscw: number;
}
function io(): Io {
  const fields = Object.fromEntries(
    readFileSync('/proc/self/io', 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': '))
      .map(([name, value]) => [name, Number(value)]),
  );
  return { wchar: fields.wchar ?? 0, syscw: fields.syscw ?? 0 };
}

const demo = await startDemoChecks('write-bytes');
const check = demo.check;
/** Past the publish linger and the feed's rounds: the consumers' writes of the checks so far. */
const caughtUp = () => new Promise((resolve) => setTimeout(resolve, 500));

// Every subject registered once first (a subject's registration is a one-off).
for (let i = 0; i < 500; i++) await check();
await caughtUp();

async function measure(name: string, run: () => Promise<void>): Promise<void> {
  const before = io();
  await run();
  await caughtUp();
  const after = io();
  console.log(
    `| ${name} | ${((after.wchar - before.wchar) / checks / 1024).toFixed(1)} | ${((after.syscw - before.syscw) / checks).toFixed(1)} |`,
  );
}

console.log(`${checks} checks each way; Node ${process.version}; SQLite`);
console.log('| checks | KiB written per check | write calls per check |');
console.log('| --- | ---: | ---: |');
await measure('one at a time (a commit each)', async () => {
  for (let i = 0; i < checks; i++) await check();
});
await measure(`${CONCURRENCY} at a time`, async () => {
  for (let i = 0; i < checks; i += CONCURRENCY)
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, checks - i) }, check));
});
await demo.close();
