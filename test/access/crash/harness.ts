/**
 * Access crash-test child: the real access module (routes, service, store) behind the real HTTP
 * shell, with the real ledger (signing key in the data dir) and outbox on SQLite or PostgreSQL.
 * Registry profiles and consents are fixed in-memory ports (what they answer does not matter
 * here: every check, permit or deny, is stored and logged). At start it drains what the killed
 * predecessor left pending, as the server does. Prints `READY <port> <verifier key>`.
 *
 *   node --import tsx test/access/crash/harness.ts <dataDir> [<postgres schema>]   (DATABASE_URL for PostgreSQL)
 */
import type { Kysely } from 'kysely';
import { createAccessModule } from '../../../src/access/access.module.js';
import { profile } from '../../../src/access/test-support/access-app.js';
import { checkIin } from '../../../src/core/identifiers.js';
import { buildApp } from '../../../src/http/app.js';
import { bearerToken } from '../../../src/http/access.js';
import { loadSigningKey } from '../../../src/ledger/checkpoint/signing-key.js';
import { createLedger } from '../../../src/ledger/ledger.js';
import { ledgerRoutes } from '../../../src/ledger/ledger.routes.js';
import { createKyselyLedgerStore } from '../../../src/ledger/store/kysely-store.js';
import { createOutbox } from '../../../src/outbox/outbox.js';
import type { OutboxTables } from '../../../src/outbox/outbox.tables.js';
import { createFieldCipher } from '../../../src/secrets/field-cipher.js';
import { createPseudonymizer } from '../../../src/secrets/pseudonym.js';
import { migrateToLatest } from '../../../src/storage/migrate.js';
import { openStorage } from '../../../src/storage/storage.js';
import { ensureSubject } from '../../../src/subjects/subjects.store.js';

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
  standbyRetryMs: 50,
});
// After a SIGKILL on PostgreSQL the old session's advisory lock lingers until the server notices.
for (let waited = 0; ledger.role !== 'sequencer'; waited += 50) {
  if (waited > 20_000) throw new Error('never became the sequencer');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

// Fixed test keys: pseudonyms must be the same in every incarnation of the child.
const pseudonymOf = createPseudonymizer(Buffer.alloc(32, 7));
const secrets = { pseudonymOf, fields: createFieldCipher(Buffer.alloc(32, 9)) };
const outboxDb: Kysely<OutboxTables> = storage.db;
const outbox = createOutbox({ db: outboxDb, ledger });
const SYSTEM = 'sys_crash';
const clinic = profile(SYSTEM);
const access = createAccessModule({
  db: storage.db,
  profiles: { profileOf: (systemId) => Promise.resolve(systemId === SYSTEM ? clinic : null) },
  consents: { coveringConsent: () => Promise.resolve({ covered: false, code: 'none' }) },
  subjects: {
    async subjectOf(iin) {
      const subject = await ensureSubject(storage.db, secrets, iin);
      const check = checkIin(iin);
      return { pseudonym: subject.pseudonym, birthDate: check.valid ? check.birthDate : '' };
    },
    pseudonymOf,
  },
  outbox: {
    enqueue: (trx, items) => outbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
    sequence: (ids) => outbox.sequence(ids),
    ledgerIndexOf: (id) => outbox.ledgerIndexOf(id),
  },
  receipts: ledger,
  actorKey: Buffer.alloc(32, 3),
});
outbox.onSequenced((trx, items) => access.onSequenced(trx as unknown as Kysely<never>, items));
await outbox.drain();

const app = await buildApp({
  config: {
    logLevel: 'silent',
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    metricsToken: undefined,
  },
  checkReady: () => storage.ping(),
  logger: false,
  authenticators: [
    (request) =>
      Promise.resolve(
        bearerToken(request) === `system.${SYSTEM}`
          ? { kind: 'system', systemId: SYSTEM, operatorId: clinic.operator.id, credentialId: 'k' }
          : null,
      ),
  ],
  routes: [ledgerRoutes(ledger), ...access.routes],
});
await app.listen({ host: '127.0.0.1', port: 0 });

const address = app.server.address();
process.stdout.write(
  `READY ${typeof address === 'object' && address ? address.port : 0} ${signer.verifierKey}\n`,
);
