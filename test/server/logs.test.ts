/**
 * The security standard "no raw IIN in logs", held on the whole composed server at its most
 * talkative level: the demo world loaded (registry, consents, access checks, the monitoring
 * centre's harvesting run, its incident), then checks that are permitted, denied and malformed,
 * each naming a citizen by IIN, with every event published to the inbox and the monitor. No log
 * line may hold a 12-digit run (an IIN or BIN) or a credential.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';

it('writes no IIN, BIN or credential into any log line, at debug level, across the demo world and checks', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-logs-'));
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const qalqan = await createQalqan(
    loadConfig({ QALQAN_DATA_DIR: dataDir, QALQAN_LOG_LEVEL: 'debug' }),
    { logStream },
  );
  try {
    const demo = await loadDemoWorld(qalqan);
    const bank = demo.systems.find((s) => s.system === 'Core banking')!;
    const headers = { authorization: `Bearer ${bank.apiKey}` };
    const subject = iinBornOn('1980-01-01', 4242);
    const check = (payload: Record<string, unknown>) =>
      qalqan.app.inject({ method: 'POST', url: '/v1/access-checks', headers, payload });
    const base = {
      subject,
      categories: ['identity', 'document'],
      purpose: 'finance.kyc',
      legalBasis: 'law',
      basisReference: 'AML/CFT Law 191-IV, Art. 5',
      actor: { id: 'officer-7', iin: iinBornOn('1975-06-30', 77) },
      action: 'read',
    };
    const permitted = await check(base);
    expect(permitted.json()).toMatchObject({ decision: 'permit' });
    // Denied: a purpose the system has no ground for, transferred abroad.
    const denied = await check({
      ...base,
      purpose: 'finance.credit-scoring',
      legalBasis: 'consent',
      action: 'transfer',
      recipient: { name: 'Foreign Analytics Ltd' },
      country: 'US',
    });
    expect(denied.json()).toMatchObject({ decision: 'deny' });
    // Malformed: an IIN with a wrong checksum, and an actor id that is an IIN.
    const badSubject = `${subject.slice(0, 11)}${(Number(subject[11]) + 1) % 10}`;
    expect((await check({ ...base, subject: badSubject })).statusCode).toBe(400);
    expect((await check({ ...base, actor: { id: subject } })).statusCode).toBe(400);
    // A failed authentication with a key-shaped secret.
    const refused = await qalqan.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { authorization: `Bearer ${bank.apiKey}x` },
      payload: base,
    });
    expect(refused.statusCode).toBe(401);
    // Every event out to the inbox and the monitoring centre (the publish linger included).
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await qalqan.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const log = lines.join('');
  expect(lines.length).toBeGreaterThan(20);
  expect(log).toContain('/v1/access-checks');
  expect(log).not.toMatch(/(?<!\d)\d{12}(?!\d)/);
  expect(log).not.toMatch(/qalqan_sk_/);
});
