/**
 * A PostgreSQL database of its own for one Qalqan of a benchmark run, created on the server a URL
 * names and dropped after (the benches that take `--database-url`).
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** Runs one statement on the server of `url` (database names cannot be bound parameters). */
async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  /** The new database's URL (the server's user and host). */
  readonly url: string;
  /** Drops it, whoever is still connected. */
  drop(): Promise<void>;
}

/** A new database on the server of `url` (which names a database to connect to first). */
export async function freshDatabase(url: string): Promise<BenchDatabase> {
  const name = `qalqan_bench_${randomBytes(6).toString('hex')}`;
  await onServer(url, `create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    drop: () => onServer(url, `drop database if exists ${name} with (force)`),
  };
}

/** The `--database-url` of a bench's arguments, if any; a URL that is not PostgreSQL's is refused. */
export function databaseUrlOption(args: readonly string[]): string | undefined {
  const at = args.indexOf('--database-url');
  if (at < 0) return undefined;
  const url = args[at + 1];
  if (!url?.startsWith('postgres')) throw new Error('--database-url takes a postgres:// URL');
  return url;
}
