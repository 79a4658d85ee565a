/**
 * Which better-sqlite3 to load. Version 12 is the last that runs on Node 20, but its addon uses
 * Node's raw ObjectWrap, which aborts the process on Node 24 (`RemoveEnvironmentCleanupHook:
 * (env) != nullptr`, nodejs/node#65446) when a statement is collected after teardown. Version 13
 * is built on Node-API and is safe there, but needs Node 22. Both are declared — 13 as an optional
 * dependency under the alias `better-sqlite3-node22`, which npm installs only where its engines
 * fit — and the right one is chosen here. Their JavaScript API is the same.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

export type SqliteDriver = typeof BetterSqlite3;

export function loadSqliteDriver(nodeVersion: string = process.versions.node): SqliteDriver {
  return require(sqliteDriverPath(nodeVersion)) as SqliteDriver;
}

/** The resolved path of the driver `loadSqliteDriver` loads (a worker thread loads the same). */
export function sqliteDriverPath(nodeVersion: string = process.versions.node): string {
  const major = Number(nodeVersion.split('.')[0]);
  if (major >= 22) {
    try {
      return require.resolve('better-sqlite3-node22');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      // Installed on an older Node and copied over: version 12 still works on 22, not on 24.
    }
  }
  return require.resolve('better-sqlite3');
}

/** What Kysely's SQLite dialect asks of a database: `prepare` and `close`. */
export interface PreparingDatabase {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): void;
}

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements reused: the dialect
 * prepares every query it runs, and preparing (parsing and planning the SQL) cost more than running
 * most of the server's statements. Statements are kept by their SQL text, the most recently used
 * `capacity` of them; Kysely runs one query at a time on its one connection, so a statement is
 * never asked for again while it runs. SQLite re-prepares a kept statement by itself when the
 * schema changes (a migration).
 */
export function withStatementCache(
  database: PreparingDatabase,
  capacity = 500,
): PreparingDatabase & { readonly cachedStatements: () => number } {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      const kept = statements.get(sql);
      if (kept) {
        // Most recently used last: the first key is the one to evict.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
    cachedStatements: () => statements.size,
  };
}
