/**
 * The server never loads command-line code: neither commander / cli-progress (checked in a child
 * process that imports the real server entry) nor any file of src/cli/ or a *.command.ts (checked
 * by walking the server entry's static import graph).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticImportGraph } from '../support/import-graph.js';

const ROOT = process.cwd();

/** CommonJS files loaded by a child process after importing `entry` (ESM's CJS deps land here). */
function loadedPackagesAfterImporting(entry: string): string[] {
  const script = `
    await import(${JSON.stringify(path.join(ROOT, entry))});
    const { createRequire } = await import('node:module');
    process.stdout.write(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out) as string[];
}

const cliPackage = (file: string) =>
  /[\\/]node_modules[\\/](commander|cli-progress)[\\/]/.test(file);

/** Every source file reachable from `entry` through static relative imports. */
const staticGraph = (entry: string): Set<string> => staticImportGraph(entry, ROOT);

describe('the server loads no CLI code', () => {
  it('importing the server entry loads neither commander nor cli-progress', () => {
    const loaded = loadedPackagesAfterImporting('src/server.ts');
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter(cliPackage)).toEqual([]);
  });

  it('the same probe sees commander when the CLI entry is imported (the check can fail)', () => {
    expect(loadedPackagesAfterImporting('src/cli/main.ts').some(cliPackage)).toBe(true);
  });

  it('no file of src/cli/ nor any *.command.ts is in the server entry’s import graph', () => {
    const graph = [...staticGraph('src/server.ts')].map((file) => path.relative(ROOT, file));
    expect(graph).toContain(path.join('src', 'registry', 'registry.module.ts'));
    expect(
      graph.filter(
        (file) => file.startsWith(`src${path.sep}cli${path.sep}`) || file.endsWith('.command.ts'),
      ),
    ).toEqual([]);
  });

  it('while the CLI entry’s graph does hold them (the walk follows imports)', () => {
    const graph = [...staticGraph('src/cli/main.ts')].map((file) => path.relative(ROOT, file));
    expect(graph.some((file) => file.endsWith('.command.ts'))).toBe(true);
  });
});
