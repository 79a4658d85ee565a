/**
 * Crash-test child: the real ledger (signing key in the data dir, Kysely store on SQLite or
 * PostgreSQL, sequencer, public routes in the real HTTP shell) and the real outbox, plus one
 * test-only route that makes a change the way every module does — its outbox item committed in a
 * transaction, then sequenced — and answers with the change id and its ledger index. At start it
 * drains what the killed predecessor left pending, as the server does. Prints `READY <port>`.
 *
 *   node --import tsx test/ledger/crash/harness.ts <dataDir> <postgres schema|->   (DATABASE_URL for PostgreSQL)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listenReady, openCrashChild } from '../../support/crash-child.js';

const base = await openCrashChild({ batchMaxEntries: 64 });
const { storage, outbox, ledger } = base;
await outbox.drain();

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

await listenReady(base, [{ name: 'crash-test', plugin: crashRoutes }]);
