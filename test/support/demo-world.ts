/**
 * One demo world per test run, copied for each suite that reads it. Loading the demo world through
 * the API takes 10–30 s on SQLite and about a minute on PostgreSQL on the shared CI machine, and a
 * dozen suites need it; building it once and copying it (a data dir copied file by file, and on
 * PostgreSQL a database created from it as a template) keeps CI within its time while each suite
 * still gets a world of its own to change.
 *
 * The world is built by the real loader (`loadDemoWorld` through the API) the first time a suite
 * asks for it — by whichever test process asks first, under a lock directory in the run's folder
 * (from test/global-setup.ts), while the others wait — so a run that needs no demo world pays
 * nothing. Suites that test the loader itself (the `demo` command, loading again) still load.
 *
 *   const world = await copyDemoWorld(env());  // env(): describeComposed's, or {} for SQLite
 *   qalqan = await createQalqan(loadConfig(world.env));
 *   world.demo.staff.soc …
 *   afterAll(() => world.remove());
 */
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { type DemoCredentials, loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';
import { databaseUrl, templateDatabase, withPg } from './pg.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's folder for shared test fixtures (removed after the run). */
    fixturesDir: string;
  }
}

export type Engine = 'sqlite' | 'postgres';

export interface DemoWorldCopy {
  /** Configuration environment of this copy: its data dir and, on PostgreSQL, its database. */
  readonly env: Record<string, string>;
  readonly dataDir: string;
  readonly demo: DemoCredentials;
  /** Deletes the copy (its data dir and database). */
  remove(): Promise<void>;
}

function fixturesDir(): string {
  // Under a config without the global setup (none today) each test process builds its own.
  let dir: string | undefined;
  try {
    dir = inject('fixturesDir');
  } catch {
    dir = undefined;
  }
  return dir ?? (fallbackDir ??= mkdtempSync(path.join(tmpdir(), 'qalqan-fixtures-')));
}
let fallbackDir: string | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process that holds `lock` (its pid written inside) has died. */
function holderDied(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just taken, the pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The built world's data dir for `engine`, building it first if no process has. */
async function builtWorld(engine: Engine): Promise<string> {
  const root = fixturesDir();
  const ready = path.join(root, `demo-${engine}`);
  const failed = path.join(root, `demo-${engine}.failed`);
  const lock = path.join(root, `demo-${engine}.lock`);
  // The build takes about a minute on PostgreSQL under load; wait well beyond that.
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(250)) {
    if (existsSync(path.join(ready, 'demo-credentials.json'))) return ready;
    if (existsSync(failed))
      throw new Error(`building the demo world failed:\n${readFileSync(failed, 'utf8')}`);
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds it. If that process was stopped mid-build (a test process ended
      // by a timeout), one waiter moves its lock aside and builds in its place.
      if (holderDied(lock)) {
        try {
          renameSync(lock, `${lock}.died-${process.pid}`);
        } catch {
          // Another waiter moved it first.
        }
      }
      continue;
    }
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    try {
      await build(engine, root, ready);
    } catch (error) {
      writeFileSync(failed, String((error as Error).stack ?? error));
      throw error;
    }
    return ready;
  }
  throw new Error(`the demo world was not built within 10 minutes (${ready})`);
}

async function build(engine: Engine, root: string, ready: string): Promise<void> {
  const building = mkdtempSync(path.join(root, `demo-${engine}-building-`));
  const env: Record<string, string> = { QALQAN_DATA_DIR: building, QALQAN_LOG_LEVEL: 'silent' };
  if (engine === 'postgres') {
    const url = requiredDatabaseUrl();
    const template = templateDatabase(root);
    await withPg(url, async (client) => {
      // Left half-built by a process stopped mid-build, if any.
      await client.query(`drop database if exists ${template} with (force)`);
      await client.query(`create database ${template}`);
    });
    env.DATABASE_URL = databaseUrl(url, template);
  }
  const qalqan = await createQalqan(loadConfig(env), { logger: false });
  try {
    await loadDemoWorld(qalqan);
  } finally {
    // Closed before it is copied: SQLite checkpoints its log, and PostgreSQL copies a template
    // only while nobody is connected to it.
    await qalqan.close();
  }
  // Renamed whole once complete, so a waiting process never copies half a world.
  renameSync(building, ready);
}

function requiredDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('a PostgreSQL demo world needs DATABASE_URL');
  return url;
}

/**
 * A fresh copy of the run's demo world on the engine `base` names (PostgreSQL when it has
 * DATABASE_URL), with the rest of `base` kept.
 */
export async function copyDemoWorld(base: Record<string, string> = {}): Promise<DemoWorldCopy> {
  const engine: Engine = base.DATABASE_URL ? 'postgres' : 'sqlite';
  const source = await builtWorld(engine);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-demo-copy-'));
  cpSync(source, dataDir, { recursive: true });
  const env: Record<string, string> = {
    QALQAN_LOG_LEVEL: 'silent',
    ...base,
    QALQAN_DATA_DIR: dataDir,
  };
  let database: string | undefined;
  if (engine === 'postgres') {
    const url = requiredDatabaseUrl();
    database = `${templateDatabase(fixturesDir())}_${randomBytes(4).toString('hex')}`;
    const template = templateDatabase(fixturesDir());
    await createFromTemplate(url, database, template);
    env.DATABASE_URL = databaseUrl(url, database);
  }
  const file = path.join(dataDir, 'demo-credentials.json');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Omit<DemoCredentials, 'file'>;
  return {
    env,
    dataDir,
    demo: { ...saved, file },
    async remove() {
      if (database)
        await withPg(requiredDatabaseUrl(), (client) =>
          client.query(`drop database if exists ${database} with (force)`),
        );
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL refuses to copy a template while another copy of it starts: try again briefly. */
async function createFromTemplate(url: string, database: string, template: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await withPg(url, (client) =>
        client.query(`create database ${database} template ${template}`),
      );
      return;
    } catch (error) {
      if (attempt >= 40 || !/being accessed by other users/.test(String(error))) throw error;
      await sleep(250);
    }
  }
}
