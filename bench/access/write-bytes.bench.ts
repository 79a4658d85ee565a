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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';

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

const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-write-bytes-'));
const qalqan = await createQalqan(
  loadConfig({ QALQAN_DATA_DIR: dataDir, QALQAN_LOG_LEVEL: 'warn' }),
  { logger: false },
);
const demo = await loadDemoWorld(qalqan);
const bank = demo.systems.find((s) => s.system === 'Core banking');
if (!bank) throw new Error('the demo world has no Core banking system');
// The access bench's check: a `law` basis, 500 rotating subjects, 40 actors.
const subjects = Array.from({ length: 500 }, (_, i) => iinBornOn('1980-01-01', 100 + i * 7));
let next = 0;
async function check(): Promise<void> {
  const n = next++;
  const answer = await qalqan.app.inject({
    method: 'POST',
    url: '/v1/access-checks',
    headers: { authorization: `Bearer ${bank!.apiKey}` },
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
}
/** Past the publish linger and the feed's rounds: the consumers' writes of the checks so far. */
const caughtUp = () => new Promise((resolve) => setTimeout(resolve, 500));

// Every subject registered once first (a subject's registration is a one-off).
for (let i = 0; i < subjects.length; i++) await check();
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
await qalqan.close();
rmSync(dataDir, { recursive: true, force: true });
