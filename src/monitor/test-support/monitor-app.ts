/**
 * A real monitoring module behind a real HTTP shell on real storage, with the real outbox and
 * ledger (rule switches are ledger-recorded) and the in-process bus; events are published on the
 * bus as the outbox would. Test-only bearer tokens name the caller: `system.<id>`,
 * `staff.<role>`, `citizen.<pseudonym>`.
 */
import type { Kysely } from 'kysely';
import { createInProcessBus } from '../../events/bus.js';
import type { DomainEvent, EventPublisher, EventSource } from '../../events/events.js';
import type { JetStreamBus } from '../../events/jetstream.js';
import { type App, buildApp } from '../../http/app.js';
import { type Authenticator, bearerToken, type StaffRole } from '../../http/access.js';
import { createLedger, type Ledger } from '../../ledger/ledger.js';
import { createKyselyLedgerStore } from '../../ledger/store/kysely-store.js';
import { testSigner } from '../../ledger/test-support/fixtures.js';
import { createOutbox, type OutboxService } from '../../outbox/outbox.js';
import type { OutboxTables } from '../../outbox/outbox.tables.js';
import type { Storage } from '../../storage/storage.js';
import type { AlertRecord } from '../alerts.store.js';
import {
  createMonitorModule,
  type MonitorModule,
  type MonitorModuleDeps,
} from '../monitor.module.js';

export const asStaff = (role: StaffRole) => ({ authorization: `Bearer staff.${role}` });
export const asSystem = (id: string) => ({ authorization: `Bearer system.${id}` });
export const asCitizen = (pseudonym: string) => ({ authorization: `Bearer citizen.${pseudonym}` });

export const testAuthenticator: Authenticator = (request) => {
  const token = bearerToken(request) ?? '';
  const dot = token.indexOf('.');
  const [kind, rest] = [token.slice(0, dot), token.slice(dot + 1)];
  if (kind === 'system')
    return Promise.resolve({
      kind: 'system',
      systemId: rest,
      operatorId: `op_${rest}`,
      credentialId: 'k',
    });
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

/** One signing key for every harness of the process: a restarted instance opens the same ledger. */
const signer = testSigner();

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface MonitorHarness {
  readonly app: App;
  readonly monitor: MonitorModule;
  readonly ledger: Ledger;
  readonly outbox: OutboxService;
  readonly bus: EventPublisher & EventSource;
  /** Alerts the module handed to its listeners, in order. */
  readonly alerts: AlertRecord[];
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<
  Pick<
    MonitorModuleDeps,
    | 'rules'
    | 'clock'
    | 'standbyRetryMs'
    | 'pollMs'
    | 'livePollMs'
    | 'durable'
    | 'ackWaitMs'
    | 'rulesPollMs'
    | 'overrides'
  >
> {
  readonly jetstream?: JetStreamBus;
  /** Start the module (default true). */
  readonly start?: boolean;
  /**
   * When started, return only once this instance leads and has replayed what the feed held
   * (default true), so a test's first act meets the evaluator it means; false for an instance meant
   * to stand by beside a leader.
   */
  readonly lead?: boolean;
}

export async function monitorHarness(
  storage: Storage,
  options: HarnessOptions = {},
): Promise<MonitorHarness> {
  const ledger = await createLedger({
    store: createKyselyLedgerStore(storage),
    signer,
  });
  const bus = options.jetstream ?? createInProcessBus();
  const outboxDb: Kysely<OutboxTables> = storage.db;
  const outbox = createOutbox({ db: outboxDb, ledger, events: bus });
  const { start = true, lead = true, jetstream, ...rest } = options;
  const monitor = await createMonitorModule({
    db: storage.db,
    native: storage.native,
    events: bus,
    ...(jetstream ? { jetstream } : {}),
    outbox,
    log: silentLog,
    standbyRetryMs: 50,
    pollMs: 20,
    livePollMs: 50,
    heartbeatMs: 1000,
    ...rest,
  });
  const alerts: AlertRecord[] = [];
  monitor.onAlert((alert) => {
    alerts.push(alert);
  });
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      metricsToken: undefined,
    },
    checkReady: () => storage.ping(),
    authenticators: [testAuthenticator],
    routes: monitor.routes,
    logger: false,
  });
  for (const metric of monitor.metrics) app.metrics.registerMetric(metric);
  await app.ready();
  if (start) monitor.start();
  if (start && lead) await monitor.evaluator.whenLeading();
  return {
    app,
    monitor,
    ledger,
    outbox,
    bus,
    alerts,
    async close() {
      await monitor.close();
      await app.close();
      await ledger.close();
    },
  };
}

let counter = 0;

/** An `access.checked` event (pseudonyms only) with a fresh id unless given. */
export function checked(
  at: string,
  data: Partial<{
    subject: string;
    actor: { id: string; pseudonym?: string };
    system: string;
    operator: string;
    purpose: string;
    categories: string[];
    action: 'read' | 'search' | 'export' | 'transfer';
    decision: 'permit' | 'deny';
    recordCount: number;
    country: string;
  }> = {},
  id = `chk_${String(++counter).padStart(8, '0')}_${Math.random().toString(36).slice(2, 8)}`,
): DomainEvent {
  return {
    id,
    type: 'access.checked',
    at,
    data: {
      subject: 'psn-subject-1',
      actor: { id: 'clerk-1' },
      system: 'sys_a',
      operator: 'op_a',
      purpose: 'finance.credit-scoring',
      categories: ['identity'],
      action: 'read',
      decision: 'permit',
      ...data,
    },
  };
}

/** Waits until `probe` returns a truthy value (polling every 10 ms, up to `ms`). */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  ms = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
