/** PostgreSQL helpers the test suites share: one connection for a few statements, database names. */
import path from 'node:path';
import pg from 'pg';

export async function withPg(url: string, run: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/** The database named `name` on the server of `url`, keeping its user and host (not its options). */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  parsed.searchParams.delete('options');
  return parsed.toString();
}

/**
 * The template database of a run's PostgreSQL demo world, named after the run's fixtures folder;
 * its copies add a suffix, so the global teardown drops them all by this prefix.
 */
export function templateDatabase(fixturesDir: string): string {
  return `qalqan_demo_${path
    .basename(fixturesDir)
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()}`;
}
