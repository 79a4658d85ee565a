/**
 * Composed-server tests (`createQalqan` from configuration) on every engine: SQLite always, and
 * PostgreSQL when DATABASE_URL is set — in a fresh schema named in the connection URL (`options=-c
 * search_path=…`, as an operator could), dropped afterwards. Without DATABASE_URL the PostgreSQL
 * copy is reported as skipped.
 *
 *   describeComposed('consent in the composed server', (env) => {
 *     beforeAll(async () => { qalqan = await createQalqan(loadConfig(env())); });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { withPg } from './pg.js';

export type ComposedEnv = () => Record<string, string>;

/**
 * Declares `<name> [sqlite]` and `<name> [postgres]`; `env()` (valid inside hooks and tests) is the
 * configuration environment of a fresh data dir and, on PostgreSQL, DATABASE_URL for a fresh schema.
 */
export function describeComposed(name: string, suite: (env: ComposedEnv) => void): void {
  const databaseUrl = process.env.DATABASE_URL;
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const enabled = dialect === 'sqlite' || databaseUrl !== undefined;
    describe.skipIf(!enabled)(`${name} [${dialect}]`, () => {
      let env: Record<string, string> | undefined;
      let dataDir: string | undefined;
      let schema: string | undefined;
      beforeAll(async () => {
        dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-composed-'));
        env = { QALQAN_DATA_DIR: dataDir, QALQAN_LOG_LEVEL: 'silent' };
        if (dialect === 'postgres' && databaseUrl) {
          schema = `t_${randomBytes(6).toString('hex')}`;
          await withPg(databaseUrl, (client) => client.query(`create schema ${schema}`));
          const options = encodeURIComponent(`-c search_path=${schema}`);
          env.DATABASE_URL = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${options}`;
        }
      });
      afterAll(async () => {
        if (schema && databaseUrl)
          await withPg(databaseUrl, (client) =>
            client.query(`drop schema if exists ${schema} cascade`),
          );
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      });
      suite(() => {
        if (!env) throw new Error('composed env used outside a hook or test');
        return env;
      });
    });
  }
}
