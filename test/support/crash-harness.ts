/**
 * What every crash test shares (ledger, access, consent): start a child server from a TypeScript
 * harness (its bundle, test/support/child-bundles.ts) that prints `READY <port> <verifier key>`,
 * kill it with SIGKILL mid-stream,
 * read its tables straight from the database it left behind, and run the same test on SQLite and,
 * with DATABASE_URL, on PostgreSQL in a fresh schema dropped at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { inject, it } from 'vitest';
import { childEntry } from './child-bundles.js';

/** Where a crash test's children keep their data: a data dir, and a PostgreSQL schema or not. */
export interface CrashEngine {
  readonly name: 'SQLite' | 'PostgreSQL';
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  readonly schema?: string | undefined;
}

export interface CrashChild {
  readonly process: ChildProcess;
  readonly url: string;
  /** The ledger's verifier key the child printed. */
  readonly vkey: string;
  /** What the child wrote to its standard error so far (for a failing test's message). */
  readonly stderr: () => string;
}

/**
 * Starts `<harness> <dataDir> <schema|-> [...extra]` (the .ts file's bundle, on plain node) with
 * DATABASE_URL set only on PostgreSQL, and resolves once it prints `READY <port> <vkey>`.
 */
export function startCrashChild(
  harness: string,
  engine: CrashEngine,
  extra: readonly string[] = [],
): Promise<CrashChild> {
  const env = { ...process.env };
  if (engine.databaseUrl) env.DATABASE_URL = engine.databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      childEntry(inject('childBundles'), harness),
      engine.dataDir,
      ...(engine.schema ? [engine.schema] : ['-']),
      ...extra,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`harness did not start: ${stderr}`)), 90_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^READY (\d+) (\S+)\n/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({
          process: child,
          url: `http://127.0.0.1:${match[1]}`,
          vkey: match[2]!,
          stderr: () => stderr,
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${code} before it was ready: ${stderr}`));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kills the child mid-stream: once `progress()` has grown by `atLeast` (or 10 s passed: a loaded
 * machine is slow to start), then after a random moment up to `jitterMs`, so kills land anywhere
 * in a request's path. Resolves when the process has exited.
 */
export async function killMidStream(
  child: CrashChild,
  progress: () => number,
  atLeast: number,
  jitterMs = 300,
): Promise<void> {
  const target = progress() + atLeast;
  for (const started = Date.now(); progress() < target && Date.now() - started < 10_000;)
    await sleep(20);
  await sleep(Math.floor(Math.random() * jitterMs));
  await killNow(child);
}

/** SIGKILL, resolved once the process has exited (a no-op when it already has). */
export async function killNow(child: CrashChild): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

/**
 * Runs each named query against the database a (dead or live) child used, on its engine; rows as
 * the driver returns them (on PostgreSQL int8 comes back as a string: convert with `Number`).
 */
export async function queryStored<Q extends Record<string, string>>(
  engine: CrashEngine,
  queries: Q,
): Promise<{ [K in keyof Q]: Record<string, unknown>[] }> {
  const result: Record<string, Record<string, unknown>[]> = {};
  if (engine.databaseUrl) {
    const client = new pg.Client({
      connectionString: engine.databaseUrl,
      options: `-c search_path=${engine.schema}`,
    });
    await client.connect();
    try {
      for (const [name, text] of Object.entries(queries))
        result[name] = (await client.query<Record<string, unknown>>(text)).rows;
    } finally {
      await client.end();
    }
  } else {
    // Not read-only: after a SIGKILL the write-ahead log may need recovering before a read.
    const sqlite = new BetterSqlite3(path.join(engine.dataDir, 'qalqan.db'));
    try {
      for (const [name, text] of Object.entries(queries))
        result[name] = sqlite.prepare(text).all() as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }
  return result as { [K in keyof Q]: Record<string, unknown>[] };
}

/**
 * Declares `<title> on SQLite` and `<title> on PostgreSQL` (skipped without DATABASE_URL). Each
 * run gets a fresh data dir, and on PostgreSQL a fresh schema, both removed afterwards.
 */
export function itOnEachEngine(
  title: string,
  run: (engine: CrashEngine) => Promise<void>,
  timeoutMs: number,
): void {
  const databaseUrl = process.env.DATABASE_URL;
  for (const name of ['SQLite', 'PostgreSQL'] as const) {
    const enabled = name === 'SQLite' || databaseUrl !== undefined;
    it.skipIf(!enabled)(
      `${title} on ${name}`,
      async () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-crash-'));
        const schema =
          name === 'PostgreSQL' ? `t_crash_${randomBytes(6).toString('hex')}` : undefined;
        try {
          await run({
            name,
            dataDir,
            ...(schema ? { databaseUrl, schema } : {}),
          });
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
          if (schema) {
            const client = new pg.Client({ connectionString: databaseUrl });
            await client.connect();
            try {
              await client.query(`drop schema if exists ${schema} cascade`);
            } finally {
              await client.end();
            }
          }
        }
      },
      timeoutMs,
    );
  }
}
