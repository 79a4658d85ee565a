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
  return (rows) => {
    const queries: CompiledQuery[] = [];
    let start = 0;
    for (const size of chunkSizes(rows.length)) {
      const parameters = new Array<unknown>(size * width);
      for (let r = 0; r < size; r++) {
        const row = rows[start + r] as Record<string, unknown>;
        for (let c = 0; c < width; c++) parameters[r * width + c] = row[columns[c]!] ?? null;
      }
      queries.push(CompiledQuery.raw(textFor(size), parameters));
      start += size;
    }
    return queries;
  };
}
