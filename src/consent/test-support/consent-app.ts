/**
 * A real consent module behind a real HTTP shell on real storage, with a real registry for the
 * systems that ask, the real outbox (its ledger in memory), and a test-only citizen
 * authenticator (`Authorization: Bearer citizen.<pseudonym>`) until the portal issue adds sign-in.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../test/support/temp-dirs.js';
import { withCheckDigit } from '../../core/identifiers.js';
import { buildApp, type App } from '../../http/app.js';
import type { Authenticator } from '../../http/access.js';
import { bearerToken } from '../../http/access.js';
import {
  registryHarness,
  type RegistryHarness,
  operatorBody,
  systemBody,
} from '../../registry/test-support/registry-app.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import { createPseudonymizer } from '../../secrets/pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import { createSubjects } from '../../subjects/subjects.module.js';
import { createInProcessBus } from '../../events/index.js';
import type { DomainEvent } from '../../events/events.js';
import type { JsonObject } from '../../ledger/entry/canonical-json.js';
import { createOutbox, type OutboxLedger } from '../../outbox/index.js';
import { createConsentModule, type ConsentModule } from '../consent.module.js';
import {
  type ConsentOutbox,
  type ConsentOutboxItem,
  declaredFromProfiles,
} from '../consent.ports.js';
import { loadReceiptSigner } from '../receipts.js';

/** A ledger in memory: numbers appends in order and, like the real one, keeps each key once. */
export function memoryLedger(): OutboxLedger & {
  entries: { type: string; record: JsonObject; key: string; index: number }[];
} {
  const entries: { type: string; record: JsonObject; key: string; index: number }[] = [];
  return {
    entries,
    append({ type, record, key }) {
      const known = entries.find((e) => e.key === key);
      if (known) return Promise.resolve({ index: known.index });
      const entry = { type, record, key, index: entries.length };
      entries.push(entry);
      return Promise.resolve({ index: entry.index });
    },
  };
}

/**
 * Records enqueued items; `sequence` numbers them in order as the ledger would. For harnesses
 * outside this module that need no ledger (the portal's); this module's own tests use `testOutbox`.
 */
export function recordingOutbox(): ConsentOutbox & {
  enqueued: ConsentOutboxItem[];
  sequenced: ConsentOutboxItem[];
} {
  const enqueued: ConsentOutboxItem[] = [];
  const sequenced: ConsentOutboxItem[] = [];
  return {
    enqueued,
    sequenced,
    enqueue(_trx, items) {
      enqueued.push(...items);
      return Promise.resolve();
    },
    sequence(ids) {
      const result = new Map<string, number>();
      for (const id of ids) {
        const item = enqueued.find((i) => i.id === id);
        if (item && !sequenced.includes(item)) sequenced.push(item);
        result.set(
          id,
          sequenced.findIndex((i) => i.id === id),
        );
      }
      return Promise.resolve(result);
    },
  };
}

/** The real outbox over the storage's own table, a ledger in memory and the in-process bus. */
export function testOutbox(storage: Storage) {
  const ledger = memoryLedger();
  const bus = createInProcessBus();
  const published: DomainEvent[] = [];
  bus.subscribe((event) => {
    published.push(event);
  });
  const service = createOutbox({ db: storage.db, ledger, events: bus });
  const port: ConsentOutbox = {
    enqueue: (trx, items) => service.enqueue(trx as never, items),
    sequence: (ids) => service.sequence(ids),
  };
  return { service, port, ledger, published };
}

/** A valid IIN for a birth date (`YYYY-MM-DD`) and serial. */
export function iinBornOn(birthDate: string, serial = 1): string {
  const [y, m, d] = birthDate.split('-') as [string, string, string];
  const century = Number(y) >= 2000 ? '5' : '3';
  for (let s = serial; ; s++) {
    const iin = withCheckDigit(`${y.slice(2)}${m}${d}${century}${String(s).padStart(4, '0')}`);
    if (iin) return iin;
  }
}

export interface ConsentHarness {
  readonly app: App;
  readonly registry: RegistryHarness;
  readonly consent: ConsentModule;
  /** The real outbox, its ledger in memory (`entries`) and the events it published. */
  readonly outbox: ReturnType<typeof testOutbox>;
  readonly pseudonymOf: (iin: string) => string;
  /** A system with its API key, declaring purposes and categories. */
  newSystem(
    overrides?: Record<string, unknown>,
  ): Promise<{ systemId: string; operatorId: string; key: string }>;
  close(): Promise<void>;
}

export const citizen = (pseudonym: string) => ({ authorization: `Bearer citizen.${pseudonym}` });

export async function consentHarness(
  storage: Storage,
  options: { allowInsecureWebhooks?: boolean; webhookRetryBaseMs?: number } = {},
): Promise<ConsentHarness> {
  const registry = await registryHarness(storage);
  const pseudonymKey = randomBytes(32);
  const pseudonymOf = createPseudonymizer(pseudonymKey);
  const secrets = { pseudonymOf, fields: createFieldCipher(randomBytes(32)) };
  const subjects = createSubjects(storage.db, secrets, registry.clock);
  const outbox = testOutbox(storage);
  // The receipt-signing keys live on disk, as in production; close() removes them.
  const receiptsDir = makeTempDir('qalqan-receipts-');
  const consent = createConsentModule({
    db: storage.db,
    outbox: outbox.port,
    subjects,
    registry: declaredFromProfiles((id, at) => registry.registry.profileOf(id, at), registry.clock),
    fields: secrets.fields,
    receipts: await loadReceiptSigner(path.join(receiptsDir, 'keys')),
    webhooks: {
      allowInsecure: options.allowInsecureWebhooks ?? false,
      ...(options.webhookRetryBaseMs === undefined
        ? {}
        : { retryBaseMs: options.webhookRetryBaseMs }),
    },
    clock: registry.clock,
  });
  const citizenAuthenticator: Authenticator = (request) => {
    const token = bearerToken(request);
    return Promise.resolve(
      token?.startsWith('citizen.')
        ? { kind: 'citizen', pseudonym: token.slice(8), sessionId: 'test' }
        : null,
    );
  };
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: [citizenAuthenticator, ...registry.registry.authenticators],
    routes: [...registry.registry.routes, ...consent.routes],
    logger: false,
  });
  await app.ready();
  const actor = { kind: 'cli' as const, id: 'test' };
  return {
    app,
    registry,
    consent,
    outbox,
    pseudonymOf,
    async newSystem(overrides = {}) {
      const operator = await registry.registry.service.createOperator(
        operatorBody() as never,
        actor,
      );
      const system = await registry.registry.service.createSystem(
        systemBody(operator.record.id, overrides) as never,
        actor,
      );
      const key = await registry.registry.credentials.issueKey(system.record.id, 'consent', actor);
      return { systemId: system.record.id, operatorId: operator.record.id, key: key.apiKey };
    },
    async close() {
      try {
        await app.close();
        await registry.close();
      } finally {
        removeTempDir(receiptsDir);
      }
    },
  };
}
