import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeStorage } from '../test-support/storages.js';
import { down, up } from './20261205_1400_ledger_checkpoints_rowid.js';

const checkpoints = [1, 2, 5, 9].map((size) => ({
  size,
  root: Buffer.alloc(32, size),
  note: `qalqan.test/log\n${size}\n`,
  created_at: `2026-12-05T14:00:0${size}.000Z`,
}));

async function rows(db: Kysely<unknown>) {
  const { rows: found } = await sql<{
    size: number | string;
    root: Buffer;
    note: string;
    created_at: string;
  }>`select size, root, note, created_at from ledger_checkpoints order by size`.execute(db);
  return found.map((row) => ({ ...row, size: Number(row.size) }));
}

/** SQLite's B-trees of the table besides the table itself (the autoindex of a non-rowid key). */
async function sqliteIndexes(db: Kysely<unknown>): Promise<string[]> {
  const { rows: found } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'index' and tbl_name = 'ledger_checkpoints'`.execute(
    db,
  );
  return found.map((row) => row.name);
}

describeStorage('migration 20261205_1400: ledger_checkpoints keyed by its rowid', (fx) => {
  it('keeps every checkpoint, and on SQLite leaves the table one B-tree (no index on size)', async () => {
    const db = fx.storage.db as unknown as Kysely<unknown>;
    await sql`insert into ledger_checkpoints (size, root, note, created_at) values ${sql.join(
      checkpoints.map((c) => sql`(${c.size}, ${c.root}, ${c.note}, ${c.created_at})`),
    )}`.execute(db);
    // The migrated fixture is past this migration: down, then up again, over the rows.
    await down(db);
    expect(await rows(db)).toEqual(checkpoints);
    if (fx.dialect === 'sqlite') expect(await sqliteIndexes(db)).toHaveLength(1);
    await up(db);
    expect(await rows(db)).toEqual(checkpoints);
    if (fx.dialect === 'sqlite') {
      expect(await sqliteIndexes(db)).toEqual([]);
      const { rows: plan } = await sql<{ detail: string }>`
        explain query plan select max(size) from ledger_checkpoints`.execute(db);
      expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/SCAN/);
    }
    await expect(
      sql`insert into ledger_checkpoints (size, root, note, created_at) values (5, ${Buffer.alloc(32)}, 'x', 'y')`.execute(
        db,
      ),
    ).rejects.toThrow();
  });
});
