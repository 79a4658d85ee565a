import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { compiledInsert } from '../../storage/compiled-insert.js';
import { describeStorage } from '../../storage/test-support/storages.js';
import type { LedgerTables } from '../ledger.tables.js';
import { appendMany, openTestLedger, testSigner } from '../test-support/fixtures.js';
import { leafHash } from '../tree/hash.js';
import { verifyConsistency, verifyInclusion } from '../tree/proofs.js';
import { decodeEntryBundle } from '../tree/tiles.js';
import { createKyselyLedgerStore } from './kysely-store.js';

describeStorage('ledger on the database', (fx) => {
  const db = () => fx.storage.db as unknown as Kysely<LedgerTables>;
  const store = () => createKyselyLedgerStore(fx.storage);

  beforeEach(async () => {
    for (const table of [
      'ledger_entries',
      'ledger_records',
      'ledger_tiles',
      'ledger_checkpoints',
    ] as const) {
      await db().deleteFrom(table).execute();
    }
  });

  it('appends durably, restarts where it stopped and proves what it served', async () => {
    const signer = testSigner();
    const first = await openTestLedger(store(), signer, { batch: { maxEntries: 128 } });
    const results = await appendMany(first, 600);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const old = await first.checkpoint();
    await first.close();

    const second = await openTestLedger(store(), signer);
    expect((await second.checkpoint()).note).toBe(old.note);
    await appendMany(second, 100, 600);
    const now = await second.checkpoint();
    expect(now.size).toBe(700);
    const consistency = await second.proveConsistency(old.size);
    expect(verifyConsistency(old.size, now.size, old.root, now.root, consistency.hashes)).toBe(
      true,
    );
    const bundle = decodeEntryBundle((await second.entryBundle(1, 256))!)!;
    const proof = await second.proveInclusion(300);
    expect(
      verifyInclusion(300, now.size, leafHash(bundle[300 - 256]!), proof.hashes, now.root),
    ).toBe(true);
    const receipt = await second.receipt(650);
    expect(receipt.record).toEqual({ n: 650, subject: 'pseudonym-6' });
    await second.close();

    const { rows } = await sql<{ n: number }>`select count(*) as n from ledger_checkpoints`.execute(
      db(),
    );
    expect(Number(rows[0]?.n)).toBeLessThan(30);
  });

  it('commits the rows alongside a batch in a few statements, not one per append', async () => {
    // Two tables, as an access check's row and its event's row: each append brings one of each.
    await sql`create table alongside_checks (id varchar(16) primary key, idx integer not null)`.execute(
      db(),
    );
    await sql`create table alongside_events (id varchar(16) primary key, body text not null)`.execute(
      db(),
    );
    try {
      const checks = compiledInsert<{ id: string; idx: number }>(db(), 'alongside_checks', [
        'id',
        'idx',
      ]);
      const events = compiledInsert<{ id: string; body: string }>(db(), 'alongside_events', [
        'id',
        'body',
      ]);
      let statements = 0;
      const counting: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: (args) => {
          statements++;
          return Promise.resolve(args.result);
        },
      };
      const counted = { ...fx.storage, db: fx.storage.db.withPlugin(counting) };
      const ledger = await openTestLedger(createKyselyLedgerStore(counted), testSigner());
      expect(ledger.canCommitAlongside).toBe(true);
      const appends = 60;
      statements = 0;
      const results = await ledger.appendGroup(
        Array.from({ length: appends }, (_, i) => ({
          type: 'test.event',
          record: { n: i },
          alongside: (index: number) => [
            ...checks([{ id: `chk-${i}`, idx: index }]),
            ...events([{ id: `evt-${i}`, body: `event ${i}` }]),
          ],
        })),
      );
      await ledger.close();
      const stored = await sql<{
        id: string;
        idx: number;
      }>`select id, idx from alongside_checks order by idx`.execute(db());
      expect(stored.rows.map((row) => [row.id, Number(row.idx)])).toEqual(
        results.map((result, i) => [`chk-${i}`, result.index]),
      );
      const { rows } = await sql<{ n: number }>`select count(*) as n from alongside_events`.execute(
        db(),
      );
      expect(Number(rows[0]?.n)).toBe(appends);
      // One commit: the checkpoint read, the entries, records, tiles and checkpoint, then the
      // rows alongside in a statement or two per table (60 = 32 + 16 + 8 + 4) — not 120. (On
      // SQLite the writer is better-sqlite3's own statements, which this count does not see.)
      expect(statements).toBeLessThanOrEqual(fx.dialect === 'postgres' ? 16 : 0);
    } finally {
      await sql`drop table alongside_checks`.execute(db());
      await sql`drop table alongside_events`.execute(db());
    }
  });

  it('runs the rows alongside once: a key already in the log gets its index without them', async () => {
    await sql`create table alongside_once (id varchar(16) primary key, idx integer not null)`.execute(
      db(),
    );
    try {
      const rows = compiledInsert<{ id: string; idx: number }>(db(), 'alongside_once', [
        'id',
        'idx',
      ]);
      const ledger = await openTestLedger(store(), testSigner());
      const append = (n: number) =>
        ledger.append({
          type: 'test.event',
          record: { n },
          key: 'chk_once',
          // A second run would insert a second row (or fail the batch on a repeated id).
          alongside: (index) => rows([{ id: `row-${n}`, idx: index }]),
        });
      const first = await append(1);
      // In one batch with a new entry, so the batch commits (a batch of known keys writes nothing).
      const [again, other] = await Promise.all([
        append(2),
        ledger.append({ type: 'test.event', record: { n: 3 } }),
      ]);
      expect(other.index).toBe(first.index + 1);
      await ledger.close();
      expect(again.index).toBe(first.index);
      const stored = await sql<{
        id: string;
        idx: number;
      }>`select id, idx from alongside_once`.execute(db());
      expect(stored.rows.map((row) => [row.id, Number(row.idx)])).toEqual([['row-1', first.index]]);
    } finally {
      await sql`drop table alongside_once`.execute(db());
    }
  });

  it('keeps idempotency keys with the records: a known key returns its first index, even after a restart', async () => {
    const signer = testSigner();
    const first = await openTestLedger(store(), signer, { batch: { maxEntries: 50 } });
    const keyed = await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        first.append({ type: 'test.event', record: { n }, key: `chg_${n % 100}` }),
      ),
    );
    // Keys 0..19 appear twice among the 120 appends, in different batches: each once in the log.
    expect(new Set(keyed.map((r) => r.index)).size).toBe(100);
    for (let n = 100; n < 120; n++) expect(keyed[n]!.index).toBe(keyed[n - 100]!.index);
    await first.close();

    const second = await openTestLedger(store(), signer);
    const again = await second.append({ type: 'test.event', record: { n: 7 }, key: 'chg_7' });
    expect(again.index).toBe(keyed[7]!.index);
    expect((await second.checkpoint()).size).toBe(100);
    expect((await second.receipt(again.index)).record).toEqual({ n: 7 });
    await second.close();

    // The unique index is the backstop: a second row with a stored key cannot be written.
    await expect(
      db()
        .insertInto('ledger_records')
        .values({
          idx: 1_000_000,
          type: 'test.event',
          salt: Buffer.alloc(32),
          record: '{}',
          idempotency_key: 'chg_7',
        })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
  });

  it('refuses to serve a log whose entry was changed or whose tail was deleted', async () => {
    const signer = testSigner();
    const ledger = await openTestLedger(store(), signer);
    await appendMany(ledger, 300);
    await ledger.close();

    const original = await db()
      .selectFrom('ledger_entries')
      .select('data')
      .where('idx', '=', 5)
      .executeTakeFirstOrThrow();
    const changed = Buffer.from(original.data);
    changed[changed.length - 1]! ^= 1;
    await db().updateTable('ledger_entries').set({ data: changed }).where('idx', '=', 5).execute();
    await expect(openTestLedger(store(), signer)).rejects.toThrow(
      /tile tile\/0\/000 does not match the entries/,
    );
    // The edge check (large logs) re-hashes the last full tile, which holds entry 5 here.
    await expect(openTestLedger(store(), signer, { fullCheckUpTo: 0 })).rejects.toThrow(
      /entries 0\.\.255 do not match/,
    );

    await db()
      .updateTable('ledger_entries')
      .set({ data: original.data })
      .where('idx', '=', 5)
      .execute();
    await db().deleteFrom('ledger_entries').where('idx', '>=', 290).execute();
    await expect(openTestLedger(store(), signer, { fullCheckUpTo: 0 })).rejects.toThrow(
      /failed its edge integrity check.*entries are truncated: the latest checkpoint covers 300 entries but only 290 are stored/,
    );
  });

  it('lets only one instance sequence (PostgreSQL advisory lock / SQLite size fence)', async () => {
    const signer = testSigner();
    const primary = await openTestLedger(store(), signer);
    await appendMany(primary, 3);
    if (fx.dialect === 'postgres') {
      const replica = await openTestLedger(store(), signer, { standbyRetryMs: 25 });
      expect(replica.role).toBe('standby');
      await expect(replica.append({ type: 'test.event', record: {} })).rejects.toThrow(
        /not the ledger sequencer/,
      );
      await primary.close();
      await expect.poll(() => replica.role, { timeout: 3000 }).toBe('sequencer');
      expect((await appendMany(replica, 1, 3))[0]?.index).toBe(3);
      await replica.close();
    } else {
      // SQLite has no cross-process lock here: a second writer is stopped by the size check.
      const errors: string[] = [];
      const intruder = await openTestLedger(store(), signer, {
        onError: (_e, c) => errors.push(c),
      });
      await appendMany(intruder, 1, 3);
      await expect(primary.append({ type: 'test.event', record: {} })).rejects.toThrow(
        /Another process is writing/,
      );
      expect(primary.role).toBe('standby');
      await intruder.close();
      await primary.close();
    }
  });

  it.runIf(fx.dialect === 'sqlite')(
    "puts the connection's own synchronous level back after its batches",
    async () => {
      await sql`pragma synchronous = NORMAL`.execute(db());
      try {
        const ledger = await openTestLedger(store(), testSigner());
        await appendMany(ledger, 5);
        await ledger.close();
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db());
        expect(rows[0]?.synchronous).toBe(1);
      } finally {
        await sql`pragma synchronous = FULL`.execute(db());
      }
    },
  );
});
