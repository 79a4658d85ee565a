/**
 * The access module composed as `qalqan serve` composes it, with the real registry behind the
 * profile port: a check under a registered legal ground is permitted and in the signed log
 * before the answer; a suspension takes effect on the very next check (a recorded deny).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import type { DemoCredentials } from '../demo/demo.js';
import { verifyReceipt } from '../ledger/receipt.js';
import { createQalqan, type Qalqan } from '../server.js';
import { iinBornOn } from './test-support/access-app.js';
import { copyDemoWorld, type DemoWorldCopy } from '../../test/support/demo-world.js';

describe('access checks in the composed server', () => {
  let qalqan: Qalqan;
  let demo: DemoCredentials;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    // A copy of the run's demo world (built by the first suite to ask: tens of seconds under load).
    world = await copyDemoWorld();
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    demo = world.demo;
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
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
