/**
 * The monitoring centre's response side on real storage with the real outbox and ledger, a real
 * access module (its `Responses` port wired to the response module, its `subjectsAccessedBy`
 * feeding incidents), the real citizen inbox on the event bus, and the default rule pack in a
 * real engine fed by the bus — monitor-core's wiring in miniature. The registry is an in-memory
 * fake (its operators are those of its systems) whose suspend / reinstate record what they were
 * asked. Test-only bearer tokens name the caller: `system.<id>`, `staff.<role>`,
 * `citizen.<pseudonym>`.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccessProfile } from '../../access/access.model.js';
import { type AccessModule, createAccessModule } from '../../access/access.module.js';
import type { Consents, Profiles } from '../../access/access.ports.js';
import { checkIin } from '../../core/identifiers.js';
import { DomainError } from '../../core/errors.js';
import { indexTaxonomy } from '../../core/taxonomy.js';
import { createInProcessBus } from '../../events/bus.js';
import type { DomainEvent } from '../../events/events.js';
import { type App, buildApp } from '../../http/app.js';
import { type Authenticator, bearerToken, type StaffRole } from '../../http/access.js';
import { createLedger, type Ledger } from '../../ledger/ledger.js';
import { createKyselyLedgerStore } from '../../ledger/store/kysely-store.js';
import { testSigner } from '../../ledger/test-support/fixtures.js';
import { createNotifyModule, type NotifyModule } from '../../notify/notify.module.js';
import { createOutbox, type OutboxService } from '../../outbox/outbox.js';
import type { OutboxTables } from '../../outbox/outbox.tables.js';
import { createFieldCipher } from '../../secrets/field-cipher.js';
import { createPseudonymizer } from '../../secrets/pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import { ensureSubject } from '../../subjects/subjects.store.js';
import type { DayTransfers } from '../breach-clock.js';
import { createMonitorEngine, type MonitorAlert, type MonitorEngine } from '../engine.js';
import { readRuleSources } from '../rule-files.js';
import { loadRules } from '../rule-loader.js';
import type { ResponseCases, SystemFacts } from '../response.ports.js';
import { createMonitorResponseModule, type MonitorResponseModule } from '../response.module.js';
import type { ResponseView } from '../responses.store.js';

export interface FakeSystem extends SystemFacts {
  status: 'active' | 'suspended' | 'revoked';
}

export interface ResponseHarness {
  readonly app: App;
  readonly module: MonitorResponseModule;
  readonly access: AccessModule;
  readonly notify: NotifyModule;
  readonly engine: MonitorEngine;
  readonly ledger: Ledger;
  readonly outbox: OutboxService;
  readonly systems: Map<string, FakeSystem>;
  readonly registryCalls: {
    op: 'suspend' | 'reinstate';
    systemId: string;
    until?: string | null;
    by: string;
  }[];
  readonly cases: Map<string, Awaited<ReturnType<ResponseCases['get']>>>;
  readonly events: DomainEvent[];
  readonly alerts: MonitorAlert[];
  readonly responded: ResponseView[][];
  readonly pseudonymOf: (iin: string) => string;
  readonly now: { value: Date };
  /** Calls of the `subjectsAccessedBy` port; the call numbered `failAt` fails (a fault to inject). */
  readonly accessedByCalls: { count: number; failAt: number | null };
  /** Waits until every alert raised so far has been acted on. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const asSystem = (id: string) => ({ authorization: `Bearer system.${id}` });
export const asStaff = (role: StaffRole) => ({ authorization: `Bearer staff.${role}` });
export const asCitizen = (pseudonym: string) => ({ authorization: `Bearer citizen.${pseudonym}` });

export function fakeSystem(id: string, operatorId = `op_${id}`): FakeSystem {
  return {
    id,
    operatorId,
    name: `System ${id}`,
    status: 'active',
    operatorName: {
      kk: `Оператор ${operatorId}`,
      ru: `Оператор ${operatorId}`,
      en: `Operator ${operatorId}`,
    },
    categories: ['identity', 'financial'],
  };
}

function profileOf(system: FakeSystem): AccessProfile {
  return {
    system: {
      id: system.id,
      operatorId: system.operatorId,
      kind: 'ordinary',
      hostingCountry: 'KZ',
      purposes: ['finance.kyc', 'health.treatment'],
      categories: ['identity', 'contact', 'document', 'health'],
    },
    operator: { id: system.operatorId },
    standing:
      system.status === 'active'
        ? { ok: true, reasons: [] }
        : {
            ok: false,
            reasons: [
              {
                code: 'system.suspended',
                message: { kk: 'тоқтатылды', ru: 'приостановлена', en: 'suspended' },
              },
            ],
          },
    grounds: [
      {
        kind: 'law',
        purpose: 'finance.kyc',
        reference: 'AML law, art. 5',
        validFrom: '2020-01-01T00:00:00.000Z',
        validTo: null,
      },
    ],
  };
}

export async function responseHarness(
  storage: Storage,
  options: {
    cacheMs?: number;
    pageSize?: number;
    breachTransfers?: Readonly<Record<string, DayTransfers>>;
  } = {},
): Promise<ResponseHarness> {
  const pseudonymOf = createPseudonymizer(randomBytes(32));
  const secrets = { pseudonymOf, fields: createFieldCipher(randomBytes(32)) };
  const now = { value: new Date('2026-12-01T05:00:00.000Z') };
  const clock = () => now.value;
  const ledger = await createLedger({
    store: createKyselyLedgerStore(storage),
    signer: testSigner(),
    clock,
  });
  const bus = createInProcessBus();
  const events: DomainEvent[] = [];
  const outboxDb: Kysely<OutboxTables> = storage.db;
  const outbox = createOutbox({ db: outboxDb, ledger, events: bus });
  const systems = new Map<string, FakeSystem>();
  const registryCalls: ResponseHarness['registryCalls'] = [];
  const cases: ResponseHarness['cases'] = new Map();
  const subjectOf = async (iin: string) => {
    const check = checkIin(iin);
    const subject = await ensureSubject(storage.db, secrets, iin, clock().toISOString());
    return { pseudonym: subject.pseudonym, birthDate: check.valid ? check.birthDate : '' };
  };

  const late: { access?: AccessModule } = {};
  const accessedByCalls: ResponseHarness['accessedByCalls'] = { count: 0, failAt: null };
  const module = createMonitorResponseModule({
    db: storage.db,
    outbox: {
      enqueue: (trx, items) => outbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
      sequence: (ids) => outbox.sequence(ids),
    },
    subjects: { subjectOf, pseudonymOf },
    registry: {
      systemOf: (id) => Promise.resolve(systems.get(id) ?? null),
      // The fake registry's operators are those of its systems.
      operatorExists: (operatorId) =>
        Promise.resolve([...systems.values()].some((system) => system.operatorId === operatorId)),
      suspend(systemId, _reason, until, by) {
        const system = systems.get(systemId);
        if (!system)
          return Promise.reject(new DomainError('registry.system_not_found', `No ${systemId}.`));
        registryCalls.push({ op: 'suspend', systemId, until, by });
        system.status = 'suspended';
        return Promise.resolve();
      },
      reinstate(systemId, _reason, by) {
        const system = systems.get(systemId);
        if (!system)
          return Promise.reject(new DomainError('registry.system_not_found', `No ${systemId}.`));
        registryCalls.push({ op: 'reinstate', systemId, by });
        system.status = 'active';
        return Promise.resolve();
      },
    },
    // Bound late: the access module is made after this one, as in server.ts.
    accessedBy: (systemId, from, to, page) => {
      accessedByCalls.count += 1;
      if (accessedByCalls.count === accessedByCalls.failAt)
        return Promise.reject(new Error('injected: the access records are unreachable'));
      return late.access!.subjectsAccessedBy(systemId, from, to, page);
    },
    cases: { get: (id) => Promise.resolve(cases.get(id) ?? null) },
    clock,
    cacheMs: options.cacheMs ?? 0,
    ...(options.breachTransfers ? { breachTransfers: options.breachTransfers } : {}),
    ...(options.pageSize !== undefined ? { notifyPageSize: options.pageSize } : {}),
  });
  const profiles: Profiles = {
    profileOf: (systemId) => {
      const system = systems.get(systemId);
      return Promise.resolve(system ? profileOf(system) : null);
    },
  };
  const consents: Consents = {
    coveringConsent: () => Promise.resolve({ covered: false, code: 'none' }),
  };
  const access = createAccessModule({
    db: storage.db,
    profiles,
    consents,
    subjects: { subjectOf, pseudonymOf },
    outbox: {
      enqueue: (trx, items) => outbox.enqueue(trx as unknown as Kysely<OutboxTables>, items),
      sequence: (ids) => outbox.sequence(ids),
      ledgerIndexOf: (id) => outbox.ledgerIndexOf(id),
    },
    receipts: ledger,
    responses: module.responses,
    actorKey: randomBytes(32),
    taxonomy: indexTaxonomy(),
    clock,
    cacheMs: 0,
  });
  late.access = access;
  outbox.onSequenced((trx, items) => access.onSequenced(trx as unknown as Kysely<never>, items));
  const notify = createNotifyModule({ db: storage.db, events: bus, clock });

  // The default rule pack, fed by the bus; alerts go to the response module (monitor-core's job
  // in the server: this is the same wiring without storage of alerts).
  const { rules, problems } = loadRules(await readRuleSources());
  if (problems.length > 0)
    throw new Error(
      `rule pack: ${problems.map((p) => `${p.file}:${p.line}: ${p.problem}`).join('; ')}`,
    );
  const engine = createMonitorEngine({ rules, reference: await module.referenceInput() });
  module.onReferenceChanged((input) => {
    engine.setReference(input);
  });
  const alerts: MonitorAlert[] = [];
  const responded: ResponseView[][] = [];
  const pending = new Set<Promise<unknown>>();
  bus.subscribe((event) => {
    events.push(event);
    const result = engine.process(event);
    if (result.status !== 'processed') return;
    for (const alert of result.alerts) {
      alerts.push(alert);
      const acting = module.onAlert(alert).then((made) => {
        responded.push([...made]);
      });
      pending.add(acting);
      void acting.finally(() => pending.delete(acting));
    }
  });

  const authenticator: Authenticator = (request) => {
    const token = bearerToken(request) ?? '';
    const [kind, rest] = [token.slice(0, token.indexOf('.')), token.slice(token.indexOf('.') + 1)];
    if (kind === 'system') {
      const found = systems.get(rest);
      return Promise.resolve(
        found
          ? { kind: 'system', systemId: rest, operatorId: found.operatorId, credentialId: 'k' }
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
      bodyLimit: 4 * 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: [authenticator],
    routes: [...access.routes, ...module.routes, ...notify.routes],
    logger: false,
  });
  await app.ready();
  return {
    app,
    module,
    access,
    notify,
    engine,
    ledger,
    outbox,
    systems,
    registryCalls,
    cases,
    events,
    alerts,
    responded,
    pseudonymOf,
    now,
    accessedByCalls,
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      notify.stop();
      await app.close();
      await ledger.close();
    },
  };
}
