/**
 * Pipelined writers (SQLite in WAL mode): the next batch is written while the previous one is
 * synced, but nobody is answered and no checkpoint is served before the sync says durable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { migrateToLatest } from '../storage/migrate.js';
import { type Storage, openStorage } from '../storage/storage.js';
import type { AppendResult } from './ledger.js';
import { createKyselyLedgerStore } from './store/kysely-store.js';
import type { LedgerStore, LedgerWriter } from './store/ledger-store.js';
import { createMemoryLedgerStore } from './store/memory-store.js';
import { createWalSync } from './store/wal-sync.js';
import { appendMany, openTestLedger, testSigner } from './test-support/fixtures.js';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The memory store behind a pipelined writer whose syncs the test settles by hand. */
function pipelinedMemoryStore() {
  const memory = createMemoryLedgerStore();
  const syncs: Deferred[] = [];
  const store: LedgerStore = {
    ...memory,
    async openWriter() {
      const inner = await memory.openWriter();
      if (!inner) return undefined;
      const writer: LedgerWriter = {
        commit: (batch) => inner.commit(batch),
        release: () => inner.release(),
        pipeline: {
          write: (batch) => inner.commit(batch),
          sync() {
            const sync = deferred();
            syncs.push(sync);
            return sync.promise;
          },
        },
      };
      return writer;
    },
  };
  return { store, memory, syncs };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits until `condition` holds (polling; a loaded machine may take a while), failing after 5 s. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('pipelined writer', () => {
  it('writes ahead but answers and serves a batch only once it is durable, in order', async () => {
    const { store, memory, syncs } = pipelinedMemoryStore();
    const ledger = await openTestLedger(store, testSigner(), {
      batch: { maxEntries: 10, maxDelayMs: 1 },
    });
    let answered: AppendResult[] | undefined;
    void appendMany(ledger, 30).then((results) => (answered = results));
    await until(() => syncs.length === 3);
    // All three batches are written without waiting for a sync; none is answered or served.
    expect(memory.rows.entries).toHaveLength(30);
    expect(syncs).toHaveLength(3);
    expect(answered).toBeUndefined();
    expect((await ledger.checkpoint()).size).toBe(0);
    // A later sync finishing first changes nothing: batches are answered strictly in order.
    syncs[2]!.resolve();
    await settled();
    expect((await ledger.checkpoint()).size).toBe(0);
    syncs[0]!.resolve();
    await until(async () => (await ledger.checkpoint()).size === 10);
    syncs[1]!.resolve();
    await until(async () => (await ledger.checkpoint()).size === 30);
    expect(answered?.map((r) => r.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await ledger.close();
  });

  it('refuses the callers of a batch whose sync failed and stops appending', async () => {
    const { store, syncs } = pipelinedMemoryStore();
    const errors: string[] = [];
    const ledger = await openTestLedger(store, testSigner(), {
      batch: { maxEntries: 5, maxDelayMs: 1 },
      onError: (_error, context) => errors.push(context),
    });
    const first = appendMany(ledger, 5);
    await until(() => syncs.length === 1);
    syncs[0]!.resolve();
    expect((await first).map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    const second = appendMany(ledger, 5, 5).catch((error: unknown) => error);
    await until(() => syncs.length === 2);
    syncs[1]!.reject(new Error('EIO: fsync failed'));
    const failure = await second;
    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).code).toBe('ledger.unavailable');
    expect((await ledger.checkpoint()).size).toBe(5);
    expect(errors.some((e) => e.includes('sync'))).toBe(true);
    await expect(ledger.append({ type: 'test.event', record: {} })).rejects.toThrow(DomainError);
    await ledger.close();
  });
});

describe('pipelined writer after a failed sync', () => {
  it('refuses later batches even if their own sync succeeds, and serves the last durable view', async () => {
    const { store, syncs } = pipelinedMemoryStore();
    const ledger = await openTestLedger(store, testSigner(), {
      batch: { maxEntries: 5, maxDelayMs: 1 },
      onError: () => undefined,
    });
    const first = appendMany(ledger, 5).catch((error: unknown) => error);
    const second = appendMany(ledger, 5, 5).catch((error: unknown) => error);
    await until(() => syncs.length === 2);
    syncs[1]!.resolve();
    syncs[0]!.reject(new Error('EIO: fsync failed'));
    expect(await first).toBeInstanceOf(DomainError);
    expect(await second).toBeInstanceOf(DomainError);
    expect((await ledger.checkpoint()).size).toBe(0);
    await ledger.close();
  });
});

describe('SQLite WAL sync', () => {
  let dir: string | undefined;
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    storage = undefined;
    dir = undefined;
  });

  it('is offered on a WAL file only when asked for, and leaves the connection at its own synchronous level', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-wal-'));
    storage = await openStorage({ dataDir: dir });
    await migrateToLatest(storage.db);
    const plain = await createKyselyLedgerStore(storage).openWriter();
    expect(plain?.pipeline).toBeUndefined();
    await plain?.release();
    const store = createKyselyLedgerStore({ ...storage, sqliteSync: 'pipelined' });
    const writer = await store.openWriter();
    expect(writer?.pipeline).toBeDefined();
    await writer?.release();
    const ledger = await openTestLedger(store, testSigner(), { batch: { maxEntries: 64 } });
    const results = await appendMany(ledger, 300);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect((await ledger.checkpoint()).size).toBe(300);
    await ledger.close();
    if (storage.native.dialect !== 'sqlite') throw new Error('expected SQLite');
    expect(storage.native.sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('coalesces concurrent syncs and keeps failing once an fsync failed', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-wal-'));
    storage = await openStorage({ dataDir: dir });
    const wal = createWalSync(path.join(dir, 'qalqan.db'));
    await Promise.all([wal.sync(), wal.sync(), wal.sync()]);
    await wal.sync();
    wal.close();
    const missing = createWalSync(path.join(dir, 'no-such.db'));
    await expect(missing.sync()).rejects.toThrow(/ENOENT/);
    await expect(missing.sync()).rejects.toThrow(/ENOENT/);
    missing.close();
  });
});
