/**
 * Column types that differ between SQLite and PostgreSQL, chosen by the migration's adapter so
 * one migration set runs on both. Conventions for every table:
 * - timestamps are ISO-8601 UTC text with milliseconds (`2026-11-25T14:30:00.000Z`): they sort
 *   correctly as text on both engines and read back as the same string;
 * - booleans are integers 0/1 and JSON documents are text, mapped at the store boundary, so rows
 *   read back identically on both engines;
 * - binary columns are `blob` / `bytea` and read back as `Buffer` on both.
 */
import { type ColumnDataType, type Expression, type Kysely, PostgresAdapter, sql } from 'kysely';

export interface DialectTypes {
  readonly binary: ColumnDataType | Expression<unknown>;
  /** Auto-incrementing 64-bit key. */
  readonly serial: ColumnDataType | Expression<unknown>;
  readonly isPostgres: boolean;
}

export function dialectTypes(db: Kysely<unknown>): DialectTypes {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return isPostgres
    ? { binary: sql`bytea`, serial: 'bigserial', isPostgres }
    : { binary: 'blob', serial: 'integer', isPostgres };
}

/** Current time as stored: ISO-8601 UTC with milliseconds. */
export function isoNow(clock: () => Date = () => new Date()): string {
  return clock().toISOString();
}

export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: number | boolean | string): boolean =>
  value === true || value === 1 || value === '1';
