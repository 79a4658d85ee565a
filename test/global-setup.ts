/**
 * Says once, at the top of the run, which suites that need something outside Node run and which
 * are skipped (and how to enable them), so a newcomer sees why fewer tests ran and CI shows that
 * they all did. Gives the run a folder for fixtures its suites share (the demo world,
 * test/support/demo-world.ts) and removes it, with the PostgreSQL databases built there, after.
 * Bundles the entry points tests start as child processes (test/support/child-bundles.ts).
 * Fails the run if its tests left temporary folders behind (see `checkTempDirsRemoved`).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { templateDatabase, withPg } from './support/pg.js';
import { goUnavailable } from './ledger/go/go-verifier.js';
import { bundleChildren, removeChildBundles } from './support/child-bundles.js';
import { optionalSuiteLines } from './support/optional-suites.js';

/**
 * Folders in os.tmpdir() kept across runs on purpose: the Go build caches of
 * test/ledger/go/go-verifier.ts. Benchmarks' qalqan-bench-* are not the tests' to judge.
 */
const KEPT_TEMP_DIRS = [/^qalqan-go-cache$/, /^qalqan-ledger-go-verify-/, /^qalqan-bench-/];

function isJudgedTempName(name: string): boolean {
  return name.startsWith('qalqan-') && !KEPT_TEMP_DIRS.some((kept) => kept.test(name));
}

function judgedTempNames(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter(isJudgedTempName));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lines = optionalSuiteLines({
    env: process.env,
    goUnavailable: goUnavailable(),
    chromium: existsSync('/usr/bin/chromium'),
  });
  console.log(`\n${lines.join('\n')}\n`);

  const namesBefore = judgedTempNames();
  const fixturesDir = mkdtempSync(path.join(tmpdir(), 'qalqan-run-'));
  project.provide('fixturesDir', fixturesDir);
  const journal = path.join(fixturesDir, 'temp-dirs.journal');
  project.provide('tempDirJournal', journal);
  let childBundles: string;
  try {
    childBundles = await bundleChildren(path.basename(fixturesDir));
  } catch (error) {
    // A syntax error in a child's source: no teardown runs, so nothing is left to it.
    rmSync(fixturesDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('childBundles', childBundles);
  return async () => {
    removeChildBundles(childBundles);
    const madeByTests = existsSync(journal)
      ? readFileSync(journal, 'utf8').split('\n').filter(Boolean)
      : [];
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
    checkTempDirsRemoved(namesBefore, madeByTests);
  };
}

/**
 * A CI machine that runs the suite many times fills its disk with what tests leave in
 * os.tmpdir(), so a leftover fails the run — but only one this run's test processes certainly
 * made: they note every folder they make there (test/support/temp-dir-journal.ts), and one noted
 * that still exists is this run's leak. A name that merely appeared during the run may be another
 * process's at work (a benchmark, a second run on the same machine), and failing on it would fail
 * runs at random; such names, if they look like ours, are only printed, for a person to judge
 * (a server a test started as a child process is not journaled, for one).
 */
function checkTempDirsRemoved(namesBefore: ReadonlySet<string>, madeByTests: string[]): void {
  const left = [...new Set(madeByTests)]
    .filter((dir) => isJudgedTempName(path.basename(dir)) && existsSync(dir))
    .sort();
  const leftNames = new Set(left.map((dir) => path.basename(dir)));
  const appeared = [...judgedTempNames()]
    .filter((name) => !namesBefore.has(name) && !leftNames.has(name))
    .sort();
  if (appeared.length > 0)
    console.warn(
      `\nThese folders appeared in ${tmpdir()} during the run, made by no test process of it ` +
        `(another run or a benchmark at work, or a server a test started?):\n  ${appeared.join('\n  ')}\n`,
    );
  if (left.length > 0) {
    // Vitest only logs an error thrown here and still exits 0: the exit code is set by hand.
    process.exitCode = 1;
    console.error(
      `\nFAIL: the tests left ${left.length} temporary folder(s) behind; each test must remove ` +
        `what it makes (test/support/temp-dirs.ts):\n  ${left.join('\n  ')}\n`,
    );
  }
}
