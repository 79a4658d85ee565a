/**
 * The child processes tests start — the crash tests' harnesses and `qalqan serve` — run on plain
 * `node`, each from a bundle of its source built once per run by the global setup
 * (test/global-setup.ts). Through tsx every child spent about 1.9 s compiling and loading the
 * source tree file by file before it listened, and the crash tests start dozens of them.
 *
 * A bundle runs the same code as tsx does:
 * - Packages stay external: Node loads fastify, better-sqlite3, pg… from node_modules as under
 *   tsx. An ES module resolves bare imports from the folder it lies in (NODE_PATH does not apply),
 *   so the bundles live in the repository's node_modules/.cache, not in the run's folder in
 *   os.tmpdir().
 * - Every source module keeps its own `import.meta.url`, not the bundle's: src/ finds
 *   package.json, its rule files, web/dist and better-sqlite3 relative to itself.
 * - Source maps (children start with --enable-source-maps): a child's stack trace names .ts lines.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's child bundles (see `childEntry`). */
    childBundles: string;
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The entry points tests start as child processes, relative to the repository root. */
export const CHILD_ENTRIES = [
  'src/cli/run.ts',
  'test/access/crash/harness.ts',
  'test/consent/crash/harness.ts',
  'test/ledger/crash/harness.ts',
  'test/outbox/crash/harness.ts',
] as const;

/** `import.meta.url`, `.filename` and `.dirname` of the source file, not of the bundle. */
const ownImportMeta: Plugin = {
  name: 'own-import-meta',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };
      // On the first line, without a line break, so the source map's lines stay right.
      const own =
        `const __ownImportMetaUrl = ${JSON.stringify(pathToFileURL(args.path).href)}, ` +
        `__ownImportMetaFilename = ${JSON.stringify(args.path)}, ` +
        `__ownImportMetaDirname = ${JSON.stringify(path.dirname(args.path))};`;
      return { contents: own + source, loader: 'ts' };
    });
  },
};

/**
 * Bundles every entry of `CHILD_ENTRIES` into a folder of its own for the run named `runName`
 * (under node_modules/.cache) and returns that folder; `removeChildBundles` deletes it.
 */
export async function bundleChildren(runName: string): Promise<string> {
  const outdir = path.join(repoRoot, 'node_modules', '.cache', 'qalqan-test-children', runName);
  const { outputFiles } = await build({
    absWorkingDir: repoRoot,
    entryPoints: [...CHILD_ENTRIES],
    outbase: repoRoot,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: true,
    // The sources are on disk for anyone reading a trace; the maps need only say where.
    sourcesContent: false,
    logLevel: 'warning',
    // Each module's own `const`, declared by the plugin (esbuild renames them apart).
    define: {
      'import.meta.url': '__ownImportMetaUrl',
      'import.meta.filename': '__ownImportMetaFilename',
      'import.meta.dirname': '__ownImportMetaDirname',
    },
    plugins: [ownImportMeta],
    write: false,
  });
  for (const file of outputFiles) {
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path, file.path.endsWith('.map') ? absoluteSources(file) : file.contents);
  }
  return outdir;
}

/**
 * A source map naming its sources by absolute URL: Node resolves relative ones from the bundle's
 * real path, and in a git worktree whose node_modules links to another checkout's, traces would
 * name that checkout's files.
 */
function absoluteSources(map: { path: string; text: string }): string {
  const parsed = JSON.parse(map.text) as { sources: string[] };
  parsed.sources = parsed.sources.map(
    (source) => pathToFileURL(path.resolve(path.dirname(map.path), source)).href,
  );
  return JSON.stringify(parsed);
}

export function removeChildBundles(outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
}

/** The bundle of `source` (a path in `CHILD_ENTRIES`, absolute or from the repository root). */
export function childEntry(bundles: string, source: string): string {
  const relative = path.relative(repoRoot, path.resolve(repoRoot, source));
  const bundle = path.join(bundles, relative.replace(/\.ts$/, '.mjs'));
  if (!existsSync(bundle))
    throw new Error(
      `no bundle of ${relative}: add it to CHILD_ENTRIES (test/support/child-bundles.ts)`,
    );
  return bundle;
}
