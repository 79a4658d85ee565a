/**
 * Access crash test: a child running the real access module, ledger and outbox answers a stream
 * of concurrent access checks and is killed with SIGKILL a few times. After every restart — which
 * drains what the killed child left pending — EACH check the client saw answered is stored once
 * and is in the log at the ledger index it was given (its committed record names the check, the
 * ledger's idempotency key is the check id, the stored row carries the same index), NO check id
 * appears twice in the log, every stored check (answered or not) has reached the log, and the
 * whole log re-verifies from its tiles — with Qalqan's verifier and, where Go is installed, with
 * the independent Go verifier of the interop test (golang.org/x/mod/sumdb/tlog and note). On
 * SQLite, and on PostgreSQL with DATABASE_URL.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect } from 'vitest';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import { verifyRemoteLedger } from '../../src/ledger/verify/remote-verifier.js';
import {
  type CrashEngine,
  itOnEachEngine,
  killMidStream,
  killNow,
  queryStored,
  startCrashChild,
} from '../support/crash-harness.js';
import { buildGoVerifier, goUnavailable, runGoVerifier } from '../ledger/go/go-verifier.js';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash', 'harness.ts');
const KILLS = 3;
const WORKERS = 16;
const noGo = goUnavailable();
if (noGo) console.warn(`Access crash test: Go re-verification of the log SKIPPED: ${noGo}`);

/** The Go verifier's verdict on the served log: the checkpoint, every tile and bundle, proofs. */
let goBinary = '';
async function expectGoVerifies(url: string, vkey: string, size: number): Promise<void> {
  const run = await runGoVerifier(goBinary, ['-url', url, '-vkey', vkey, '-samples', '20']);
  expect(run.output).toMatch(new RegExp(`^OK go-tlog: size ${size} root `));
  expect(run.code).toBe(0);
}

const SUBJECTS = Array.from({ length: 5 }, (_, i) => iinBornOn('1980-01-15', 100 + i * 10));

interface Ack {
  readonly checkId: string;
  readonly index: number | null;
}

/** Asks checks from concurrent workers until `stopped`; records what the server answered. */
async function load(url: string, cycle: number, acks: Ack[], stopped: () => boolean) {
  let next = 0;
  const worker = async () => {
    while (!stopped()) {
      const n = next++;
      try {
        const response = await fetch(`${url}/v1/access-checks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer system.sys_crash' },
          body: JSON.stringify({
            subject: SUBJECTS[n % SUBJECTS.length],
            categories: ['identity'],
            purpose: 'health.treatment',
            legalBasis: 'consent',
            actor: { id: `crash-${cycle}-${n}` },
            action: 'read',
          }),
        });
        if (response.status !== 200) continue;
        const body = (await response.json()) as { checkId: string; ledgerIndex: number | null };
        acks.push({ checkId: body.checkId, index: body.ledgerIndex });
      } catch {
        // The server was killed mid-request: this check was never answered.
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

interface Stored {
  /** Ledger records of access checks: index, check id in the record, idempotency key. */
  readonly records: { idx: number; type: string; check: string | undefined; key: string | null }[];
  /** Stored checks and the ledger index written back to them. */
  readonly checks: Map<string, number | null>;
  readonly checkRows: number;
}

async function readStored(engine: CrashEngine): Promise<Stored> {
  type RecordRow = { idx: unknown; type: string; record: string; key: string | null };
  type CheckRow = { id: string; ledger_index: unknown };
  const rows = await queryStored(engine, {
    records: 'select idx, type, record, idempotency_key as key from ledger_records order by idx',
    checks: 'select id, ledger_index from access_checks',
  });
  const records = rows.records as RecordRow[];
  const checks = rows.checks as CheckRow[];
  return {
    records: records.map((r) => ({
      idx: Number(r.idx),
      type: r.type,
      check: (JSON.parse(r.record) as { check?: string }).check,
      key: r.key,
    })),
    checks: new Map(
      checks.map((c) => [c.id, c.ledger_index === null ? null : Number(c.ledger_index)]),
    ),
    checkRows: checks.length,
  };
}

function expectEachAnsweredCheckOnce(acks: readonly Ack[], stored: Stored, size: number) {
  expect(stored.checkRows, 'a check stored twice').toBe(stored.checks.size);
  const logged = stored.records.filter((r) => r.type === 'access.check' && r.idx < size);
  const counts = new Map<string, number>();
  for (const r of logged) if (r.check) counts.set(r.check, (counts.get(r.check) ?? 0) + 1);
  expect(
    [...counts].filter(([, count]) => count > 1),
    'check ids logged more than once',
  ).toEqual([]);
  const byIndex = new Map(logged.map((r) => [r.idx, r]));
  const indexOf = new Map(logged.map((r) => [r.check, r.idx]));
  for (const ack of acks) {
    const where = `answered check ${ack.checkId} at ${ack.index}`;
    const index = ack.index ?? indexOf.get(ack.checkId);
    expect(index, where).toBeDefined();
    const record = byIndex.get(index!);
    expect(record?.check, where).toBe(ack.checkId);
    expect(record?.key, where).toBe(ack.checkId);
    expect(stored.checks.get(ack.checkId), where).toBe(index);
  }
  // Committed but never answered (killed between commit and answer) is in the log too.
  for (const [id, index] of stored.checks) {
    expect(index, `stored check ${id} never reached the log`).not.toBeNull();
    expect(byIndex.get(index!)?.check, `stored check ${id}`).toBe(id);
  }
}

async function crashCycles(engine: CrashEngine): Promise<void> {
  const acks: Ack[] = [];
  let child = await startCrashChild(HARNESS, engine);
  try {
    for (let cycle = 0; cycle < KILLS; cycle++) {
      let stopped = false;
      const running = load(child.url, cycle, acks, () => stopped);
      // Kill mid-stream: once this cycle has some answers, then after a random moment.
      await killMidStream(child, () => acks.length, 30);
      stopped = true;
      await running;

      child = await startCrashChild(HARNESS, engine);
      const verdict = await verifyRemoteLedger({ baseUrl: child.url, verifierKey: child.vkey });
      expect(verdict.verdict).toMatch(/^OK /);
      if (!noGo) await expectGoVerifies(child.url, child.vkey, verdict.checkpoint!.size);
      expectEachAnsweredCheckOnce(acks, await readStored(engine), verdict.checkpoint!.size);
    }
    expect(acks.length).toBeGreaterThanOrEqual(KILLS * 30);
    expect(acks.every((ack) => ack.index !== null)).toBe(true);
  } finally {
    await killNow(child);
  }
}

describe('access crash test (SIGKILL under a stream of checks)', () => {
  // Built once (cached by source and Go version), outside the timed crash cycles.
  beforeAll(() => {
    if (!noGo) goBinary = buildGoVerifier();
  }, 300_000);
  itOnEachEngine(
    'keeps every answered check exactly once at its ledger index',
    crashCycles,
    180_000,
  );
});
