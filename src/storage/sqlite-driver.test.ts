import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadSqliteDriver, withStatementCache } from './sqlite-driver.js';

function counted() {
  const Driver = loadSqliteDriver();
  const native = new Driver(':memory:');
  const prepared: string[] = [];
  const database = {
    prepare(text: string) {
      prepared.push(text);
      return native.prepare(text);
    },
    close: () => native.close(),
  };
  return { database, prepared };
}

describe('SQLite statement cache', () => {
  it('prepares a query once however often Kysely runs it, and keeps the answers right', async () => {
    const { database, prepared } = counted();
    const cached = withStatementCache(database);
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new SqliteDialect({ database: cached }),
    });
    await sql`create table t (id integer primary key, v text)`.execute(db);
    for (let i = 0; i < 20; i++)
      await db
        .insertInto('t')
        .values({ id: i, v: `v${i}` })
        .execute();
    for (let i = 0; i < 20; i++)
      expect(await db.selectFrom('t').select('v').where('id', '=', i).executeTakeFirst()).toEqual({
        v: `v${i}`,
      });
    const counts = new Map<string, number>();
    for (const text of prepared) counts.set(text, (counts.get(text) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(cached.cachedStatements()).toBe(3);
    await db.destroy();
  });

  it('sees a schema change through a kept statement', async () => {
    const { database } = counted();
    const db = new Kysely<{ t: { id: number } }>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    await sql`create table t (id integer primary key)`.execute(db);
    await sql`insert into t (id) values (1)`.execute(db);
    expect((await sql`select * from t`.execute(db)).rows).toEqual([{ id: 1 }]);
    await sql`alter table t add column note text default 'x'`.execute(db);
    expect((await sql`select * from t`.execute(db)).rows).toEqual([{ id: 1, note: 'x' }]);
    await db.destroy();
  });

  it('keeps at most its capacity, evicting the least recently used', async () => {
    const { database, prepared } = counted();
    const cached = withStatementCache(database, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now most recent
    cached.prepare('select 3'); // evicts 'select 2'
    expect(cached.cachedStatements()).toBe(2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    cached.close();
  });
});
