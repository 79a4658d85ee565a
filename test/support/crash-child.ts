/**
 * The child side of a crash test (see crash-harness.ts): opens the storage named by
 * `<dataDir> <schema|->` and DATABASE_URL, migrates, starts the real ledger (signing key in the
 * data dir) as the sequencer and the real outbox — as the server does — and, once the caller has
 * composed its routes, listens on loopback and prints `READY <port> <verifier key>`.
 */
import type { Authenticator } from '../../src/http/access.js';
import { buildApp, type RoutePlugin } from '../../src/http/app.js';
import { loadSigningKey } from '../../src/ledger/checkpoint/signing-key.js';
import { createLedger, type Ledger } from '../../src/ledger/ledger.js';
import { ledgerRoutes } from '../../src/ledger/ledger.routes.js';
import { createKyselyLedgerStore } from '../../src/ledger/store/kysely-store.js';
import { createOutbox, type OutboxOptions, type OutboxService } from '../../src/outbox/outbox.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openStorage, type Storage } from '../../src/storage/storage.js';

export interface CrashChildBase {
  readonly dataDir: string;
  /** Arguments after `<dataDir> <schema|->`. */
  readonly extra: readonly string[];
  readonly storage: Storage;
  readonly ledger: Ledger;
  readonly verifierKey: string;
  readonly outbox: OutboxService;
}

export async function openCrashChild(
  options: { batchMaxEntries?: number; outbox?: Pick<OutboxOptions, 'events'> } = {},
): Promise<CrashChildBase> {
  const [dataDir, schemaArg, ...extra] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: harness.ts <dataDir> <schema|-> [...]');
  const schema = schemaArg && schemaArg !== '-' ? schemaArg : undefined;
  const storage = await openStorage({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    schema,
    poolSize: 4,
  });
  await migrateToLatest(storage.db);
  const { signer } = loadSigningKey('crash.qalqan.kz/ledger', { dataDir });
  const ledger = await createLedger({
    store: createKyselyLedgerStore(storage),
    signer,
    ...(options.batchMaxEntries ? { batch: { maxEntries: options.batchMaxEntries } } : {}),
    standbyRetryMs: 50,
  });
  // After a SIGKILL on PostgreSQL the old session's advisory lock lingers until the server notices.
  for (let waited = 0; ledger.role !== 'sequencer'; waited += 50) {
    if (waited > 20_000) throw new Error('never became the sequencer');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const outbox = createOutbox({ db: storage.db, ledger, ...options.outbox });
  return { dataDir, extra, storage, ledger, verifierKey: signer.verifierKey, outbox };
}

/**
 * Serves the ledger's public routes and `routes` in the real HTTP shell on 127.0.0.1 (any port)
 * and prints `READY <port> <verifier key>`.
 */
export async function listenReady(
  base: CrashChildBase,
  routes: readonly RoutePlugin[],
  authenticators: readonly Authenticator[] = [],
): Promise<void> {
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => base.storage.ping(),
    logger: false,
    authenticators,
    routes: [ledgerRoutes(base.ledger), ...routes],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(
    `READY ${typeof address === 'object' && address ? address.port : 0} ${base.verifierKey}\n`,
  );
}
