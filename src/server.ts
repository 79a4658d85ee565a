/**
 * The composition root: opens storage, runs migrations, loads secrets, creates each module and
 * hands their routes and authenticators to the HTTP shell. Each module is created here once and
 * the ports between them adapted; the logic of each lives in its own folder.
 */
import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type AccessModule, createAccessModule } from './access/access.module.js';
import { createIdempotencyRetention } from './access/idempotency.js';
import { type ConsentModule, createConsentModule } from './consent/consent.module.js';
import { declaredFromProfiles } from './consent/consent.ports.js';
import { loadReceiptSigner, receiptKeysDir } from './consent/receipts.js';
import { type DestinationStream, pino } from 'pino';
import { baseUrlOf, type Config } from './config/config.js';
import { DEFAULT_TAXONOMY } from './core/taxonomy.js';
import { DEMO_CITIZENS } from './demo/demo-citizens.js';
import { createInProcessBus, type DomainEvent } from './events/index.js';
import { connectJetStreamBus } from './events/jetstream.js';
import { type App, buildApp } from './http/app.js';
import { loggerOptions } from './http/logging.js';
import type { JsonObject } from './ledger/entry/canonical-json.js';
import { createLedgerModule, type LedgerModule } from './ledger/ledger.module.js';
import { createMonitorModule, type MonitorModule } from './monitor/monitor.module.js';
import {
  createMonitorResponseModule,
  type MonitorResponseModule,
  SWEEP_EVERY_MS,
} from './monitor/response.module.js';
import type { MonitorNames } from './monitor/names.js';
import type { MonitorReferenceInput } from './monitor/reference.model.js';
import { createNotifyModule, type NotifyModule } from './notify/notify.module.js';
import { createPortalModule, type PortalModule } from './portal/portal.module.js';
import { createOutbox } from './outbox/outbox.js';
import { createOutboxRetention } from './outbox/outbox-retention.js';
import { createRegistryModule, type RegistryModule } from './registry/registry.module.js';
import type { Actor } from './registry/registry.model.js';
import { scanRoutes } from './scan/scan.routes.js';
import { loadSecrets, type Secrets } from './secrets/secrets.js';
import { migrateToLatest } from './storage/migrate.js';
import { openStorage, type Storage } from './storage/storage.js';
import { createSubjects } from './subjects/subjects.module.js';
import { version } from './version.js';
import { webRoutes } from './web/web.routes.js';

export interface Qalqan {
  readonly config: Config;
  readonly app: App;
  readonly storage: Storage;
  readonly secrets: Secrets;
  readonly ledger: LedgerModule;
  readonly registry: RegistryModule;
  readonly portal: PortalModule;
  readonly notify: NotifyModule;
  readonly access: AccessModule;
  readonly consent: ConsentModule;
  readonly monitor: MonitorModule;
  /** Reference data, responses and incidents of the monitoring centre. */
  readonly monitorResponse: MonitorResponseModule;
  /** Stops accepting requests, commits what the ledger has queued, then closes storage. */
  close(): Promise<void>;
}

export interface CreateOptions {
  /** `false` silences logging (commands that print their own output). */
  readonly logger?: false;
  /** Where the log lines go; standard output by default (tests read them here). */
  readonly logStream?: DestinationStream;
  readonly clock?: () => Date;
}

export async function createQalqan(config: Config, options: CreateOptions = {}): Promise<Qalqan> {
  const level = options.logger === false ? 'silent' : config.logLevel;
  const log: FastifyBaseLogger = options.logStream
    ? pino(loggerOptions(level), options.logStream)
    : pino(loggerOptions(level));
  const secrets = loadSecrets(config);
  const storage = await openStorage({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    // Problems storage works around (a failed checkpoint worker): degraded, not broken.
    onProblem: (message, err) => log.warn({ err }, message),
  });
  const closers: (() => Promise<void> | void)[] = [() => storage.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    await migrateToLatest(storage.db, storage.native);
    const ledger = await createLedgerModule({
      config,
      storage,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(() => ledger.close());
    // Domain events: consent, access and the registry publish; the citizen inbox and the monitor
    // consume. With NATS_URL every event goes through the JetStream stream, which the monitor reads
    // through its durable consumer; without, the in-process bus, which the monitor logs.
    const onHandlerError = (err: unknown, event: DomainEvent) =>
      log.error({ err, eventId: event.id }, 'event handler failed');
    const jetstream = config.nats
      ? await connectJetStreamBus({
          servers: config.nats.url,
          stream: config.nats.stream,
          onHandlerError,
        })
      : undefined;
    if (jetstream) {
      closers.push(() => jetstream.close());
      await jetstream.ensureStream();
    }
    const events = jetstream ?? createInProcessBus({ onHandlerError });
    // One outbox for every module: ledger appends keyed by item id, then the events.
    const outbox = createOutbox({
      db: storage.db,
      ledger: ledger.ledger,
      events,
      log,
      native: storage.native,
      publishLingerMs: config.outbox.publishLingerMs,
    });
    const registry = createRegistryModule({
      db: storage.db,
      secrets,
      // Registry records are JSON-parsed snapshots, so they are JSON objects by construction.
      ledger: {
        append: (entry) =>
          ledger.ledger.append({ type: entry.type, record: entry.record as JsonObject }),
      },
      outbox,
      oidc: config.oidc,
      clientCertHeader: config.clientCertHeader,
      keyPolicy: config.keys,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    // One subjects port for every module: the pseudonym and birth date of an IIN, on the server's clock.
    const subjects = createSubjects(storage.db, secrets, options.clock);
    const consent = createConsentModule({
      db: storage.db,
      outbox: {
        // The consent store's transaction is the server's one database; the outbox writes its row in it.
        enqueue: (trx, items) => outbox.enqueue(trx as never, items),
        sequence: (ids) => outbox.sequence(ids),
      },
      subjects,
      registry: declaredFromProfiles((id, at) => registry.profileOf(id, at), options.clock),
      fields: secrets.fields,
      receipts: await loadReceiptSigner(receiptKeysDir(config.dataDir)),
      // http and private addresses only for a local receiver in demo mode (never in production).
      webhooks: { allowInsecure: config.demo, retryBaseMs: config.webhooks.retryBaseMs },
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    // Expiries, coming of age and webhook deliveries: run by the instance that sequences the log.
    closers.push(consent.startScheduler(1000, () => ledger.ledger.role === 'sequencer'));
    // The monitoring centre's responses, reference data and incidents. Made before the access
    // module, which asks its responses on every check; access and monitor are bound late (their
    // ports are only called at run time, after both exist).
    const late: { access?: AccessModule; monitor?: MonitorModule } = {};
    // A system's registry profile as the access module reads it (names included: the citizen's
    // timeline and the SOC console show them beside the ids the records keep).
    const profileOf = async (systemId: string, at?: Date) => {
      const found = await registry.profileOf(systemId, at);
      if (!found) return null;
      // A ground without a start has been in force since before any check.
      const grounds = found.grounds.map(({ validFrom, ...ground }) => ({
        ...ground,
        validFrom: validFrom ?? '',
      }));
      return { ...found, grounds };
    };
    // The monitoring centre's names port: registry names through the same profile read, and the
    // actor codes the access module commits (the monitor itself never reads registry tables).
    const monitorNames: MonitorNames = {
      async systemNames(systemId) {
        const found = await profileOf(systemId);
        if (!found) return null;
        return {
          systemName: found.system.name,
          operatorId: found.system.operatorId,
          operatorName: found.operator.name,
        };
      },
      actorCode: (operatorId, actorId) => late.access!.actorCode(operatorId, actorId),
    };
    const monitorResponse = createMonitorResponseModule({
      db: storage.db,
      outbox: {
        enqueue: (trx, items) => outbox.enqueue(trx as never, items),
        sequence: (ids) => outbox.sequence(ids),
      },
      subjects: {
        subjectOf: (iin) => subjects.subjectOf(iin, 'iin'),
        pseudonymOf: (iin) => secrets.pseudonymOf(iin),
      },
      registry: {
        async systemOf(systemId) {
          const found = await registry.profileOf(systemId);
          if (!found) return null;
          return {
            id: found.system.id,
            operatorId: found.system.operatorId,
            name: found.system.name,
            status: found.system.status,
            operatorName: found.operator.name,
            categories: [...found.system.categories],
          };
        },
        operatorExists: (operatorId) => registry.operatorExists(operatorId),
        suspend: (systemId, reason, until, by) =>
          registry.systemStatus.suspend(systemId, reason, until, actorOf(by)),
        reinstate: (systemId, reason, by) =>
          registry.systemStatus.reinstate(systemId, reason, actorOf(by)),
      },
      accessedBy: (systemId, from, to, page) =>
        late.access!.subjectsAccessedBy(systemId, from, to, page),
      cases: { get: (caseId) => late.monitor!.cases.get(caseId) },
      breachTransfers: config.breachTransfers,
      names: monitorNames,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const access = createAccessModule({
      db: storage.db,
      profiles: { profileOf },
      consents: {
        async coveringConsent(query) {
          const found = await consent.coveringConsent(query);
          if (found.covered) return { covered: true, consentId: found.consent.id };
          return {
            covered: false,
            code: found.reason.code,
            ...(found.consentId ? { consentId: found.consentId } : {}),
            ...(found.missing ? { missing: found.missing } : {}),
          };
        },
      },
      subjects: {
        subjectOf: (iin) => subjects.subjectOf(iin, 'subject'),
        pseudonymOf: (iin) => secrets.pseudonymOf(iin),
      },
      outbox: {
        // The access store's transaction is the server's one database; the outbox writes its row in it.
        enqueue: (trx, items) => outbox.enqueue(trx as never, items),
        sequence: (ids) => outbox.sequence(ids),
        ledgerIndexOf: (id) => outbox.ledgerIndexOf(id),
        appendWith: (item, rows) => outbox.appendWith(item, rows),
      },
      receipts: ledger.ledger,
      actorKey: createHmac('sha256', secrets.lookupKey)
        .update('qalqan access actor codes')
        .digest(),
      responses: monitorResponse.responses,
      idempotencyRetentionMs: config.access.idempotencyHours * 3_600_000,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    late.access = access;
    outbox.onSequenced((trx, items) => access.onSequenced(trx as never, items));

    // The instance that sequences the log drains the outbox: what a crash, a standby or the CLI
    // left, at start, then a 250 ms poll and a full pass every 5 s (appends are idempotent anyway).
    if (ledger.ledger.role === 'sequencer') await outbox.drain();
    closers.push(outbox.start(5000, () => ledger.ledger.role === 'sequencer'));
    // Finished rows (in the ledger, delivered) are deleted after the retention, every minute, by
    // the same instance; every module that needs an index later keeps its own copy.
    const outboxRetention = createOutboxRetention({
      db: storage.db,
      retentionMs: config.outbox.retentionHours * 3_600_000,
      log,
    });
    closers.push(outboxRetention.start(60_000, () => ledger.ledger.role === 'sequencer'));
    // Access checks' Idempotency-Keys older than their retention are deleted the same way (a
    // lookup already ignores them): the table holds days of keys, not one per keyed check ever.
    const idempotencyRetention = createIdempotencyRetention({
      db: storage.db,
      retentionMs: config.access.idempotencyHours * 3_600_000,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(idempotencyRetention.start(60_000, () => ledger.ledger.role === 'sequencer'));

    const demo = config.demo;
    const portal = createPortalModule({
      db: storage.db,
      subjects,
      settings: config.portal,
      ...(demo ? { demoCitizens: DEMO_CITIZENS } : {}),
      production: config.environment === 'production',
      publicUrl: config.publicUrl,
      trustProxy: config.trustProxy,
      log,
      staffCredentialEnded: registry.staffTokenEnded,
      systemNames: {
        async namesOf(systemId) {
          const found = await registry.profileOf(systemId);
          return found
            ? {
                name: found.system.name,
                operatorId: found.system.operatorId,
                operatorName: found.operator.name,
              }
            : null;
        },
      },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const notify = createNotifyModule({
      db: storage.db,
      // Every event the inbox receives comes through this database's outbox (JetStream too hands
      // them to in-process subscribers from the publishing instance): its rows are derived data.
      native: storage.native,
      events,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(() => notify.stop());
    // The monitoring centre: every instance logs the events it sees; one instance, elected by an
    // advisory lock, evaluates the rules (the others stand by and take over).
    const monitor = await createMonitorModule({
      db: storage.db,
      native: storage.native,
      events,
      ...(jetstream ? { jetstream } : {}),
      outbox,
      names: monitorNames,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(() => monitor.close());
    late.monitor = monitor;
    // Alerts the evaluator stores get their responses (automatic ones at once); the rules read the
    // reference data the centre keeps, with the taxonomy's purpose categories.
    monitor.onAlert(async (alert) => {
      await monitorResponse.onAlert(alert);
    });
    const purposeCategories = Object.fromEntries(
      DEFAULT_TAXONOMY.purposes.map((p) => [p.code, [...p.categories]]),
    );
    const feedReference = (input: MonitorReferenceInput) => {
      for (const problem of monitor.setReference({ ...input, purposeCategories }))
        log.error({ problem }, 'monitoring reference data left out');
    };
    feedReference(await monitorResponse.referenceInput());
    monitorResponse.onReferenceChanged(feedReference);
    closers.push(monitorResponse.start(SWEEP_EVERY_MS, () => monitor.evaluator.role === 'leader'));

    const app = await buildApp({
      config,
      version,
      checkReady: () => storage.ping(),
      loggerInstance: log,
      // Bearer credentials first; then the console's staff session cookie, the citizen's last.
      authenticators: [...registry.authenticators, portal.staffAuthenticator, portal.authenticator],
      // The web app last: its fallback route answers only what no module route does.
      routes: [
        ...ledger.routes,
        ...registry.routes,
        scanRoutes({ lookupKey: secrets.lookupKey }),
        ...portal.routes,
        ...notify.routes,
        ...access.routes,
        ...consent.routes,
        ...monitor.routes,
        ...monitorResponse.routes,
        webRoutes,
      ],
    });
    closers.push(() => app.close());
    for (const metric of [
      ...ledger.metrics,
      ...outbox.metrics,
      ...outboxRetention.metrics,
      ...idempotencyRetention.metrics,
      ...monitor.metrics,
    ])
      app.metrics.registerMetric(metric);
    await app.ready();
    monitor.start();
    return {
      config,
      app,
      storage,
      secrets,
      ledger,
      registry,
      portal,
      notify,
      access,
      consent,
      monitor,
      monitorResponse,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The registry's record of who acted, from the monitoring centre's `staff:<roles>:<subject>`. */
function actorOf(by: string): Actor {
  const [kind, role, ...rest] = by.split(':');
  if (kind === 'system') return { kind: 'system', id: by.slice('system:'.length) };
  if (kind === 'staff' && rest.length > 0 && role)
    return { kind: 'staff', id: rest.join(':'), role };
  return { kind: 'staff', id: by };
}

/** Starts listening; returns the base URL actually bound (the port may have been 0). */
export async function listen(qalqan: Qalqan): Promise<string> {
  await qalqan.app.listen({ host: qalqan.config.host, port: qalqan.config.port });
  const address = qalqan.app.server.address();
  const port = typeof address === 'object' && address ? address.port : qalqan.config.port;
  return baseUrlOf(qalqan.config, port);
}
