/**
 * docs/ARCHITECTURE.md and docs/TESTING.md name files by path (`storage/wal-checkpointer.ts`,
 * `test/support/child-bundles.ts`) or, inside a module's paragraph, by name (`credentials.store.ts`).
 * Each must name a file the repository holds: a path from the root or from `src/`, or a name some
 * tracked file has. A file renamed or removed under a doc fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

const DOCS = ['docs/ARCHITECTURE.md', 'docs/TESTING.md'];
/** Not files: TESTING.md's `.ts` (a kind of file) and `file.ts:1-79` (how a range is written). */
const NOT_FILES = new Set(['.ts', 'file.ts']);
const FILE = /\.(ts|tsx|mjs|js|json|jsonc|md|ya?ml)$/;

const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** The file names in a document's code spans (a span may list several, comma-separated). */
function namedFiles(markdown: string): string[] {
  const named = new Set<string>();
  for (const [, span] of markdown.matchAll(/`([^`\s]+)`/g))
    for (const part of span!.split(',')) {
      const name = part.replace(/^'|'$/g, '').replace(/:\d+-\d+$/, '');
      // `../shared/…` lies beside the repository, not in it (a clean clone has no such folder).
      if (
        FILE.test(name) &&
        !/[*<>{}]/.test(name) &&
        !name.startsWith('../') &&
        !NOT_FILES.has(name)
      )
        named.add(name);
    }
  return [...named];
}

const exists = (name: string) =>
  existsSync(path.join(repoRoot, name)) ||
  existsSync(path.join(repoRoot, 'src', name)) ||
  tracked.some((file) => file.endsWith(`/${name}`));

describe('the files the docs name exist', () => {
  it.each(DOCS)('%s', (doc) => {
    const names = namedFiles(readFileSync(path.join(repoRoot, doc), 'utf8'));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !exists(name))).toEqual([]);
  });

  it('a name no file has is reported', () => {
    const names = namedFiles('See `storage/no-such-file.ts` and `registry/oidc.ts`, `zz-none.ts`.');
    expect(names.filter((name) => !exists(name))).toEqual([
      'storage/no-such-file.ts',
      'zz-none.ts',
    ]);
  });
});
