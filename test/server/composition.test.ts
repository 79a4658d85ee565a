/**
 * The whole server composed as `qalqan serve` composes it: registry changes land in the real
 * transparency log, each with a receipt that verifies offline; changes the CLI left in the outbox
 * are sequenced when the server starts; the outbox's counters, retention's among them, are served
 * on /metrics; a failed consent webhook is retried after the configured base delay.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { verifyReceipt } from '../../src/ledger/receipt.js';
import { nextBin } from '../../src/registry/test-support/registry-app.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { runCli } from '../support/cli.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';
import { tempDirsRemovedAfterAll } from '../support/temp-dirs.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-composition-');
const running: Qalqan[] = [];
const copies: DemoWorldCopy[] = [];
afterEach(async () => {
  for (const qalqan of running.splice(0)) await qalqan.close();
  for (const world of copies.splice(0)) await world.remove();
});

async function start(dataDir: string): Promise<Qalqan> {
  const qalqan = await createQalqan(
    loadConfig({ QALQAN_DATA_DIR: dataDir, QALQAN_LOG_LEVEL: 'silent' }),
    { logger: false },
  );
  running.push(qalqan);
  return qalqan;
}

describe('the composed server', () => {
  it('puts every registry change of the demo world into the signed log, with receipts that verify', async () => {
    // A copy of the run's demo world, as the real loader left it.
    const world = await copyDemoWorld();
    copies.push(world);
    const qalqan = await start(world.dataDir);
    const { demo } = world;
    const checkpoint = await qalqan.ledger.ledger.checkpoint();
    // Registry: 3 staff tokens, 6 operators, 9 systems, 2 certificates, 9 keys (29). Consent: 16
    // events of the demo's consents and requests, and 1 guardianship (17). Access history: the
    // lender's consent asked and given (2), the pilot's regime (1) and 59 checks (62). Monitoring
    // centre: a protected person and a honeytoken (2), the polyclinic's two employees on its
    // staff register, the car maker's declared destination and the receptionist's check on the
    // therapist's record (4), the loan officer's 240 checks, the block in force (the proposed
    // suspension is no entry until decided) and the incident (248).
    expect(checkpoint.size).toBe(356);

    const regulator = { authorization: `Bearer ${demo.staff.regulator}` };
    const system = demo.systems.find((s) => s.system === 'Online loan scoring')!;
    const suspended = await qalqan.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.systemId}/suspend`,
      headers: regulator,
      payload: { reason: 'deny storm from this system' },
    });
    const { change } = suspended.json<{ change: { ledgerIndex: number } }>();
    expect(change.ledgerIndex).toBe(356);
    const receipt = await qalqan.ledger.ledger.receipt(change.ledgerIndex);
    expect(receipt.type).toBe('registry.system.suspended');
    expect(receipt.record).toMatchObject({
      entityId: system.systemId,
      reason: 'deny storm from this system',
    });
    expect(verifyReceipt(receipt, qalqan.ledger.ledger.verifierKey)).toEqual({ ok: true });
    expect(
      verifyReceipt(
        { ...receipt, record: { ...receipt.record, reason: 'routine' } },
        qalqan.ledger.ledger.verifierKey,
      ).ok,
    ).toBe(false);

    const history = await qalqan.app.inject({
      url: `/v1/registry/systems/${system.systemId}/history`,
      headers: regulator,
    });
    expect(
      history
        .json<{ items: { ledgerIndex: number | null }[] }>()
        .items.every((item) => item.ledgerIndex !== null),
    ).toBe(true);

    const publicEntries = await qalqan.app.inject({ url: '/ledger/tile/entries/000.p/109' });
    expect(publicEntries.statusCode).toBe(200);
    // The public log holds commitments only: no names, no identifiers, no reasons.
    const bytes = publicEntries.rawPayload.toString('latin1');
    expect(bytes).not.toContain('deny storm');
    expect(bytes).not.toMatch(/\d{12}/);
  }, 300_000);

  it('sequences changes the CLI imported while no server ran, at the next start', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'registry.json');
    writeFileSync(
      file,
      JSON.stringify({
        operators: [
          {
            identifier: nextBin(),
            name: { kk: 'Мектеп', ru: 'Школа', en: 'School' },
            sector: 'education',
            contact: {
              name: 'Директор',
              position: 'Director',
              email: 'school@edu.kz',
              phone: '+77172000000',
            },
          },
        ],
      }),
    );
    expect((await runCli(['registry', 'import', file, '--data-dir', dataDir])).code).toBe(0);
    const qalqan = await start(dataDir);
    const pending = await qalqan.storage.db
      .selectFrom('registry_history')
      .select('ledger_index')
      .execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.ledger_index).toBe(0);
    expect((await qalqan.ledger.ledger.checkpoint()).size).toBe(1);
  });

  it('retries a failed consent webhook after QALQAN_WEBHOOK_RETRY_BASE_MS', async () => {
    const at = new Date('2026-12-05T10:00:00.000Z');
    const qalqan = await createQalqan(
      loadConfig({
        QALQAN_DATA_DIR: tempDir(),
        QALQAN_LOG_LEVEL: 'silent',
        QALQAN_WEBHOOK_RETRY_BASE_MS: '2500',
      }),
      { logger: false, clock: () => at },
    );
    running.push(qalqan);
    // A delivery owed by a system with no signing secret: its attempt fails before any request.
    await qalqan.storage.db
      .insertInto('webhook_deliveries')
      .values({
        id: 'msg_retry_base',
        system_id: 'sys_without_secret',
        consent_id: 'cns_retry_base',
        event_id: 'evt_retry_base',
        event_type: 'consent.given',
        url: 'https://receiver.example/hook',
        payload_json: '{}',
        status: 'pending',
        attempts: 0,
        next_attempt_at: at.toISOString(),
        last_attempt_at: null,
        last_status: null,
        last_error: null,
        delivered_at: null,
        created_at: at.toISOString(),
      })
      .execute();
    await qalqan.consent.runDueWork();
    const row = await qalqan.storage.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts', 'next_attempt_at', 'last_error'])
      .where('id', '=', 'msg_retry_base')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(at.getTime() + 2500).toISOString(),
      last_error: 'the system has no webhook signing secret',
    });
  });

  it("serves the outbox's counters on /metrics, the rows retention deleted among them (and the access idempotency keys')", async () => {
    const qalqan = await start(tempDir());
    const metrics = await qalqan.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^qalqan_outbox_pruned_total 0$/m);
    expect(metrics.body).toMatch(/^qalqan_access_idempotency_pruned_total 0$/m);
    expect(metrics.body).toContain('# TYPE qalqan_outbox_parked_total counter');
    // What waits, read at the scrape: nothing on a fresh server.
    expect(metrics.body).toMatch(/^qalqan_outbox_waiting\{stage="ledger"\} 0$/m);
    expect(metrics.body).toMatch(/^qalqan_outbox_waiting\{stage="publish"\} 0$/m);
    expect(metrics.body).toMatch(/^qalqan_outbox_oldest_waiting_seconds\{stage="publish"\} 0$/m);
  });

  it("serves the ledger's commit times and batch sizes on /metrics, one observation per commit", async () => {
    const world = await copyDemoWorld();
    copies.push(world);
    const qalqan = await start(world.dataDir);
    const counts = async () => {
      const body = (await qalqan.app.inject({ method: 'GET', url: '/metrics' })).body;
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
      return {
        commits: value('qalqan_ledger_commit_seconds_count'),
        seconds: value('qalqan_ledger_commit_seconds_sum'),
        batches: value('qalqan_ledger_commit_entries_count'),
        entries: value('qalqan_ledger_commit_entries_sum'),
      };
    };
    const before = await counts();
    // Three registry changes, one after the other: three commits of one entry each.
    const regulator = { authorization: `Bearer ${world.demo.staff.regulator}` };
    const system = world.demo.systems.find((s) => s.system === 'Online loan scoring')!;
    for (const action of ['suspend', 'reinstate', 'suspend'])
      expect(
        (
          await qalqan.app.inject({
            method: 'POST',
            url: `/v1/registry/systems/${system.systemId}/${action}`,
            headers: regulator,
            payload: { reason: 'metrics test' },
          })
        ).statusCode,
      ).toBe(200);
    const after = await counts();
    expect(after.commits - before.commits).toBe(3);
    expect(after.batches - before.batches).toBe(3);
    expect(after.entries - before.entries).toBe(3);
    expect(after.seconds).toBeGreaterThan(before.seconds);
  });
});
