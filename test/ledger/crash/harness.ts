/**
 * Crash-test child: the real ledger (signing key in the data dir, Kysely store on SQLite or
 * PostgreSQL, sequencer, public routes in the real HTTP shell) plus one test-only route that
 * appends a record, which production exposes only through access checks. Prints `READY <port>`.
 *
 *   node --import tsx test/ledger/crash/harness.ts <dataDir> [<postgres schema>]   (DATABASE_URL for PostgreSQL)
 */
import { Type } from 'typebox';
import { buildApp } from '../../../src/http/app.js';
import { loadSigningKey } from '../../../src/ledger/checkpoint/signing-key.js';
import { createLedger } from '../../../src/ledger/ledger.js';
import { ledgerRoutes } from '../../../src/ledger/ledger.routes.js';
import { createKyselyLedgerStore } from '../../../src/ledger/store/kysely-store.js';
import { hashToBase64 } from '../../../src/ledger/tree/hash.js';
import { migrateToLatest } from '../../../src/storage/migrate.js';
import { openStorage } from '../../../src/storage/storage.js';

const [dataDir, schema] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: harness.ts <dataDir> [schema]');

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
  batch: { maxEntries: 64, maxDelayMs: 2 },
  standbyRetryMs: 50,
});
// After a SIGKILL on PostgreSQL the old session's advisory lock lingers until the server notices.
for (let waited = 0; ledger.role !== 'sequencer'; waited += 50) {
  if (waited > 20_000) throw new Error('never became the sequencer');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};
const app = await buildApp({
  config,
  checkReady: () => storage.ping(),
  logger: false,
  routes: [
    ledgerRoutes(ledger),
    {
      name: 'crash-test',
      plugin: async (instance) => {
        instance.post(
          '/test/append',
          {
            config: { allow: ['public'] },
            schema: {
              body: Type.Object(
                { client: Type.Integer(), n: Type.Integer() },
                { additionalProperties: false },
              ),
            },
          },
          async (request) => {
            const record = request.body as { client: number; n: number };
            const result = await ledger.append({ type: 'crash.test', record });
            return { index: result.index, leafHash: hashToBase64(result.leafHash) };
          },
        );
        instance.get('/test/receipt/:index', { config: { allow: ['public'] } }, async (request) =>
          ledger.receipt(Number((request.params as { index: string }).index)),
        );
      },
    },
  ],
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(
  `READY ${typeof address === 'object' && address ? address.port : 0} ${signer.verifierKey}\n`,
);
