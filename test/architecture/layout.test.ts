/**
 * docs/ARCHITECTURE.md's Layout lists what `src/` holds, one line per folder or top-level file.
 * The list and the tree must agree both ways: a folder added, renamed or removed without its
 * line (or a line left for a folder that is gone) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

/** The entries of the Layout block's `src/` part: `core/`, `server.ts`, … */
function documentedSrcEntries(): string[] {
  const doc = readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const layout = doc.slice(doc.indexOf('\n## Layout\n'));
  const block = /```text\n([\s\S]*?)```/.exec(layout)![1]!;
  const lines = block.split('\n');
  const start = lines.indexOf('src/');
  expect(start, 'the Layout block starts with src/').toBeGreaterThanOrEqual(0);
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break; // the next top-level entry (web/, test/, …)
    const entry = /^ {2}(\S+)\s/.exec(line)?.[1];
    if (entry) entries.push(entry);
  }
  return entries;
}

describe('the Layout section lists src/ as it is', () => {
  it('one line for each folder of src/ and each file directly in it, and none for anything else', () => {
    const actual = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? `${entry.name}/` : entry.name,
    );
    expect(documentedSrcEntries().sort()).toEqual(actual.sort());
  });
});
