/**
 * What every kept reference list shares, written once for `reference.store.ts` (honeytokens,
 * protected persons, terminated actors) and `reference-lists.store.ts` (staff register, declared
 * destinations): the commit each change runs in, the rules on what a caller may put in a list,
 * and the entries themselves. An entry is added once (a second live one is refused), retired
 * rather than deleted (the ledger names it, and who removed it stays on the row), and listed while
 * live.
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { ResponseOutboxItem } from './response.ports.js';
import type { MonitorResponseTables } from './response.tables.js';

/** Runs `work` in a transaction with its outbox items, sequences them and tells the listeners. */
export type ReferenceCommit = <T>(
  work: (
    trx: Kysely<MonitorResponseTables>,
    at: string,
  ) => Promise<{ result: T; item: ResponseOutboxItem | readonly ResponseOutboxItem[] }>,
) => Promise<T>;

const TWELVE_DIGITS = /\d{12}/;

/** An id the caller sent, quoted in a problem unless it holds a 12-digit run (never echo an IIN). */
export const shown = (value: string): string =>
  TWELVE_DIGITS.test(value) ? '(the id given)' : value;

/** Free text and actor ids never carry an IIN (they would reach analysts and the ledger). */
export function refuseIdentifier(field: string, value: string | null | undefined): void {
  if (value && TWELVE_DIGITS.test(value))
    throw new DomainError(
      'request.validation',
      `${field} holds a 12-digit number; personal identifiers do not belong there.`,
      { field },
    );
}

/** A unique-index violation on either engine (better-sqlite3 or pg). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e.message === 'string' && /UNIQUE constraint failed/.test(e.message))
  );
}

/**
 * Two registrations of the same entry at once both pass the check before either commits (on
 * PostgreSQL); the live-entry unique index refuses the second, which is the same 409 as a
 * registration that came later, not a 500.
 */
export async function refusingDuplicates<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError('monitor.reference_exists', `${what} is already registered.`);
    throw error;
  }
}

/** The tables of kept lists: each row has an `id` and is retired with `removed_at`, `removed_by`. */
export type EntryTable =
  'monitor_watchlist' | 'monitor_terminated_actors' | 'monitor_staff' | 'monitor_destinations';

type EntryRow<T extends EntryTable> = MonitorResponseTables[T];

/** Which entry: equality on the table's own text columns (checked against the table's type). */
export type EntryKey<T extends EntryTable> = {
  readonly [C in keyof EntryRow<T> & string as EntryRow<T>[C] extends string ? C : never]?: string;
};

// Kysely cannot resolve the columns of a table named by a type parameter. The helpers below name
// only the columns every entry table has, or those `EntryKey<T>` checked, so they go through a
// schema that allows any column; what they read is typed again as the table's row.
interface AnyEntry {
  id: string;
  removed_at: string | null;
  removed_by: string | null;
  [column: string]: unknown;
}
const anyEntries = (q: Kysely<MonitorResponseTables>) =>
  q as unknown as Kysely<{ entries: AnyEntry }>;
/** The table's real name where the loose schema calls every table `entries`. */
const named = (table: EntryTable) => table as unknown as 'entries';

/** The columns every entry has, which `entryRow` fills. */
type EntryColumns = 'id' | 'added_at' | 'added_by' | 'removed_at' | 'removed_by';

/** A new, live entry of `table`: a fresh id (`prefix`) and who added it when, with `fields`. */
export function entryRow<T extends EntryTable>(
  prefix: string,
  fields: Omit<EntryRow<T>, EntryColumns>,
  added: { readonly by: string; readonly at: string },
): EntryRow<T> {
  return {
    id: newId(prefix, Date.parse(added.at)),
    ...fields,
    added_at: added.at,
    added_by: added.by,
    removed_at: null,
    removed_by: null,
  } as EntryRow<T>;
}

/** The id of the live entry with this key, if any. */
export async function liveEntry<T extends EntryTable>(
  q: Kysely<MonitorResponseTables>,
  table: T,
  key: EntryKey<T>,
): Promise<string | undefined> {
  let query = anyEntries(q).selectFrom(named(table)).select('id');
  for (const [column, value] of Object.entries(key)) query = query.where(column, '=', value);
  const found = await query.where('removed_at', 'is', null).executeTakeFirst();
  return found?.id;
}

/** Inserts `row` unless an entry with `key` is live: then `monitor.reference_exists` with its id. */
export async function addEntry<T extends EntryTable>(
  trx: Kysely<MonitorResponseTables>,
  table: T,
  key: EntryKey<T>,
  row: EntryRow<T>,
  exists: (id: string) => string,
): Promise<void> {
  const taken = await liveEntry(trx, table, key);
  if (taken !== undefined)
    throw new DomainError('monitor.reference_exists', exists(taken), { id: taken });
  await anyEntries(trx)
    .insertInto(named(table))
    .values(row as unknown as AnyEntry)
    .execute();
}

/**
 * Retires the live entry with this key: its id, or `monitor.reference_not_found` (`missing`). One
 * conditional update, so of two removals at once only one retires the entry (and is ledgered).
 */
export async function retireEntry<T extends EntryTable>(
  trx: Kysely<MonitorResponseTables>,
  table: T,
  key: EntryKey<T>,
  retired: { readonly by: string; readonly at: string },
  missing: string,
): Promise<string> {
  let query = anyEntries(trx)
    .updateTable(named(table))
    .set({ removed_at: retired.at, removed_by: retired.by });
  for (const [column, value] of Object.entries(key)) query = query.where(column, '=', value);
  const found = await query.where('removed_at', 'is', null).returning('id').executeTakeFirst();
  if (!found) throw new DomainError('monitor.reference_not_found', missing);
  return found.id;
}

/** The live entries with this key, in `orderBy` order. */
export async function liveEntries<T extends EntryTable>(
  q: Kysely<MonitorResponseTables>,
  table: T,
  key: EntryKey<T>,
  orderBy: keyof EntryRow<T> & string,
): Promise<EntryRow<T>[]> {
  let query = anyEntries(q).selectFrom(named(table)).selectAll();
  for (const [column, value] of Object.entries(key)) query = query.where(column, '=', value);
  const rows = await query.where('removed_at', 'is', null).orderBy(orderBy).execute();
  return rows as unknown as EntryRow<T>[];
}
