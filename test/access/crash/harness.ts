/**
 * Access crash-test child: the real access module (routes, service, store) behind the real HTTP
 * shell, with the real ledger (signing key in the data dir) and outbox on SQLite or PostgreSQL.
 * Registry profiles and consents are fixed in-memory ports (what they answer does not matter
 * here: every check, permit or deny, is stored and logged). At start it drains what the killed
 * predecessor left pending, as the server does. Prints `READY <port> <verifier key>`.
 *
 *   node --import tsx test/access/crash/harness.ts <dataDir> <postgres schema|->   (DATABASE_URL for PostgreSQL)
 */
import type { Kysely } from 'kysely';
import { createAccessModule } from '../../../src/access/access.module.js';
import { profile } from '../../../src/access/test-support/access-app.js';
import { checkIin } from '../../../src/core/identifiers.js';
import { bearerToken } from '../../../src/http/access.js';
import type { OutboxTables } from '../../../src/outbox/outbox.tables.js';
import { createFieldCipher } from '../../../src/secrets/field-cipher.js';
import { createPseudonymizer } from '../../../src/secrets/pseudonym.js';
import { ensureSubject } from '../../../src/subjects/subjects.store.js';
import { listenReady, openCrashChild } from '../../support/crash-child.js';

const base = await openCrashChild();
const { storage, ledger, outbox } = base;

// Fixed test keys: pseudonyms must be the same in every incarnation of the child.
const pseudonymOf = createPseudonymizer(Buffer.alloc(32, 7));
const secrets = { pseudonymOf, fields: createFieldCipher(Buffer.alloc(32, 9)) };
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

await listenReady(base, access.routes, [
  (request) =>
    Promise.resolve(
      bearerToken(request) === `system.${SYSTEM}`
        ? { kind: 'system', systemId: SYSTEM, operatorId: clinic.operator.id, credentialId: 'k' }
        : null,
    ),
]);
