/**
 * `npm run lint` runs markdownlint-cli2 with the repository's `.markdownlint-cli2.jsonc`; these
 * tests show that configuration refusing what it is there to refuse — a table whose row has more
 * cells than its header, as a `|` inside a code span makes — and accepting the fixed table.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

const cli = path.join(
  path.dirname(createRequire(import.meta.url).resolve('markdownlint-cli2')),
  'markdownlint-cli2-bin.mjs',
);
const workDir = mkdtempSync(path.join(tmpdir(), 'qalqan-mdlint-'));
copyFileSync(
  path.join(repoRoot, '.markdownlint-cli2.jsonc'),
  path.join(workDir, '.markdownlint-cli2.jsonc'),
);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Lints one document with the repository's configuration; returns the exit code and output. */
function lint(markdown: string): { code: number | null; output: string } {
  writeFileSync(path.join(workDir, 'doc.md'), markdown);
  const run = spawnSync(process.execPath, [cli], { cwd: workDir, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const table = (row: string) =>
  `# Routes\n\n| route | who | what |\n| ----- | --- | ---- |\n${row}\n`;

describe('Markdown lint configuration', () => {
  it('fails on a table row whose code span holds a `|` (MD056, column count)', () => {
    const { code, output } = lint(
      table('| `POST /v1/registry/systems/{id}/reinstate|revoke` | regulator | status |'),
    );
    expect(code).toBe(1);
    expect(output).toContain('MD056/table-column-count');
  });

  it('passes the same table with the alternatives in separate code spans', () => {
    const { code, output } = lint(
      table('| `POST /v1/registry/systems/{id}/reinstate`, `…/revoke` | regulator | status |'),
    );
    expect(output).not.toContain('MD056');
    expect(code).toBe(0);
  });

  it('allows long lines (MD013 off)', () => {
    expect(lint(`# Title\n\n${'word '.repeat(60).trim()}\n`).code).toBe(0);
  });
});
