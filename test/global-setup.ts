/**
 * Says once, at the top of the run, which suites that need something outside Node run and which
 * are skipped (and how to enable them), so a newcomer sees why fewer tests ran and CI shows that
 * they all did.
 */
import { existsSync } from 'node:fs';
import { goUnavailable } from './ledger/go/go-verifier.js';

export default function announceSuites(): void {
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
}
