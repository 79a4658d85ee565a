/**
 * Crash-test child: the real ledger (signing key in the data dir, Kysely store on SQLite or
 * PostgreSQL, sequencer, public routes in the real HTTP shell) and the real outbox, plus one
 * test-only route that makes a change the way every module does — its outbox item committed in a
 * transaction, then sequenced — and answers with the change id and its ledger index. At start it
 * drains what the killed predecessor left pending, as the server does. Prints `READY <port>`.
 *
 *   node --import tsx test/ledger/crash/harness.ts <dataDir> [<postgres schema>]   (DATABASE_URL for PostgreSQL)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { buildApp } from '../../../src/http/app.js';
import { loadSigningKey } from '../../../src/ledger/checkpoint/signing-key.js';
import { createLedger } from '../../../src/ledger/ledger.js';
import { ledgerRoutes } from '../../../src/ledger/ledger.routes.js';
import { createKyselyLedgerStore } from '../../../src/ledger/store/kysely-store.js';
import { createOutbox } from '../../../src/outbox/outbox.js';
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
  batch: { maxEntries: 64 },
  standbyRetryMs: 50,
});
// After a SIGKILL on PostgreSQL the old session's advisory lock lingers until the server notices.
for (let waited = 0; ledger.role !== 'sequencer'; waited += 50) {
  if (waited > 20_000) throw new Error('never became the sequencer');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const outbox = createOutbox({ db: storage.db, ledger });
await outbox.drain();

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};
const crashRoutes: FastifyPluginAsyncTypebox = async (instance) => {
  instance.post(
    '/test/change',
    {
      config: { allow: ['public'] },
      schema: {
        body: Type.Object(
          { client: Type.Integer(), n: Type.Integer() },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { client, n } = request.body;
      const id = `chg_crash_${client}_${n}`;
      await storage.db
        .transaction()
        .execute((trx) =>
          outbox.enqueue(trx, { id, type: 'crash.change', record: { id, client, n } }),
        );
      const index = (await outbox.sequence([id])).get(id) ?? null;
      // Acknowledged only once it is in the log, as a change answered with its ledger index.
      if (index === null) return reply.code(503).send({ id });
      return { id, index };
    },
  );
  instance.get(
    '/test/receipt/:index',
    {
      config: { allow: ['public'] },
      schema: { params: Type.Object({ index: Type.Integer({ minimum: 0 }) }) },
    },
    async (request) => ledger.receipt(request.params.index),
  );
};

const app = await buildApp({
  config,
  checkReady: () => storage.ping(),
  logger: false,
  routes: [
    ledgerRoutes(ledger),
    {
      name: 'crash-test',
      plugin: crashRoutes,
    },
  ],
});
await app.listen({ host: '127.0.0.1', port: 0 });

const address = app.server.address();
process.stdout.write(
  `READY ${typeof address === 'object' && address ? address.port : 0} ${signer.verifierKey}\n`,
);
