import fc from 'fast-check';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CHUNK, chunkSizes, compiledInsert, mergedInserts } from './compiled-insert.js';
import { loadSqliteDriver } from './sqlite-driver.js';
import { compilerOnly as compilerOnlyOf } from './test-support/compiler-only.js';

interface Row {
  id: string;
  n: number | null;
  text: string | null;
}

interface Tables {
  t: Row;
  u: { id: string; ref: string };
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

describe('mergedInserts', () => {
  /** A transaction's statements: inserts of two shapes, and deletes between them (barriers). */
  type Step =
    | { kind: 't'; rows: Row[] }
    | { kind: 'u'; rows: { id: string; ref: string }[] }
    | { kind: 'delete'; n: number };
  const uRowArb = fc.record({ id: fc.string({ maxLength: 6 }), ref: fc.string({ maxLength: 6 }) });
  const stepsArb = fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('t' as const),
          rows: fc.array(rowArb, { maxLength: 40 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('u' as const),
          rows: fc.array(uRowArb, { maxLength: 300 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('delete' as const), n: fc.integer() }),
      },
    ),
    { maxLength: 30 },
  );

  function statementsOf(db: Kysely<Tables>, steps: readonly Step[]) {
    const insertT = compiledInsert<Row>(db, 't', ['id', 'n', 'text']);
    const insertU = compiledInsert<Tables['u']>(db, 'u', ['id', 'ref']);
    return steps.flatMap((step) =>
      step.kind === 't'
        ? insertT(step.rows)
        : step.kind === 'u'
          ? insertU(step.rows)
          : [db.deleteFrom('t').where('n', '=', step.n).compile()],
    );
  }

  it('leaves the same rows, in the same order, as the statements run one by one (SQLite)', async () => {
    const Database = loadSqliteDriver();
    const open = () => {
      const sqlite = new Database(':memory:');
      // No keys: the rows' order (rowid) is the order the statements inserted them.
      sqlite.exec(
        'create table t (id text, n integer, text text); create table u (id text, ref text)',
      );
      return new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
    };
    await fc.assert(
      fc.asyncProperty(stepsArb, async (steps) => {
        const [plain, merged] = [open(), open()];
        try {
          const statements = statementsOf(plain, steps);
          for (const query of statements) await plain.executeQuery(query);
          const gathered = mergedInserts(statementsOf(merged, steps));
          for (const query of gathered) await merged.executeQuery(query);
          expect(gathered.length).toBeLessThanOrEqual(statements.length);
          for (const table of ['t', 'u'] as const) {
            const rowsOf = (db: Kysely<Tables>) =>
              sql`select * from ${sql.table(table)} order by rowid`.execute(db).then((r) => r.rows);
            expect(await rowsOf(merged)).toEqual(await rowsOf(plain));
          }
        } finally {
          await plain.destroy();
          await merged.destroy();
        }
      }),
      { numRuns: 80 },
    );
  });

  it('keeps every other statement where it was, between the inserts before and after it', () => {
    const db = compilerOnly('postgres');
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const statements = statementsOf(db, steps);
        const gathered = mergedInserts(statements);
        const others = (list: readonly { sql: string }[]) =>
          list.filter((query) => query.sql.startsWith('delete'));
        // The barriers themselves, in order, the same objects.
        expect(others(gathered)).toEqual(others(statements));
        // Between two barriers, the rows of each table are Kysely's own statements for all of them.
        const segments = (list: readonly { sql: string; parameters: readonly unknown[] }[]) => {
          const out: { t: unknown[]; u: unknown[] }[] = [{ t: [], u: [] }];
          for (const query of list) {
            if (query.sql.startsWith('delete')) out.push({ t: [], u: [] });
            else {
              const table = query.sql.startsWith('insert into "t"') ? 't' : 'u';
              out.at(-1)![table].push(...query.parameters);
            }
          }
          return out;
        };
        expect(segments(gathered)).toEqual(segments(statements));
        let segment = 0;
        const seen: string[][] = [[]];
        for (const query of gathered) {
          if (query.sql.startsWith('delete')) {
            segment++;
            seen.push([]);
            continue;
          }
          seen[segment]!.push(query.sql);
          const width = query.sql.startsWith('insert into "t"') ? 3 : 2;
          const rows = query.parameters.length / width;
          const reference = db
            .insertInto(width === 3 ? 't' : 'u')
            .values(
              Array.from({ length: rows }, () =>
                width === 3 ? { id: '', n: null, text: null } : { id: '', ref: '' },
              ),
            )
            .compile();
          expect(query.sql).toBe(reference.sql);
        }
        // A segment's rows of one table go in chunkSizes' statements: as few as can carry them.
        const counts = segments(statements);
        seen.forEach((texts, i) => {
          for (const [table, width] of [
            ['t', 3],
            ['u', 2],
          ] as const) {
            const mine = texts.filter((text) => text.startsWith(`insert into "${table}"`));
            expect(mine).toHaveLength(chunkSizes(counts[i]![table].length / width).length);
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});
