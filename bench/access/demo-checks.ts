/**
 * The composed server with the demo world (SQLite in a temporary directory, or a PostgreSQL
 * database of its own), and the access bench's check (a `law` basis, 500 rotating subjects, 40
 * actors) sent through `app.inject` as the demo bank's core-banking system: shared by the benches
 * that count what a check writes or sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { kycCheck } from './bench-check.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';
import { freshDatabase } from './pg-database.js';

export interface DemoChecks {
  /** The data directory (the SQLite database is `qalqan.db` in it). */
  readonly dataDir: string;
  /** Sends one check; throws unless it is answered 200. */
  readonly check: () => Promise<void>;
  /** Closes the server and removes the data directory. */
  readonly close: () => Promise<void>;
  /** Closes the server, keeping the data directory (to read the database afterwards). */
  readonly stop: () => Promise<void>;
}

/**
 * `serverUrl`: run on a PostgreSQL database of its own on that server (created now, dropped at
 * `close`) instead of SQLite.
 */
export async function startDemoChecks(name: string, serverUrl?: string): Promise<DemoChecks> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `qalqan-bench-${name}-`));
  const database = serverUrl ? await freshDatabase(serverUrl) : undefined;
  const qalqan = await createQalqan(
    loadConfig({
      QALQAN_DATA_DIR: dataDir,
      QALQAN_LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database.url } : {}),
    }),
    { logger: false },
  );
  const demo = await loadDemoWorld(qalqan);
  const bank = demo.systems.find((s) => s.system === 'Core banking');
  if (!bank) throw new Error('the demo world has no Core banking system');
  let next = 0;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await qalqan.close();
  };
  return {
    dataDir,
    check: async () => {
      const n = next++;
      const answer = await qalqan.app.inject({
        method: 'POST',
        url: '/v1/access-checks',
        headers: { authorization: `Bearer ${bank.apiKey}` },
        payload: kycCheck(n),
      });
      if (answer.statusCode !== 200) throw new Error(`check answered ${answer.statusCode}`);
    },
    stop,
    close: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}
