/**
 * Crash test: a child running the real ledger under concurrent appends is killed with SIGKILL
 * many times. After every restart, every append the client saw acknowledged is in the log at
 * the index it was given with the same entry and record, the whole log re-verifies, and it is
 * consistent with the last checkpoint served before the kill. At the end, every checkpoint ever
 * served is consistent with the next one. Runs on SQLite, and on PostgreSQL with DATABASE_URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/ledger/checkpoint/checkpoint.js';
import { parseVerifierKey } from '../../src/ledger/checkpoint/note.js';
import { type LedgerReceipt, verifyReceipt } from '../../src/ledger/receipt.js';
import { hashFromBase64, hashToBase64, leafHash } from '../../src/ledger/tree/hash.js';
import { verifyConsistency } from '../../src/ledger/tree/proofs.js';
import { decodeEntryBundle, entriesPath } from '../../src/ledger/tree/tiles.js';
import { verifyRemoteLedger } from '../../src/ledger/verify/remote-verifier.js';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash', 'harness.ts');
const KILLS = 8;
const WORKERS = 24;

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly vkey: string;
}

function startChild(
  dataDir: string,
  databaseUrl: string | undefined,
  schema: string | undefined,
): Promise<Child> {
  const env = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', HARNESS, dataDir, ...(schema ? [schema] : [])],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`harness did not start: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^READY (\d+) (\S+)\n/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, url: `http://127.0.0.1:${match[1]}`, vkey: match[2]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${code} before it was ready: ${stderr}`));
    });
  });
}

interface Ack {
  readonly client: number;
  readonly n: number;
  readonly index: number;
  readonly leafHash: string;
}

/** Appends from concurrent workers until `stopped`; records what the server acknowledged. */
async function load(
  url: string,
  client: number,
  acks: Ack[],
  stopped: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!stopped()) {
      const n = next++;
      try {
        const response = await fetch(`${url}/test/append`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client, n }),
        });
        if (response.status !== 200) continue;
        const body = (await response.json()) as { index: number; leafHash: string };
        acks.push({ client, n, index: body.index, leafHash: body.leafHash });
      } catch {
        // The server was killed mid-request: this append was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

async function pollCheckpoints(
  url: string,
  notes: string[],
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    try {
      const response = await fetch(`${url}/ledger/checkpoint`);
      if (response.status === 200) notes.push(await response.text());
    } catch {
      // killed
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

async function get(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

/** Every acknowledged append is at its index with the same entry; a sample opens to the same record. */
async function checkAcknowledged(child: Child, acks: readonly Ack[], size: number): Promise<void> {
  const leaves: string[] = [];
  for (let bundle = 0; bundle * 256 < size; bundle++) {
    const width = Math.min(256, size - bundle * 256);
    const entries = decodeEntryBundle(
      await get(`${child.url}/ledger/${entriesPath(bundle, width)}`),
    )!;
    for (const entry of entries) leaves.push(hashToBase64(leafHash(entry)));
  }
  const indexes = new Set<number>();
  for (const ack of acks) {
    expect(indexes.has(ack.index), `index ${ack.index} acknowledged twice`).toBe(false);
    indexes.add(ack.index);
    expect(leaves[ack.index], `acknowledged append ${ack.client}/${ack.n} at ${ack.index}`).toBe(
      ack.leafHash,
    );
  }
  for (const ack of acks.filter((_, i) => i % Math.max(1, Math.floor(acks.length / 25)) === 0)) {
    const receipt = JSON.parse(
      Buffer.from(await get(`${child.url}/test/receipt/${ack.index}`)).toString(),
    ) as LedgerReceipt;
    expect(verifyReceipt(receipt, child.vkey)).toEqual({ ok: true });
    expect(receipt.record).toEqual({ client: ack.client, n: ack.n });
  }
}

async function crashCycles(
  databaseUrl: string | undefined,
  schema: string | undefined,
): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-crash-'));
  const acks: Ack[] = [];
  const served: string[] = [];
  let child = await startChild(dataDir, databaseUrl, schema);
  try {
    for (let cycle = 0; cycle < KILLS; cycle++) {
      let stopped = false;
      const running = Promise.all([
        load(child.url, cycle, acks, () => stopped),
        pollCheckpoints(child.url, served, () => stopped),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(Math.random() * 350)));
      const exited = new Promise((resolve) => child.process.once('exit', resolve));
      child.process.kill('SIGKILL');
      await exited;
      stopped = true;
      await running;

      child = await startChild(dataDir, databaseUrl, schema);
      const lastServed = served.at(-1);
      const verdict = await verifyRemoteLedger({
        baseUrl: child.url,
        verifierKey: child.vkey,
        oldCheckpoint: lastServed,
      });
      expect(verdict.verdict).toMatch(/^OK /);
      await checkAcknowledged(child, acks, verdict.checkpoint!.size);
    }
    expect(acks.length).toBeGreaterThan(KILLS * 20);

    // Every checkpoint ever served is consistent with the next one served.
    const verifier = parseVerifierKey(child.vkey);
    const distinct = served
      .filter((note, i) => note !== served[i - 1])
      .map((note) => openCheckpoint(note, verifier));
    for (let i = 1; i < distinct.length; i++) {
      const [a, b] = [distinct[i - 1]!, distinct[i]!];
      expect(b.size, 'a later checkpoint is never smaller').toBeGreaterThanOrEqual(a.size);
      if (a.size === 0) continue; // every tree extends the empty one
      if (a.size === b.size) {
        expect(hashToBase64(a.root), `two checkpoints of size ${a.size}`).toBe(
          hashToBase64(b.root),
        );
        continue;
      }
      const body = JSON.parse(
        Buffer.from(
          await get(`${child.url}/v1/ledger/proof/consistency?from=${a.size}&to=${b.size}`),
        ).toString(),
      ) as {
        hashes: string[];
      };
      expect(
        verifyConsistency(
          a.size,
          b.size,
          a.root,
          b.root,
          body.hashes.map((h) => hashFromBase64(h)!),
        ),
      ).toBe(true);
    }
  } finally {
    child.process.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('ledger crash test (SIGKILL under load)', () => {
  it('keeps every acknowledged append on SQLite', async () => {
    await crashCycles(undefined, undefined);
  }, 90_000);

  const databaseUrl = process.env.DATABASE_URL;
  it.skipIf(!databaseUrl)(
    'keeps every acknowledged append on PostgreSQL',
    async () => {
      const schema = `t_crash_${randomBytes(6).toString('hex')}`;
      try {
        await crashCycles(databaseUrl, schema);
      } finally {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
    90_000,
  );
});
