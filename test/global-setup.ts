/**
 * Says once, at the top of the run, which suites that need something outside Node run and which
 * are skipped (and how to enable them), so a newcomer sees why fewer tests ran and CI shows that
 * they all did. Gives the run a folder for fixtures its suites share (the demo world,
 * test/support/demo-world.ts) and removes it, with the PostgreSQL databases built there, after.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { templateDatabase, withPg } from './support/pg.js';
import { goUnavailable } from './ledger/go/go-verifier.js';

export default function setup(project: TestProject): () => Promise<void> {
  const go = goUnavailable();
  const lines = [
    process.env.DATABASE_URL
      ? 'PostgreSQL suites: running against DATABASE_URL'
      : 'PostgreSQL suites: SKIPPED (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them)',
    go === undefined
      ? 'Go tlog/note interoperability: running'
      : `Go tlog/note interoperability: SKIPPED (${go})`,
    existsSync('/usr/bin/chromium')
      ? 'Browser tests: running in /usr/bin/chromium'
      : 'Browser tests: SKIPPED (apt-get install chromium)',
  ];
  console.log(`\n${lines.join('\n')}\n`);

  const fixturesDir = mkdtempSync(path.join(tmpdir(), 'qalqan-run-'));
  project.provide('fixturesDir', fixturesDir);
  return async () => {
    const url = process.env.DATABASE_URL;
    if (url) {
      // The template and any copy a crashed suite left behind.
      const prefix = templateDatabase(fixturesDir);
      await withPg(url, async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          'select datname from pg_database where datname like $1',
          [`${prefix}%`],
        );
        for (const { datname } of rows)
          await client.query(`drop database if exists ${datname} with (force)`);
      });
    }
    rmSync(fixturesDir, { recursive: true, force: true });
  };
}
