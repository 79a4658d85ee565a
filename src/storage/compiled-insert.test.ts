import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CHUNK, chunkSizes, compiledInsert } from './compiled-insert.js';
import { loadSqliteDriver } from './sqlite-driver.js';
import { compilerOnly as compilerOnlyOf } from './test-support/compiler-only.js';

interface Row {
  id: string;
  n: number | null;
  text: string | null;
}

interface Tables {
  t: Row;
}

const compilerOnly = (engine: 'sqlite' | 'postgres') => compilerOnlyOf<Tables>(engine);

const rowArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  n: fc.option(fc.integer(), { nil: null }),
  text: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
});

describe('chunkSizes', () => {
  it('covers every row with CHUNKs and then distinct powers of two, largest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (rows) => {
        const sizes = chunkSizes(rows);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(rows);
        const tail = sizes.filter((size) => size < CHUNK);
        expect(new Set(tail).size).toBe(tail.length);
        for (const size of tail) expect(Math.log2(size) % 1).toBe(0);
        expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
      }),
    );
  });
});

describe('compiledInsert', () => {
  for (const engine of ['sqlite', 'postgres'] as const)
    it(`gives Kysely's own statements for the same rows (${engine})`, () => {
      const db = compilerOnly(engine);
      const insert = compiledInsert<Row>(db, 't', ['id', 'n', 'text']);
      fc.assert(
        fc.property(fc.array(rowArb, { maxLength: 700, size: 'max' }), (rows) => {
          const compiled = insert(rows);
          let start = 0;
          const sizes = chunkSizes(rows.length);
          expect(compiled).toHaveLength(sizes.length);
          sizes.forEach((size, i) => {
            const reference = db
              .insertInto('t')
              .values(rows.slice(start, start + size))
              .compile();
            expect(compiled[i]!.sql).toBe(reference.sql);
            expect(compiled[i]!.parameters).toEqual(reference.parameters);
            start += size;
          });
        }),
        { numRuns: 60 },
      );
    });

  it('stores the rows as given, nulls included, when run on SQLite', async () => {
    const Database = loadSqliteDriver();
    const sqlite = new Database(':memory:');
    sqlite.exec('create table t (id text primary key, n integer, text text)');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
    const insert = compiledInsert<Row>(db, 't', ['id', 'n', 'text']);
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
      id: `r${String(i).padStart(4, '0')}`,
      n: i % 3 === 0 ? null : i,
      text: i % 5 === 0 ? null : `t${i}`,
    }));
    for (const query of insert(rows)) await db.executeQuery(query);
    expect(await db.selectFrom('t').selectAll().orderBy('id').execute()).toEqual(rows);
    await db.destroy();
  });
});
