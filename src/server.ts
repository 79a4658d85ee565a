/**
 * The composition root: opens storage, runs migrations, loads secrets, creates each module and
 * hands their routes to the HTTP shell. Modules are composed here one line each; the logic of
 * each lives in its own folder.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import { baseUrlOf, type Config } from './config/config.js';
import { type App, buildApp } from './http/app.js';
import { loadSecrets, type Secrets } from './secrets/secrets.js';
import { migrateToLatest } from './storage/migrate.js';
import { openStorage, type Storage } from './storage/storage.js';

export const version: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;

export interface Qalqan {
  readonly config: Config;
  readonly app: App;
  readonly storage: Storage;
  readonly secrets: Secrets;
  /** Stops accepting requests, drains, then closes storage. */
  close(): Promise<void>;
}

export interface CreateOptions {
  readonly logger?: FastifyServerOptions['logger'];
}

export async function createQalqan(config: Config, options: CreateOptions = {}): Promise<Qalqan> {
  const secrets = loadSecrets(config);
  const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrateToLatest(storage.db);
    const app = await buildApp({
      config,
      version,
      checkReady: () => storage.ping(),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      routes: [],
      authenticators: [],
    });
    await app.ready();
    return {
      config,
      app,
      storage,
      secrets,
      async close() {
        await app.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Starts listening; returns the base URL actually bound (the port may have been 0). */
export async function listen(qalqan: Qalqan): Promise<string> {
  await qalqan.app.listen({ host: qalqan.config.host, port: qalqan.config.port });
  const address = qalqan.app.server.address();
  const port = typeof address === 'object' && address ? address.port : qalqan.config.port;
  return baseUrlOf(qalqan.config, port);
}
