/**
 * Crash test: a child running the real ledger and outbox under concurrent changes is killed with
 * SIGKILL many times. After every restart — which drains what the killed child left pending —
 * EACH change the client saw acknowledged is in the log at the index it was given, its private
 * record opens the public entry's commitment and carries the change id as its idempotency key,
 * NO change id appears twice anywhere in the log (the window between the ledger commit and the
 * outbox update is the one that used to double them), the whole log re-verifies, and it is
 * consistent with the last checkpoint served before the kill. At the end, every checkpoint ever
 * served is consistent with the next one. Runs on SQLite, and on PostgreSQL with DATABASE_URL.
 *
 * Beside it, the durability settings the ledger's promise rests on are asserted on the very
 * connection that commits ledger batches: on SQLite a WAL database whose batches commit at
 * `synchronous = NORMAL` (even when that connection was opened with OFF), each then made durable
 * by an fdatasync of the WAL before it is confirmed (`src/ledger/store/sqlite-native.test.ts`
 * holds and fails that fsync), and `synchronous_commit = on` on PostgreSQL (even when the session
 * default is off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/ledger/checkpoint/checkpoint.js';
import { parseVerifierKey } from '../../src/ledger/checkpoint/note.js';
import { checkRecord } from '../../src/ledger/entry/entry.js';
import { createLedger } from '../../src/ledger/ledger.js';
import { type LedgerReceipt, verifyReceipt } from '../../src/ledger/receipt.js';
import { createKyselyLedgerStore } from '../../src/ledger/store/kysely-store.js';
import { testSigner } from '../../src/ledger/test-support/fixtures.js';
import { hashFromBase64, hashToBase64 } from '../../src/ledger/tree/hash.js';
import { verifyConsistency } from '../../src/ledger/tree/proofs.js';
import { decodeEntryBundle, entriesPath } from '../../src/ledger/tree/tiles.js';
import { verifyRemoteLedger } from '../../src/ledger/verify/remote-verifier.js';
import type { Database } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openStorage } from '../../src/storage/storage.js';
import {
  type CrashChild,
  type CrashEngine,
  itOnEachEngine,
  killMidStream,
  killNow,
  queryStored,
  startCrashChild,
} from '../support/crash-harness.js';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash', 'harness.ts');
const KILLS = 5;
const WORKERS = 24;

interface Ack {
  readonly id: string;
  readonly client: number;
  readonly n: number;
  readonly index: number;
}

/** Makes changes from concurrent workers until `stopped`; records what the server acknowledged. */
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
        const response = await fetch(`${url}/test/change`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client, n }),
        });
        if (response.status !== 200) continue;
        const body = (await response.json()) as { id: string; index: number };
        acks.push({ id: body.id, client, n, index: body.index });
      } catch {
        // The server was killed mid-request: this change was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

interface StoredRecord {
  readonly idx: number;
  readonly type: string;
  readonly salt: Buffer;
  readonly record: string;
  readonly key: string | null;
}

/** Reads the log's private records, entries and outbox indexes straight from the database. */
async function readStored(engine: CrashEngine): Promise<{
  records: StoredRecord[];
  entries: Map<number, Buffer>;
  outbox: Map<string, number | null>;
}> {
  const rows = await queryStored(engine, {
    records:
      'select idx, type, salt, record, idempotency_key as key from ledger_records order by idx',
    entries: 'select idx, data from ledger_entries',
    outbox: 'select id, ledger_index from outbox',
  });
  const records = rows.records as unknown as (Omit<StoredRecord, 'idx'> & { idx: unknown })[];
  const entryRows = rows.entries as { idx: unknown; data: Buffer }[];
  const outboxRows = rows.outbox as { id: string; ledger_index: unknown }[];
  return {
    records: records.map((r) => ({ ...r, idx: Number(r.idx) })),
    entries: new Map(entryRows.map((e) => [Number(e.idx), e.data])),
    outbox: new Map(
      outboxRows.map((o) => [o.id, o.ledger_index === null ? null : Number(o.ledger_index)]),
    ),
  };
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

/**
 * EACH acknowledged change is at its index: the stored record is the change (id, client, n), it
 * opens the public entry's commitment, its idempotency key is the change id, the served entry
 * bundle holds the same entry, and the outbox row carries the same index. And no change id
 * appears twice anywhere in the log. Returns the number of duplicates found (asserted 0).
 */
async function checkAcknowledged(
  child: CrashChild,
  acks: readonly Ack[],
  size: number,
  stored: Awaited<ReturnType<typeof readStored>>,
): Promise<number> {
  const served: Buffer[] = [];
  for (let bundle = 0; bundle * 256 < size; bundle++) {
    const width = Math.min(256, size - bundle * 256);
    const entries = decodeEntryBundle(
      await get(`${child.url}/ledger/${entriesPath(bundle, width)}`),
    )!;
    for (const entry of entries) served.push(Buffer.from(entry));
  }
  const byIndex = new Map(stored.records.map((r) => [r.idx, r]));
  const occurrences = new Map<string, number>();
  for (const r of stored.records) {
    if (r.idx >= size) continue;
    const id = (JSON.parse(r.record) as { id?: string }).id;
    if (id !== undefined) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
  }
  const duplicates = [...occurrences.values()].filter((count) => count > 1).length;
  expect(duplicates, 'change ids logged more than once').toBe(0);

  const indexes = new Set<number>();
  for (const ack of acks) {
    const where = `acknowledged change ${ack.id} at ${ack.index}`;
    expect(indexes.has(ack.index), `index ${ack.index} acknowledged twice`).toBe(false);
    indexes.add(ack.index);
    expect(ack.index, where).toBeLessThan(size);
    const record = byIndex.get(ack.index);
    expect(record, where).toBeDefined();
    expect(JSON.parse(record!.record), where).toEqual({ id: ack.id, client: ack.client, n: ack.n });
    expect(record!.key, where).toBe(ack.id);
    const entry = stored.entries.get(ack.index)!;
    expect(entry.equals(served[ack.index]!), where).toBe(true);
    expect(
      checkRecord(entry, {
        type: record!.type,
        record: JSON.parse(record!.record) as Record<string, number | string>,
        salt: record!.salt,
      }),
      where,
    ).toBe(true);
    expect(stored.outbox.get(ack.id), where).toBe(ack.index);
  }
  // A few through the public receipt route too (proof to the checkpoint, verified end to end).
  for (const ack of acks.filter((_, i) => i % Math.max(1, Math.floor(acks.length / 10)) === 0)) {
    const receipt = JSON.parse(
      Buffer.from(await get(`${child.url}/test/receipt/${ack.index}`)).toString(),
    ) as LedgerReceipt;
    expect(verifyReceipt(receipt, child.vkey)).toEqual({ ok: true });
  }
  return duplicates;
}

async function crashCycles(engine: CrashEngine): Promise<void> {
  const acks: Ack[] = [];
  const served: string[] = [];
  let child = await startCrashChild(HARNESS, engine);
  try {
    for (let cycle = 0; cycle < KILLS; cycle++) {
      let stopped = false;
      const running = Promise.all([
        load(child.url, cycle, acks, () => stopped),
        pollCheckpoints(child.url, served, () => stopped),
      ]);
      // Kill mid-load: once this cycle has some acknowledgements, then after a random moment.
      await killMidStream(child, () => acks.length, 25);
      stopped = true;
      await running;

      child = await startCrashChild(HARNESS, engine);
      const lastServed = served.at(-1);
      const verdict = await verifyRemoteLedger({
        baseUrl: child.url,
        verifierKey: child.vkey,
        oldCheckpoint: lastServed,
      });
      expect(verdict.verdict).toMatch(/^OK /);
      const stored = await readStored(engine);
      expect(await checkAcknowledged(child, acks, verdict.checkpoint!.size, stored)).toBe(0);
    }
    expect(acks.length).toBeGreaterThan(KILLS * 20);
    // Nothing the restarts drained was lost either: every change id in the outbox is in the log.
    const stored = await readStored(engine);
    expect([...stored.outbox.values()].filter((index) => index === null)).toEqual([]);

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
    await killNow(child);
  }
}

describe('ledger crash test (SIGKILL under load)', () => {
  itOnEachEngine('keeps every acknowledged change exactly once', crashCycles, 300_000);
});

describe('durability settings on the connection that commits ledger batches', () => {
  it('commits SQLite batches to the WAL at synchronous = NORMAL, even on a connection opened with OFF', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-sync-'));
    const storage = await openStorage({ dataDir });
    try {
      await migrateToLatest(storage.db);
      if (storage.native.dialect !== 'sqlite') throw new Error('expected SQLite');
      const sqlite = storage.native.sqlite;
      const NORMAL = 1;
      const FULL = 2;
      // The storage opens every connection durable: every audit write, not only the ledger's.
      expect(Number(sqlite.pragma('synchronous', { simple: true }))).toBe(FULL);
      // The ledger's fsync of the WAL file is what makes a batch durable: the database is in WAL mode.
      expect(String(sqlite.pragma('journal_mode', { simple: true }))).toBe('wal');

      // A connection someone tuned down: the ledger sets its own level for its commits.
      sqlite.pragma('synchronous = OFF');
      const observed: number[] = [];
      // Observe the level inside the batch transaction, as the checkpoint row is written.
      const watched = new Proxy(sqlite, {
        get(target, property) {
          if (property === 'prepare') {
            return (text: string) => {
              const statement = target.prepare(text);
              if (!/insert into ledger_checkpoints/i.test(text)) return statement;
              return new Proxy(statement, {
                get(stmt, key) {
                  if (key === 'run') {
                    return (...args: unknown[]) => {
                      observed.push(Number(target.pragma('synchronous', { simple: true })));
                      return stmt.run(...args);
                    };
                  }
                  const value = Reflect.get(stmt, key, stmt) as unknown;
                  return typeof value === 'function' ? (value as () => unknown).bind(stmt) : value;
                },
              });
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
      const ledger = await createLedger({
        store: createKyselyLedgerStore({
          db: storage.db,
          dialect: 'sqlite',
          native: { dialect: 'sqlite', sqlite: watched },
        }),
        signer: testSigner(),
      });
      await ledger.append({ type: 'test.event', record: { n: 1 } });
      await ledger.close();
      expect(observed.length).toBeGreaterThanOrEqual(2); // the first checkpoint and the append's
      expect(
        observed.every((level) => level === NORMAL),
        `levels ${observed.join(',')}`,
      ).toBe(true);
      // And the connection's own setting is put back.
      expect(Number(sqlite.pragma('synchronous', { simple: true }))).toBe(0);
    } finally {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const databaseUrl = process.env.DATABASE_URL;
  it.skipIf(!databaseUrl)(
    'commits PostgreSQL batches with synchronous_commit = on, even when the session default is off',
    async () => {
      const schema = `t_sync_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const pool = new pg.Pool({
        connectionString: databaseUrl,
        max: 3,
        options: `-c search_path=${schema} -c synchronous_commit=off`,
      });
      const observed: string[] = [];
      // Every client the pool hands out reports its synchronous_commit as a checkpoint is written.
      const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
      const watched = new WeakSet<pg.PoolClient>();
      (pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
        const client = await connect();
        if (!watched.has(client)) {
          watched.add(client);
          const query = client.query.bind(client) as (text: unknown, values?: unknown) => unknown;
          (client as { query: unknown }).query = async (text: unknown, values?: unknown) => {
            if (typeof text === 'string' && /insert into "ledger_checkpoints"/i.test(text)) {
              const shown = (await query('show synchronous_commit')) as {
                rows: { synchronous_commit: string }[];
              };
              observed.push(shown.rows[0]!.synchronous_commit);
            }
            return query(text, values);
          };
        }
        return client;
      };
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      try {
        await migrateToLatest(db);
        const plain = await pool.connect();
        try {
          // The hostile default is really in force for an ordinary session.
          expect(
            (await plain.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]
              ?.synchronous_commit,
          ).toBe('off');
        } finally {
          plain.release();
        }
        const ledger = await createLedger({
          store: createKyselyLedgerStore({
            db,
            dialect: 'postgres',
            native: { dialect: 'postgres', pool },
          }),
          signer: testSigner(),
        });
        await ledger.append({ type: 'test.event', record: { n: 1 } });
        await ledger.close();
        expect(observed.length).toBeGreaterThanOrEqual(2);
        expect(
          observed.every((value) => value === 'on'),
          `values ${observed.join(',')}`,
        ).toBe(true);
      } finally {
        await db.destroy();
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
    },
  );
});
