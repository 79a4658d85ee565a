/**
 * A real access module behind a real HTTP shell on real storage, with the real outbox and a real
 * ledger (on the same database), and in-memory fakes for what other modules provide: registry
 * profiles, covering consents, monitoring responses. Test-only bearer tokens name the caller:
 * `system.<id>`, `staff.<role>`, `citizen.<pseudonym>`.
 */
import { randomBytes } from 'node:crypto';
import { checkIin, withCheckDigit } from '../../core/identifiers.js';
import { indexTaxonomy } from '../../core/taxonomy.js';
import { createInProcessBus } from '../../events/bus.js';
import type { DomainEvent } from '../../events/events.js';
import { type App, buildApp } from '../../http/app.js';
import { type Authenticator, bearerToken, type StaffRole } from '../../http/access.js';
import { createLedger, type Ledger } from '../../ledger/ledger.js';
import { createKyselyLedgerStore } from '../../ledger/store/kysely-store.js';
import { testSigner } from '../../ledger/test-support/fixtures.js';
import { createOutbox, type OutboxService } from '../../outbox/outbox.js';
import type { OutboxTables } from '../../outbox/outbox.tables.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import { createPseudonymizer } from '../../secrets/pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import { ensureSubject } from '../../subjects/subjects.store.js';
import type { AccessProfile, ConsentCoverageResult, MonitoringResponse } from '../access.model.js';
import { type AccessModule, createAccessModule } from '../access.module.js';
import type { Consents, Profiles, Responses } from '../access.ports.js';
import type { Kysely } from 'kysely';

/** A valid IIN for a birth date (`YYYY-MM-DD`) and serial. */
export function iinBornOn(birthDate: string, serial = 1): string {
  const [y, m, d] = birthDate.split('-') as [string, string, string];
  const century = Number(y) >= 2000 ? '5' : '3';
  for (let s = serial; ; s++) {
    const iin = withCheckDigit(`${y.slice(2)}${m}${d}${century}${String(s).padStart(4, '0')}`);
    if (iin) return iin;
  }
}

export function profile(
  id: string,
  overrides: Partial<AccessProfile['system']> = {},
  grounds: AccessProfile['grounds'] = [],
): AccessProfile {
  const operatorId = overrides.operatorId ?? `op_${id}`;
  return {
    system: {
      id,
      operatorId,
      name: `System ${id}`,
      kind: 'ordinary',
      hostingCountry: 'KZ',
      purposes: ['health.treatment', 'finance.credit-scoring', 'transport.insurance'],
      categories: ['identity', 'contact', 'health', 'financial', 'location', 'telematics'],
      ...overrides,
    },
    operator: {
      id: operatorId,
      name: {
        kk: `Оператор ${operatorId}`,
        ru: `Оператор ${operatorId}`,
        en: `Operator ${operatorId}`,
      },
    },
    standing: { ok: true, reasons: [] },
    grounds,
  };
}

export interface Grant {
  readonly consentId: string;
  readonly subject: string;
  readonly system: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly country?: string;
}

export interface AccessHarness {
  readonly app: App;
  readonly access: AccessModule;
  readonly ledger: Ledger;
  readonly outbox: OutboxService;
  readonly profiles: Map<string, AccessProfile>;
  readonly grants: Grant[];
  readonly responses: MonitoringResponse[];
  readonly events: DomainEvent[];
  readonly pseudonymOf: (iin: string) => string;
  readonly now: { value: Date };
  close(): Promise<void>;
}

export const asSystem = (id: string) => ({ authorization: `Bearer system.${id}` });
export const asStaff = (role: StaffRole) => ({ authorization: `Bearer staff.${role}` });
export const asCitizen = (pseudonym: string) => ({ authorization: `Bearer citizen.${pseudonym}` });

/**
 * `cacheMs`: how long regimes and the adequacy list are cached (default 0: a test sees its own
 * changes at once; the server caches them for a second, as `bench/access/check-cpu.bench.ts` does).
 */
export async function accessHarness(
  storage: Storage,
  options: { readonly cacheMs?: number } = {},
): Promise<AccessHarness> {
  const pseudonymOf = createPseudonymizer(randomBytes(32));
  const secrets = { pseudonymOf, fields: createFieldCipher(randomBytes(32)) };
  const now = { value: new Date('2026-12-01T10:00:00.000Z') };
  const clock = () => now.value;
  const ledger = await createLedger({
    store: createKyselyLedgerStore(storage),
    signer: testSigner(),
    clock,
  });
  const bus = createInProcessBus();
  const events: DomainEvent[] = [];
  bus.subscribe((event) => {
    events.push(event);
  });
  const outboxDb: Kysely<OutboxTables> = storage.db;
  const outbox = createOutbox({ db: outboxDb, ledger, events: bus });
  const profiles = new Map<string, AccessProfile>();
  const grants: Grant[] = [];
  const responses: MonitoringResponse[] = [];
  const profilePort: Profiles = {
    profileOf: (systemId) => Promise.resolve(profiles.get(systemId) ?? null),
  };
  const consents: Consents = {
    coveringConsent(query) {
      const mine = grants.filter((g) => g.subject === query.subject && g.system === query.system);
      const covering = mine.find(
        (g) =>
          g.purpose === query.purpose &&
          query.categories.every((c) => g.categories.includes(c)) &&
          (query.country === undefined || g.country === query.country),
      );
      const result: ConsentCoverageResult = covering
        ? { covered: true, consentId: covering.consentId }
        : mine.length > 0
          ? { covered: false, code: 'purpose-not-covered', consentId: mine[0]!.consentId }
          : { covered: false, code: 'none' };
      return Promise.resolve(result);
    },
  };
  const responsePort: Responses = { inForce: () => Promise.resolve(responses) };
  const access = createAccessModule({
    db: storage.db,
    profiles: profilePort,
    consents,
    subjects: {
      async subjectOf(iin) {
        const check = checkIin(iin);
        const subject = await ensureSubject(storage.db, secrets, iin, clock().toISOString());
        return { pseudonym: subject.pseudonym, birthDate: check.valid ? check.birthDate : '' };
      },
      pseudonymOf,
    },
    outbox: {
      enqueue: (trx, items) => outbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
      sequence: (ids) => outbox.sequence(ids),
      ledgerIndexOf: (id) => outbox.ledgerIndexOf(id),
      // As the server wires it: checks without an Idempotency-Key take the one-commit path.
      appendWith: (items, rows) => outbox.appendWith(items, rows),
    },
    receipts: ledger,
    responses: responsePort,
    actorKey: randomBytes(32),
    taxonomy: indexTaxonomy(),
    clock,
    cacheMs: options.cacheMs ?? 0,
  });
  outbox.onSequenced((trx, items) => access.onSequenced(trx as unknown as Kysely<never>, items));

  const authenticator: Authenticator = (request) => {
    const token = bearerToken(request) ?? '';
    const [kind, rest] = [token.slice(0, token.indexOf('.')), token.slice(token.indexOf('.') + 1)];
    if (kind === 'system') {
      const found = profiles.get(rest);
      return Promise.resolve(
        found
          ? { kind: 'system', systemId: rest, operatorId: found.operator.id, credentialId: 'k' }
          : null,
      );
    }
    if (kind === 'staff')
      return Promise.resolve({
        kind: 'staff',
        roles: [rest as StaffRole],
        subject: `test-${rest}`,
        name: rest,
      });
    if (kind === 'citizen')
      return Promise.resolve({ kind: 'citizen', pseudonym: rest, sessionId: 'test' });
    return Promise.resolve(null);
  };
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: [authenticator],
    routes: access.routes,
    logger: false,
  });
  await app.ready();
  return {
    app,
    access,
    ledger,
    outbox,
    profiles,
    grants,
    responses,
    events,
    pseudonymOf,
    now,
    async close() {
      await app.close();
      await ledger.close();
    },
  };
}
