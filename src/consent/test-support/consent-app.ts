/**
 * A real consent module behind a real HTTP shell on real storage, with a real registry for the
 * systems that ask, an outbox port that records what it is given, and a test-only citizen
 * authenticator (`Authorization: Bearer citizen.<pseudonym>`) until the portal issue adds sign-in.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkIin, withCheckDigit } from '../../core/identifiers.js';
import { buildApp, type App } from '../../http/app.js';
import type { Authenticator } from '../../http/access.js';
import { bearerToken } from '../../http/access.js';
import {
  registryHarness,
  type RegistryHarness,
  operatorBody,
  systemBody,
} from '../../registry/test-support/registry-app.js';
import type { RegistryModule } from '../../registry/registry.module.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import { createPseudonymizer } from '../../secrets/pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import { ensureSubject } from '../../subjects/subjects.store.js';
import { createConsentModule, type ConsentModule } from '../consent.module.js';
import type {
  ConsentOutbox,
  ConsentOutboxItem,
  ConsentRegistry,
  ConsentSubjects,
} from '../consent.ports.js';
import { loadReceiptSigner } from '../receipts.js';

/** Records enqueued items; `sequence` numbers them in order as the ledger would. */
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

export function registryPort(registry: RegistryModule): ConsentRegistry {
  return {
    async declaredOf(systemId) {
      const system = await registry.service.getSystem(systemId);
      if (!system) return null;
      const operator = await registry.service.getOperator(system.operatorId);
      return {
        id: system.id,
        operatorId: system.operatorId,
        name: system.name,
        operatorName: operator?.name.en ?? system.operatorId,
        purposes: system.purposes,
        categories: system.categories,
        hostingCountry: system.hosting.country,
      };
    },
  };
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
  readonly outbox: ReturnType<typeof recordingOutbox>;
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
  options: { allowInsecureWebhooks?: boolean } = {},
): Promise<ConsentHarness> {
  const registry = await registryHarness(storage);
  const pseudonymKey = randomBytes(32);
  const pseudonymOf = createPseudonymizer(pseudonymKey);
  const secrets = { pseudonymOf, fields: createFieldCipher(randomBytes(32)) };
  const subjects: ConsentSubjects = {
    async subjectOf(iin) {
      const subject = await ensureSubject(storage.db, secrets, iin);
      const check = checkIin(iin);
      return { pseudonym: subject.pseudonym, birthDate: check.valid ? check.birthDate : '' };
    },
  };
  const outbox = recordingOutbox();
  const consent = createConsentModule({
    db: storage.db,
    outbox,
    subjects,
    registry: registryPort(registry.registry),
    fields: secrets.fields,
    receipts: await loadReceiptSigner(
      path.join(mkdtempSync(path.join(tmpdir(), 'qalqan-receipts-')), 'keys'),
    ),
    webhooks: { allowInsecure: options.allowInsecureWebhooks ?? false },
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
      await app.close();
      await registry.close();
    },
  };
}
