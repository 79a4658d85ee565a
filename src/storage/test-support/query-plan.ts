/**
 * The plan the database chooses for a compiled query, as one line, for tests that hold a query to
 * an index: SQLite's `explain query plan` details; PostgreSQL's `explain` with sequential and
 * bitmap scans priced out (on a test's small tables it would otherwise scan whatever index there
 * is), inside a transaction rolled back.
 */
import type { CompiledQuery } from 'kysely';
import type { Storage } from '../storage.js';

export async function planOf(storage: Storage, query: CompiledQuery): Promise<string> {
  const native = storage.native;
  if (native.dialect === 'sqlite') {
    const steps = native.sqlite
      .prepare(`explain query plan ${query.sql}`)
      .all(...(query.parameters as unknown[])) as { detail: string }[];
    return steps.map((step) => step.detail).join('; ');
  }
  const client = await native.pool.connect();
  try {
    await client.query('begin');
    await client.query('set local enable_seqscan = off');
    await client.query('set local enable_bitmapscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain ${query.sql}`,
      query.parameters as unknown[],
    );
    return rows.map((row) => row['QUERY PLAN']).join('; ');
  } finally {
    await client.query('rollback');
    client.release();
  }
}
