/**
 * docs/TESTING.md, "Independent references": tests judge production code against a second, plain
 * implementation, not against itself. Each reference's static import graph (relative imports,
 * followed) must not reach the code it judges — else a bug there would agree with itself.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticImportGraph } from '../support/import-graph.js';

const ROOT = process.cwd();

/** Every source file reachable from `entry` through static relative imports, from the root. */
function importGraph(entry: string): string[] {
  return [...staticImportGraph(entry, ROOT)].map((file) =>
    path.relative(ROOT, file).split(path.sep).join('/'),
  );
}

describe('independent references import nothing of what they judge', () => {
  it.each([
    // DOMAIN.md §1 restated: nothing of src/ at all.
    ['test/support/kz-identifiers.ts', /^src\//],
    // RFC 6962 written literally: none of the tree code it is the oracle for.
    ['src/ledger/tree/test-support/reference.ts', /^src\/ledger\/(?!tree\/test-support\/)/],
    // The plain candidate search: the detectors' checks, but not the byte kernel it judges.
    ['src/scan/test-support/reference.ts', /^src\/scan\/(kernel\/|find-candidates\.ts$)/],
    // The Kazakh code pages from iconv-lite: not the page's tables, nor the decoder using them.
    ['web/src/test-support/kazakh-code-pages.ts', /^web\/src\/features\//],
  ])('%s', (reference, judged) => {
    const graph = importGraph(reference);
    expect(graph[0]).toBe(reference);
    expect(graph.filter((file) => judged.test(file))).toEqual([]);
  });

  it('the walk follows imports (the byte kernel reaches its own files)', () => {
    expect(importGraph('src/scan/find-candidates.ts')).toContain('src/scan/kernel/byte-kernel.ts');
  });
});
