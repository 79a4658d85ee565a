import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { createFieldCipher } from '../secrets/field-cipher.js';
import { createPseudonymizer } from '../secrets/pseudonym.js';
import { ensureSubject, revealIin } from '../subjects/subjects.store.js';
import { migrateToLatest } from './migrate.js';
import { derivedTransactions, openStorage, redactUrl, StorageError } from './storage.js';
import { describeStorage } from './test-support/storages.js';

const secrets = {
  pseudonymOf: createPseudonymizer(randomBytes(32)),
  fields: createFieldCipher(randomBytes(32)),
};

describeStorage('storage', (fx) => {
  it('migrations are applied and re-running them changes nothing', async () => {
    const report = await migrateToLatest(fx.storage.db);
    expect(report.applied).toEqual([]);
    expect(report.latest).toMatch(/^\d{8}_\d{4}_/);
    await fx.storage.ping();
  });

  it('reads int8 values as numbers on both engines', async () => {
    const { rows } = await sql<{ n: number }>`select cast(9007199254740991 as bigint) as n`.execute(
      fx.storage.db,
    );
    expect(rows[0]?.n).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps subjects by pseudonym with the IIN sealed, idempotently', async () => {
    const first = await ensureSubject(
      fx.storage.db,
      secrets,
      '900515201238',
      '2026-11-25T10:00:00.000Z',
    );
    const again = await ensureSubject(
      fx.storage.db,
      secrets,
      '900515201238',
      '2026-11-26T10:00:00.000Z',
    );
    expect(first).toMatchObject({
      created: true,
      birthYear: 1890,
      createdAt: '2026-11-25T10:00:00.000Z',
    });
    expect(again).toMatchObject({
      created: false,
      pseudonym: first.pseudonym,
      createdAt: '2026-11-25T10:00:00.000Z',
    });
    const row = await fx.storage.db
      .selectFrom('subjects')
      .selectAll()
      .where('pseudonym', '=', first.pseudonym)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('900515201238');
    expect(await revealIin(fx.storage.db, secrets, first.pseudonym)).toBe('900515201238');
    expect(await revealIin(fx.storage.db, secrets, 'p1_unknown')).toBeUndefined();
  });

  it('refuses an invalid IIN before touching the database', async () => {
    await expect(ensureSubject(fx.storage.db, secrets, '900515201239')).rejects.toThrow(
      'iin: IIN check digit is 9, expected 8',
    );
  });

  it('concurrent registrations of one subject produce one row', async () => {
    // Counted relative to the rows other tests left, so the test holds alone and in any order.
    const countSubjects = async () =>
      Number(
        (
          await fx.storage.db
            .selectFrom('subjects')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countSubjects();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensureSubject(fx.storage.db, secrets, '850412100405')),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.pseudonym)).size).toBe(1);
    expect(await countSubjects()).toBe(before + 1);
  });
});

describeStorage('derived transactions', (fx) => {
  /** The commit level in force: SQLite's `synchronous` (2 FULL, 1 NORMAL), PostgreSQL's setting. */
  async function level(db: Kysely<Database> | Transaction<Database>): Promise<string> {
    if (fx.storage.native.dialect === 'sqlite')
      return String(fx.storage.native.sqlite.pragma('synchronous', { simple: true }));
    const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db);
    return rows[0]!.synchronous_commit;
  }
  const relaxed = () => (fx.dialect === 'sqlite' ? '1' : 'off');
  const durable = () => (fx.dialect === 'sqlite' ? '2' : 'on');

  it('commit without waiting for the disk inside their transaction only, and commit their rows', async () => {
    const db = fx.storage.db;
    const derived = derivedTransactions(db, fx.storage.native);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inside = '';
    const write = derived(async (trx) => {
      inside = await level(trx);
      await gate;
      await trx
        .insertInto('notification_preferences')
        .values({ subject: 'psn-derived-0000001', category: 'access', notify: 0, updated_at: 'x' })
        .execute();
    });
    // An ordinary transaction asked for meanwhile runs at the durable level, never the relaxed one.
    let ordinary = '';
    const other = db.transaction().execute(async (trx) => {
      ordinary = await level(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([write, other]);
    expect(inside).toBe(relaxed());
    expect(ordinary).toBe(durable());
    expect(await level(db)).toBe(durable());
    const row = await db
      .selectFrom('notification_preferences')
      .select('notify')
      .where('subject', '=', 'psn-derived-0000001')
      .executeTakeFirst();
    expect(row).toEqual({ notify: 0 });
  });

  it('restore the durable level when the work fails, and roll it back', async () => {
    const db = fx.storage.db;
    const derived = derivedTransactions(db, fx.storage.native);
    await expect(
      derived(async (trx) => {
        await trx
          .insertInto('notification_preferences')
          .values({
            subject: 'psn-derived-0000002',
            category: 'access',
            notify: 0,
            updated_at: 'x',
          })
          .execute();
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await level(db)).toBe(durable());
    const rows = await db
      .selectFrom('notification_preferences')
      .select('notify')
      .where('subject', '=', 'psn-derived-0000002')
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('opening storage', () => {
  const tempDir = tempDirsRemovedAfterAll('qalqan-corrupt-');

  it('reports a corrupt SQLite file clearly', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'qalqan.db'), 'this is not a database'.repeat(200));
    await expect(openStorage({ dataDir })).rejects.toThrow(StorageError);
    await expect(openStorage({ dataDir })).rejects.toThrow(
      /cannot open SQLite database .*qalqan\.db: file is not a database/,
    );
  });

  it('reports an unreachable PostgreSQL clearly, without the password', async () => {
    const attempt = openStorage({
      dataDir: '/tmp',
      databaseUrl: 'postgres://u:s3cret@127.0.0.1:1/db',
    });
    await expect(attempt).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
    );
    await expect(
      openStorage({ dataDir: '/tmp', databaseUrl: 'postgres://u:s3cret@127.0.0.1:1/db' }),
    ).rejects.not.toThrow(/s3cret/);
    expect(redactUrl('postgres://a:b@h/d')).toBe('postgres://a:***@h/d');
    const inQuery = openStorage({
      dataDir: '/tmp',
      databaseUrl: 'postgres://u@127.0.0.1:1/db?sslmode=disable&password=s3cret&sslpassword=k3y',
    });
    await expect(inQuery).rejects.toThrow(
      'cannot connect to PostgreSQL at postgres://u@127.0.0.1:1/db?sslmode=disable&password=***&sslpassword=***:',
    );
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      openStorage({ dataDir: '/tmp', databaseUrl: 'postgres://h/d', schema: 'x; drop table' }),
    ).rejects.toThrow('must be lower-case letters');
  });
});
