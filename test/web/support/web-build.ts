/** Builds the web app unless `web/dist` is newer than every source it is built from. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository, three folders up. Not imported from test/support/cli.ts, which loads the
// whole CLI (and so every module) into a browser suite or benchmark that needs none of it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const webDir = path.join(repoRoot, 'web');

function newestChange(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(file).map((name) => newestChange(path.join(file, name))),
  );
}

export function ensureWebBuilt(): void {
  const index = path.join(webDir, 'dist', 'index.html');
  const sources = [
    'src',
    'public',
    'index.html',
    'vite.config.ts',
    'package.json',
    'tsconfig.app.json',
  ]
    .map((name) => path.join(webDir, name))
    .filter((file) => existsSync(file));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestChange)))
    return;
  execFileSync('npm', ['run', 'build', '-w', 'web'], {
    cwd: repoRoot,
    stdio: 'pipe',
    timeout: 200_000,
  });
}
