/**
 * Access-check latency against the number of stored consents (`npm run bench:access-scale`): the
 * composed server (demo world, SQLite, durable ledger append before every answer) asked the same
 * sequential checks with about 1,000 consents stored, then again after 1,000,000 more are written
 * straight into the consents table (batched inserts: the benchmark measures the check, not the
 * consent API). It also times the consent module's `coveringConsent` port alone, the part of a
 * check whose cost could grow with the table.
 *
 *   npx tsx bench/access/consents-scale.bench.ts                 # 300 checks per size, 1,000,000
 *   npx tsx bench/access/consents-scale.bench.ts --checks 500 --consents 200000
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const checks = option('checks', 300);
const target = option('consents', 1_000_000);

const qalqan = await createQalqan(
  loadConfig({
    QALQAN_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qalqan-bench-scale-')),
    QALQAN_LOG_LEVEL: 'warn',
  }),
  { logger: false },
);
if (qalqan.storage.native.dialect !== 'sqlite') throw new Error('this benchmark runs on SQLite');
const sqlite = qalqan.storage.native.sqlite;
const demo = await loadDemoWorld(qalqan);
const bank = demo.systems.find((s) => s.system === 'Core banking');
if (!bank) throw new Error('the demo world has no Core banking system');
const operatorId = (
  sqlite.prepare('select operator_id from systems where id = ?').get(bank.systemId) as {
    operator_id: string;
  }
).operator_id;

const subjects = Array.from({ length: 200 }, (_, i) => iinBornOn('1985-05-05', 300 + i * 11));
const pseudonyms = subjects.map((iin) => qalqan.secrets.pseudonymOf(iin));
let next = 0;
const body = () => ({
  subject: subjects[next++ % subjects.length]!,
  categories: ['identity', 'document'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML/CFT Law 191-IV, Art. 5',
  actor: { id: `officer-${next % 40}` },
  action: 'read',
});

const count = () => (sqlite.prepare('select count(*) as n from consents').get() as { n: number }).n;

/** Inserts consents straight into the table until it holds `total`, up to 5,000 per transaction. */
function seed(total: number): void {
  const columns = [
    'id',
    'subject',
    'subject_birth_date',
    'controller_id',
    'systems_json',
    'purposes_json',
    'categories_json',
    'recipients_json',
    'processing_countries_json',
    'storage_countries_json',
    'retention',
    'valid_from',
    'valid_until',
    'request_expires_at',
    'collection_method',
    'language',
    'policy_url',
    'withdrawal_method',
    'message_json',
    'callback_url',
    'requested_by',
    'state',
    'version',
    'created_at',
    'updated_at',
  ];
  const rowsPerStatement = 40;
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const insert = sqlite.prepare(
    `insert into consents (${columns.join(', ')}) values ${Array(rowsPerStatement).fill(placeholders).join(', ')}`,
  );
  const controllers = Array.from({ length: 50 }, (_, i) => `opr_bench_${i}`);
  let n = count();
  const row = (i: number) => {
    // A tenth of the rows belong to the benchmark's subjects (other controllers and the bank), the
    // rest to a million other citizens: the checked subjects' index ranges are not empty.
    const own = i % 10 === 0;
    const subject = own
      ? pseudonyms[i % pseudonyms.length]!
      : `p1_${randomBytes(32).toString('base64url').slice(0, 43)}`;
    const controller = own && i % 100 === 0 ? operatorId : controllers[i % controllers.length]!;
    return [
      `con_bench_${String(i).padStart(8, '0')}`,
      subject,
      '1985-05-05',
      controller,
      '[]',
      '["marketing.offers"]',
      '["contact"]',
      '[]',
      '["KZ"]',
      '["KZ"]',
      'P1Y',
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2026-01-08T00:00:00.000Z',
      'portal',
      'ru',
      'https://example.kz/policy',
      'portal',
      '{"kk":"x","ru":"x","en":"x"}',
      null,
      'sys_bench',
      i % 3 === 0 ? 'withdrawn' : 'given',
      1,
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ];
  };
  const batch = sqlite.transaction((from: number, size: number) => {
    for (let i = from; i < from + size; i += rowsPerStatement) {
      const values: unknown[] = [];
      for (let j = 0; j < rowsPerStatement; j++) values.push(...row(i + j));
      insert.run(values);
    }
  });
  while (n < total) {
    const size = Math.ceil(Math.min(5000, total - n) / rowsPerStatement) * rowsPerStatement;
    batch(n, size);
    n += size;
  }
}

async function measure(label: string) {
  // Warm-up: the registry cache, statements, the subjects.
  for (let i = 0; i < 2 * subjects.length; i++) await ask();
  const times: number[] = [];
  for (let i = 0; i < checks; i++) {
    const started = performance.now();
    await ask();
    times.push(performance.now() - started);
  }
  const ports: number[] = [];
  for (let i = 0; i < 20 * checks; i++) {
    const started = performance.now();
    await qalqan.consent.coveringConsent({
      subject: pseudonyms[i % pseudonyms.length]!,
      operator: operatorId,
      system: bank!.systemId,
      purpose: 'finance.kyc',
      categories: ['identity', 'document'],
      at: new Date().toISOString(),
    });
    ports.push(performance.now() - started);
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { median: at(0.5), p90: at(0.9) };
  };
  const result = { label, consents: count(), check: stats(times), coverage: stats(ports) };
  console.log(
    `${label}: ${result.consents} consents; check median ${result.check.median.toFixed(2)} ms, p90 ${result.check.p90.toFixed(2)} ms; coveringConsent median ${(1000 * result.coverage.median).toFixed(0)} µs, p90 ${(1000 * result.coverage.p90).toFixed(0)} µs`,
  );
  return result;
}

async function ask(): Promise<void> {
  const response = await qalqan.app.inject({
    method: 'POST',
    url: '/v1/access-checks',
    headers: { authorization: `Bearer ${bank!.apiKey}` },
    payload: body(),
  });
  if (response.statusCode !== 200) throw new Error(`check: ${response.statusCode}`);
}

seed(1000);
const small = await measure('small');
const seeding = performance.now();
seed(target);
console.log(
  `seeded to ${count()} consents in ${((performance.now() - seeding) / 1000).toFixed(0)} s`,
);
sqlite.exec('analyze');
const large = await measure('large');
await qalqan.close();
console.log(
  `\nratio (${large.consents} ÷ ${small.consents} consents): check median ${(large.check.median / small.check.median).toFixed(2)}, p90 ${(large.check.p90 / small.check.p90).toFixed(2)}; coveringConsent median ${(large.coverage.median / small.coverage.median).toFixed(2)}`,
);
