/**
 * A source file's static import graph, for the architecture tests: every file reachable from an
 * entry through static relative imports (`./x.js` read as `./x.ts`), absolute paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export function staticImportGraph(entry: string, root = process.cwd()): Set<string> {
  const seen = new Set<string>();
  const queue = [path.join(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), fileName).replace(/\.js$/, '.ts');
      if (existsSync(target)) queue.push(target);
    }
  }
  return seen;
}
