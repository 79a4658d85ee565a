/**
 * docs/TESTING.md: "The first lines of a run say which optional suites run and which are
 * skipped." Every environment variable a suite is skipped without (read in a file that calls
 * `skipIf` / `runIf`) must have its line in the global setup's announcement — skipped, with how to
 * enable it, when unset; running when set — and be named in docs/TESTING.md. A suite gated on a
 * new variable that nobody announces fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionalSuiteLines } from '../support/optional-suites.js';

const ROOT = process.cwd();

function sources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'fixtures') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sources(full));
    else if (/\.tsx?$/.test(entry.name)) files.push(full);
  }
  return files;
}

/** The variables of `process.env` read by files that skip suites or tests conditionally. */
function gatingVariables(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of ['src', 'test', 'web/src'].flatMap((dir) => sources(path.join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    if (!/\.(skipIf|runIf)\(/.test(text)) continue;
    for (const [, name] of text.matchAll(
      /process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[['"]([A-Z_][A-Z0-9_]*)['"]\])/g,
    ))
      found.set(name!, [...(found.get(name!) ?? []), path.relative(ROOT, file)]);
  }
  return found;
}

describe('the run announces every optional suite', () => {
  const gating = gatingVariables();

  it('finds the suites gated on PostgreSQL and NATS (the scan works)', () => {
    expect([...gating.keys()]).toEqual(expect.arrayContaining(['DATABASE_URL', 'NATS_URL']));
  });

  it.each([...gating.keys()])(
    '%s: skipped with how to enable it when unset, running when set',
    (name) => {
      const unset = optionalSuiteLines({ env: {}, goUnavailable: 'no go', chromium: false });
      expect(
        unset.filter((line) => line.includes('SKIPPED') && line.includes(`set ${name}=`)),
      ).toHaveLength(1);
      const set = optionalSuiteLines({
        env: { [name]: 'x' },
        goUnavailable: undefined,
        chromium: true,
      });
      expect(set.filter((line) => line.includes(`running against ${name}`))).toHaveLength(1);
    },
  );

  it.each([...gating.keys()])('%s is named in docs/TESTING.md', (name) => {
    expect(readFileSync(path.join(ROOT, 'docs', 'TESTING.md'), 'utf8')).toContain(`\`${name}\``);
  });

  it('Go and Chromium have their lines too', () => {
    const unset = optionalSuiteLines({ env: {}, goUnavailable: 'go not found', chromium: false });
    expect(unset).toContain('Go tlog/note interoperability: SKIPPED (go not found)');
    expect(unset).toContain('Browser tests: SKIPPED (apt-get install chromium)');
    const set = optionalSuiteLines({ env: {}, goUnavailable: undefined, chromium: true });
    expect(set).toContain('Go tlog/note interoperability: running');
    expect(set).toContain('Browser tests: running in /usr/bin/chromium');
  });
});
