/**
 * Builds (once per source hash) and runs the Go interoperability verifier `verify.go`. The binary
 * is cached in the temp dir under a key of the source and the Go version, so only the first run
 * on a machine pays for the build (~10 s); later runs start it directly.
 */
import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'verify.go');
const GOPATH = '/usr/share/gocode';

/** Why the Go test cannot run here, or undefined when it can. */
export function goUnavailable(): string | undefined {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) return 'go is not installed (apt-get install golang-go)';
  if (!existsSync(path.join(GOPATH, 'src/golang.org/x/mod/sumdb/tlog'))) {
    return 'golang.org/x/mod is not installed (apt-get install golang-golang-x-mod-dev)';
  }
  return undefined;
}

const goEnv = () => ({
  ...process.env,
  GO111MODULE: 'off',
  GOPATH,
  GOCACHE: path.join(tmpdir(), 'qalqan-go-cache'),
  GOFLAGS: '',
});

/** Path of the compiled verifier, building it if this source has not been built yet. */
export function buildGoVerifier(): string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout;
  const key = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(version)
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(tmpdir(), `qalqan-ledger-go-verify-${key}`);
  const binary = path.join(dir, 'verify');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Build beside the final name and rename: parallel test workers never run a half-written file.
  const partial = `${binary}.${process.pid}`;
  const build = spawnSync('go', ['build', '-o', partial, SOURCE], {
    env: goEnv(),
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (build.status !== 0)
    throw new Error(`go build failed: ${build.stderr || build.error?.message}`);
  renameSync(partial, binary);
  return binary;
}

export interface GoRun {
  readonly code: number;
  readonly output: string;
}

export function runGoVerifier(binary: string, args: readonly string[]): Promise<GoRun> {
  return new Promise((resolve) => {
    execFile(binary, [...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}
