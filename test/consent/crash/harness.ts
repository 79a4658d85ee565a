/**
 * Consent crash-test child: the real consent module (routes, service, store, webhook outbox and
 * its delivery worker on a 100 ms schedule, retrying from 1 s) behind the real HTTP shell, with
 * the real ledger (signing key in the data dir), outbox and subjects on SQLite or PostgreSQL. The
 * registry is a fixed in-memory port declaring one system. Test principals:
 * `Bearer system.sys_crash` for the system, `Bearer citizen.<pseudonym>` for a citizen. Webhooks
 * may go to a local http receiver (as in demo mode). At start it drains what the killed
 * predecessor left pending, as the server does; webhook deliveries owed are in the database and
 * the worker picks them up. Events the outbox publishes are appended to
 * `<dataDir>/published.log`. Prints `READY <port> <verifier key>`.
 *
 *   node --import tsx test/consent/crash/harness.ts <dataDir> <postgres schema|->   (DATABASE_URL for PostgreSQL)
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createConsentModule } from '../../../src/consent/consent.module.js';
import { loadReceiptSigner } from '../../../src/consent/receipts.js';
import { createInProcessBus } from '../../../src/events/index.js';
import { bearerToken } from '../../../src/http/access.js';
import type { OutboxTables } from '../../../src/outbox/outbox.tables.js';
import { createFieldCipher } from '../../../src/secrets/field-cipher.js';
import { createPseudonymizer } from '../../../src/secrets/pseudonym.js';
import { createSubjects } from '../../../src/subjects/subjects.module.js';
import { listenReady, openCrashChild } from '../../support/crash-child.js';

/** The keys every incarnation shares, so pseudonyms and sealed webhook secrets stay readable. */
const CRASH_PSEUDONYM_KEY = Buffer.alloc(32, 7);
const FIELD_KEY = Buffer.alloc(32, 9);
const CRASH_SYSTEM = 'sys_crash';

// The in-process EventPublisher, as in the server; a subscriber appends what it receives to
// `published.log` in the data dir (a write the kernel keeps when the process is killed), so the
// test sees every event any incarnation published.
const events = createInProcessBus();
const base = await openCrashChild({ outbox: { events } });
const { storage, ledger, outbox } = base;
events.subscribe((event) => {
  appendFileSync(path.join(base.dataDir, 'published.log'), `${JSON.stringify(event)}\n`);
});
const secrets = {
  pseudonymOf: createPseudonymizer(CRASH_PSEUDONYM_KEY),
  fields: createFieldCipher(FIELD_KEY),
};
const consent = createConsentModule({
  db: storage.db,
  outbox: {
    enqueue: (trx, items) => outbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
    sequence: (ids) => outbox.sequence(ids),
  },
  subjects: createSubjects(storage.db, secrets),
  registry: {
    declaredOf: (systemId) =>
      Promise.resolve(
        systemId === CRASH_SYSTEM
          ? {
              id: CRASH_SYSTEM,
              operatorId: 'opr_crash',
              name: 'Crash clinic records',
              operatorName: 'Crash clinic',
              purposes: ['health.treatment'],
              categories: ['identity', 'health'],
              hostingCountry: 'KZ',
            }
          : null,
      ),
  },
  fields: secrets.fields,
  receipts: await loadReceiptSigner(path.join(base.dataDir, 'receipt-keys')),
  // Retries from 1 s, not the default 10 s: every webhook owed when a child is killed is retried by
  // the last child within seconds, so the test's final wait for them stays short.
  webhooks: { allowInsecure: true, retryBaseMs: 1000 },
});
await outbox.drain();
consent.startScheduler(100, () => ledger.role === 'sequencer');

await listenReady(base, consent.routes, [
  (request) => {
    const token = bearerToken(request);
    if (token === `system.${CRASH_SYSTEM}`)
      return Promise.resolve({
        kind: 'system',
        systemId: CRASH_SYSTEM,
        operatorId: 'opr_crash',
        credentialId: 'k',
      });
    if (token?.startsWith('citizen.'))
      return Promise.resolve({ kind: 'citizen', pseudonym: token.slice(8), sessionId: 'crash' });
    return Promise.resolve(null);
  },
]);
