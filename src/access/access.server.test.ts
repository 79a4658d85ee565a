/**
 * The access module composed as `qalqan serve` composes it, with the real registry behind the
 * profile port: a check under a registered legal ground is permitted and in the signed log
 * before the answer; a suspension takes effect on the very next check (a recorded deny).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { loadDemoWorld, type DemoCredentials } from '../demo/demo.js';
import { verifyReceipt } from '../ledger/receipt.js';
import { createQalqan, type Qalqan } from '../server.js';
import { iinBornOn } from './test-support/access-app.js';

describe('access checks in the composed server', () => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  beforeAll(async () => {
    qalqan = await createQalqan(
      loadConfig({
        QALQAN_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qalqan-access-')),
        QALQAN_LOG_LEVEL: 'silent',
      }),
      { logger: false },
    );
    demo = await loadDemoWorld(qalqan);
    // The demo world now holds a month of access checks: tens of seconds under load.
  }, 180_000);
  afterAll(async () => {
    await qalqan.close();
  });

  it('decides under the registry ground, logs before answering, and a suspension denies the next check', async () => {
    const bank = demo.systems.find((s) => s.system === 'Core banking')!;
    const ask = () =>
      qalqan.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: { authorization: `Bearer ${bank.apiKey}` },
        payload: {
          subject: iinBornOn('1988-08-08', 51),
          categories: ['identity', 'document'],
          purpose: 'finance.kyc',
          legalBasis: 'law',
          basisReference: 'Law on AML/CFT, Art. 5',
          actor: { id: 'kyc-officer-3' },
          action: 'read',
        },
      });
    const permitted = await ask();
    expect(permitted.statusCode).toBe(200);
    const answer = permitted.json<{ decision: string; ledgerIndex: number; checkId: string }>();
    expect(answer.decision).toBe('permit');
    const receipt = await qalqan.ledger.ledger.receipt(answer.ledgerIndex);
    expect(receipt.record).toMatchObject({ check: answer.checkId });
    expect(verifyReceipt(receipt, qalqan.ledger.ledger.verifierKey)).toEqual({ ok: true });

    const suspend = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${bank.systemId}/suspend`,
      headers: { authorization: `Bearer ${demo.staff.regulator}` },
      payload: { reason: 'audit' },
    });
    expect(suspend.statusCode).toBe(200);
    const denied = await ask();
    expect(denied.statusCode).toBe(200);
    const deny = denied.json<{
      decision: string;
      reasons: { code: string }[];
      ledgerIndex: number;
    }>();
    expect(deny.decision).toBe('deny');
    expect(deny.reasons[0]?.code).toMatch(/^standing\./);
    expect(deny.ledgerIndex).toBeGreaterThan(answer.ledgerIndex);
  });
});
