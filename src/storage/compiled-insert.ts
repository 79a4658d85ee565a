/**
 * Inserts of a fixed shape, compiled by Kysely once per row count instead of once per call.
 *
 * On the access check's hot path Kysely built and compiled two inserts per check (the check and
 * its outbox row): parsing the values into operation nodes, freezing them and walking them back
 * into SQL cost more CPU than SQLite's own work for the row. The SQL text depends only on the
 * table, the columns and the number of rows, so it is compiled once per row count (through
 * Kysely, so each engine gets its own placeholders and quoting) and every later insert is that
 * text with the rows' values in column order — the same statement and parameters Kysely's own
 * `insertInto(table).values(rows).compile()` gives (`compiled-insert.test.ts` holds it to that).
 *
 * Row counts are bounded: rows go in chunks of `CHUNK`, and a remainder as a few statements
 * whose sizes are powers of two, so a table never has more than log2(CHUNK) + 1 texts — few
 * statements for the engines to keep prepared, whatever the batch sizes callers send.
 */
import { CompiledQuery, type Kysely } from 'kysely';

/** Rows per statement at most: ~22 columns stays well under both engines' parameter limits. */
export const CHUNK = 256;

/** The sizes of the statements `rows` rows go in: CHUNKs, then the remainder's powers of two. */
export function chunkSizes(rows: number): number[] {
  const sizes: number[] = [];
  let left = rows;
  while (left >= CHUNK) {
    sizes.push(CHUNK);
    left -= CHUNK;
  }
  for (let size = CHUNK / 2; size >= 1; size /= 2)
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  return sizes;
}

/** What a compiled insert's statement is made of, kept for `mergedInserts`. */
interface InsertShape {
  /** Columns per row. */
  readonly width: number;
  /** The statement's text for this many rows. */
  readonly textFor: (count: number) => string;
}

/** Statements made by a compiled insert: their shape, by identity (others are not in it). */
const shapes = new WeakMap<CompiledQuery, InsertShape>();

/**
 * The same statements with the rows of each compiled insert's statements gathered into as few
 * multi-row statements as `chunkSizes` allows. For a server reached over the network (PostgreSQL)
 * every statement is a round trip, and a ledger commit runs the rows of every check it carries
 * (each check's own insert, then its event's) one after another inside the one transaction that
 * all checks wait for; gathered, a commit of 50 checks sends a few statements instead of 100.
 *
 * Any other statement (an update, a delete) is a barrier: the rows before it go in before it and
 * those after it after it, as written, since it may touch what they insert. Between barriers the
 * statements of different compiled inserts go in the order each insert first appeared, so rows
 * that depend on another table's rows stay after them when every caller lists its parents first.
 */
export function mergedInserts(queries: readonly CompiledQuery[]): CompiledQuery[] {
  const merged: CompiledQuery[] = [];
  let pending = new Map<InsertShape, unknown[]>();
  const flush = () => {
    for (const [shape, parameters] of pending) merged.push(...statementsFor(shape, parameters));
    pending = new Map();
  };
  for (const query of queries) {
    const shape = shapes.get(query);
    if (shape === undefined) {
      flush();
      merged.push(query);
      continue;
    }
    const parameters = pending.get(shape);
    if (parameters === undefined) pending.set(shape, [...query.parameters]);
    else for (const value of query.parameters) parameters.push(value);
  }
  flush();
  return merged;
}

/** Rows given as their parameters in column order, in statements of `chunkSizes`. */
function statementsFor(shape: InsertShape, parameters: readonly unknown[]): CompiledQuery[] {
  const statements: CompiledQuery[] = [];
  let start = 0;
  for (const size of chunkSizes(parameters.length / shape.width)) {
    const end = start + size * shape.width;
    const statement = CompiledQuery.raw(shape.textFor(size), parameters.slice(start, end));
    shapes.set(statement, shape);
    statements.push(statement);
    start = end;
  }
  return statements;
}

export interface CompiledInsert<Row> {
  /** The statements that insert these rows (none for none), in the rows' order. */
  (rows: readonly Row[]): CompiledQuery[];
}

/**
 * `columns` must name every column a row sets; a row's members are read in that order, so a
 * member left undefined is bound as null (Kysely would leave the column out).
 */
export function compiledInsert<Row extends object>(
  // Any database: only the table's name and columns are used, and they are typed by `Row`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  table: string,
  columns: readonly (keyof Row & string)[],
): CompiledInsert<Row> {
  const texts = new Map<number, string>();
  const placeholderRow = Object.fromEntries(columns.map((column) => [column, null]));
  const textFor = (count: number): string => {
    let text = texts.get(count);
    if (text === undefined) {
      text = db
        .insertInto(table)
        .values(Array.from({ length: count }, () => placeholderRow))
        .compile().sql;
      texts.set(count, text);
    }
    return text;
  };
  const width = columns.length;
  const shape: InsertShape = { width, textFor };
  return (rows) => {
    const queries: CompiledQuery[] = [];
    let start = 0;
    for (const size of chunkSizes(rows.length)) {
      const parameters = new Array<unknown>(size * width);
      for (let r = 0; r < size; r++) {
        const row = rows[start + r] as Record<string, unknown>;
        for (let c = 0; c < width; c++) parameters[r * width + c] = row[columns[c]!] ?? null;
      }
      const query = CompiledQuery.raw(textFor(size), parameters);
      shapes.set(query, shape);
      queries.push(query);
      start += size;
    }
    return queries;
  };
}
