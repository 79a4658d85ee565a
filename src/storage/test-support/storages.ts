/**
 * Runs one storage suite on every engine: SQLite always, PostgreSQL when `DATABASE_URL` is set
 * (each suite in a fresh schema that is dropped afterwards). Kysely's own rule: no mocks, every
 * store is tested against real databases.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrateToLatest } from '../migrate.js';
import { openStorage, type Dialect, type Storage } from '../storage.js';

export interface StorageFixture {
  /** The open, migrated storage; valid inside the suite's tests. */
  readonly storage: Storage;
  readonly dialect: Dialect;
  readonly dataDir: string;
}

export const postgresUrl = process.env.DATABASE_URL;

/** Opens a fresh, migrated storage of the given kind; `dispose` removes every trace of it. */
export async function openTestStorage(
  dialect: Dialect,
): Promise<{ storage: Storage; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-test-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const storage =
    dialect === 'postgres'
      ? await openStorage({ dataDir, databaseUrl: requirePostgresUrl(), schema, poolSize: 4 })
      : await openStorage({ dataDir });
  try {
    await migrateToLatest(storage.db, storage.native);
  } catch (error) {
    // Nothing of a storage that never opened is left behind: its folder, its schema.
    await storage.close();
    if (dialect === 'postgres') await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    storage,
    dataDir,
    async dispose() {
      await storage.close();
      if (dialect === 'postgres') await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function requirePostgresUrl(): string {
  if (!postgresUrl) throw new Error('DATABASE_URL is not set');
  return postgresUrl;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: requirePostgresUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/**
 * `describeStorage('consent store', (fx) => { it(...) })` declares the suite once per engine.
 * Without `DATABASE_URL` the PostgreSQL copy is reported as skipped, not silently dropped.
 */
export function describeStorage(name: string, suite: (fixture: StorageFixture) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const enabled = dialect === 'sqlite' || postgresUrl !== undefined;
    describe.skipIf(!enabled)(`${name} [${dialect}]`, () => {
      let opened: Awaited<ReturnType<typeof openTestStorage>> | undefined;
      beforeAll(async () => {
        opened = await openTestStorage(dialect);
      });
      afterAll(async () => {
        await opened?.dispose();
      });
      const fixture: StorageFixture = {
        get storage() {
          if (!opened) throw new Error('storage fixture used outside a test');
          return opened.storage;
        },
        get dataDir() {
          if (!opened) throw new Error('storage fixture used outside a test');
          return opened.dataDir;
        },
        dialect,
      };
      suite(fixture);
    });
  }
}
