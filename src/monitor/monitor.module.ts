/**
 * The monitoring centre, composed: the rule pack, the event feed (the embedded log of the
 * in-process bus, or NATS JetStream), the elected evaluator, alerts and cases, the staff routes
 * and the metrics. `server.ts` creates it with one call, then `start()`s it once the other modules
 * are wired (responses listen through `onAlert`, reference data arrives through `setReference`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Metric } from 'prom-client';
import type { EventSource } from '../events/events.js';
import type { JetStreamBus } from '../events/jetstream.js';
import type { RoutePlugin } from '../http/app.js';
import type { OutboxItem } from '../outbox/index.js';
import type { OutboxTables } from '../outbox/index.js';
import { derivedTransactions, type NativeHandle } from '../storage/storage.js';
import { type AlertsService, createAlertsService } from './alerts.service.js';
import { type AlertRecord, createAlertsStore } from './alerts.store.js';
import type { EngineLimits } from './engine.js';
import { createEventRetention } from './event-retention.js';
import {
  createEvaluator,
  type Evaluator,
  type EvaluatorLog,
  longestWindowMs,
} from './evaluator.js';
import { createJetStreamFeed } from './jetstream-feed.js';
import { createLeaderLock } from './leader-lock.js';
import { createLogFeed, startLogWriter } from './log-feed.js';
import { createMonitorMetrics } from './monitor.metrics.js';
import { monitorRoutes } from './monitor.routes.js';
import { createMonitorStore } from './monitor.store.js';
import type { MonitorTables } from './monitor.tables.js';
import type { MonitorNames } from './names.js';
import type { MonitorReferenceInput } from './reference.model.js';
import { readRuleSources } from './rule-files.js';
import { applyOverrides, loadRules, type RuleOverride } from './rule-loader.js';
import type { Rule } from './rule.model.js';
import { ruleVersionRoutes } from './rule-versions.routes.js';
import { type BaselineRule, createRuleCatalog, type RuleCatalog } from './rule-versions.js';
import { createRuleVersionsStore } from './rule-versions.store.js';
import { refuseIin } from './alerts.service.js';

export interface MonitorModuleDeps {
  readonly db: Kysely<MonitorTables & OutboxTables>;
  readonly native: NativeHandle;
  /** The in-process bus: the embedded feed logs what it publishes. */
  readonly events: EventSource;
  /** When set (NATS_URL), the evaluator reads the stream through a durable consumer instead. */
  readonly jetstream?: JetStreamBus;
  readonly outbox: {
    enqueue<DB extends OutboxTables>(
      trx: Kysely<DB> | Transaction<DB>,
      items: OutboxItem | readonly OutboxItem[],
    ): Promise<void>;
    sequence(ids: readonly string[]): Promise<unknown>;
  };
  readonly log: EvaluatorLog;
  readonly clock?: () => Date;
  /** A folder of rule files instead of the shipped pack. */
  readonly rulesDir?: string;
  /** Or the rules themselves (tests). */
  readonly rules?: readonly Rule[];
  readonly overrides?: Readonly<Record<string, RuleOverride>>;
  readonly limits?: Partial<EngineLimits>;
  /** JetStream durable consumer name. Default `qalqan-monitor`. */
  readonly durable?: string;
  readonly ackWaitMs?: number;
  readonly standbyRetryMs?: number;
  /** How often the elected evaluator prunes `monitor_events` (event-retention.ts). Default 10 min. */
  readonly pruneEveryMs?: number;
  /** How often the elected evaluator looks whether a rule changed (default 500 ms). */
  readonly rulesPollMs?: number;
  /** How often the embedded feed looks for rows other instances wrote. */
  readonly pollMs?: number;
  readonly livePollMs?: number;
  readonly heartbeatMs?: number;
  /** Registry names and actor codes shown beside the ids (none: the routes answer ids only). */
  readonly names?: MonitorNames;
}

export type AlertListener = (alert: AlertRecord) => void | Promise<void>;

/** A case as an incident needs it: who, where, and the times of its alerts and events. */
export interface CaseFacts {
  readonly id: string;
  readonly system: string | null;
  readonly operator: string | null;
  readonly openedAt: string;
  readonly times: readonly string[];
}

export interface MonitorModule {
  readonly routes: readonly RoutePlugin[];
  /** The shipped rules (the baseline); the set in force is `catalog.current()`. */
  readonly rules: readonly Rule[];
  /** Shipped rules overridden by the regulator's stored versions, less the disabled ones. */
  readonly catalog: RuleCatalog;
  readonly service: AlertsService;
  readonly evaluator: Evaluator;
  readonly metrics: readonly Metric[];
  /** Cases for incidents (opened from a case): null when there is no such case. */
  readonly cases: { get(caseId: string): Promise<CaseFacts | null> };
  /** Every newly stored alert, on the evaluating instance; a shadow alert must not be acted on. */
  onAlert(listener: AlertListener): () => void;
  /** Replaces the reference data (honeytokens, staff lists, hours…); returns its problems. */
  setReference(reference: MonitorReferenceInput): readonly string[];
  /** Starts logging events and asking for the evaluator's lead. */
  start(): void;
  close(): Promise<void>;
}

/** The shipped pack (or a deployment's folder) with each rule's file text: version 0 of every rule. */
export async function loadPack(
  dir: string | undefined,
  overrides: Readonly<Record<string, RuleOverride>>,
  log: EvaluatorLog,
): Promise<BaselineRule[]> {
  const sources = await readRuleSources(dir);
  const { rules, problems } = loadRules(sources);
  for (const problem of problems)
    log.error({ ...problem }, 'monitoring rule refused; the other rules run');
  const overridden = applyOverrides(rules, overrides);
  for (const problem of overridden.problems)
    log.error({ problem }, 'monitoring rule override refused');
  const textOf = new Map(sources.map((source) => [source.file, source.text]));
  return overridden.rules.map((rule) => ({ rule, text: textOf.get(rule.file) ?? null }));
}

/** How often the leader prunes `monitor_events` (`event-retention.ts`). */
export const PRUNE_EVERY_MS = 600_000;

export async function createMonitorModule(deps: MonitorModuleDeps): Promise<MonitorModule> {
  const clock = deps.clock ?? (() => new Date());
  const baseline: BaselineRule[] = deps.rules
    ? deps.rules.map((rule) => ({ rule, text: null }))
    : await loadPack(deps.rulesDir, deps.overrides ?? {}, deps.log);
  const rules = baseline.map((b) => b.rule);
  // Fed by this database's outbox (no JetStream), the feed's and the folded matches' rows are
  // derived data: their commits need not each wait for the disk (storage.derivedTransactions).
  const derived = deps.jetstream ? undefined : derivedTransactions(deps.db, deps.native);
  const store = createMonitorStore(deps.db, derived ? { derived } : {});
  const alertsStore = createAlertsStore(deps.db, derived ? { derived } : {});
  const listeners = new Set<AlertListener>();
  let reference: MonitorReferenceInput = {};
  let evaluator: Evaluator | null = null;
  const metrics = createMonitorMetrics({
    clock,
    role: () => evaluator?.role ?? 'stopped',
    engine: () => evaluator?.engine ?? null,
  });

  const enqueue = (trx: Transaction<MonitorTables & OutboxTables>, item: OutboxItem) =>
    deps.outbox.enqueue<MonitorTables & OutboxTables>(trx, item);
  const catalog = createRuleCatalog({
    baseline,
    store: createRuleVersionsStore(deps.db),
    counter: () => store.rulesVersion(),
    enqueue,
    sequence: (ids) => deps.outbox.sequence(ids),
    changed: () => evaluator?.rebuild(),
    refuseIin,
    clock,
    log: deps.log,
  });
  const service = createAlertsService({
    alerts: alertsStore,
    store,
    catalog,
    enqueue: (trx, item) => deps.outbox.enqueue<MonitorTables & OutboxTables>(trx, item),
    sequence: (ids) => deps.outbox.sequence(ids),
    modesChanged: () => evaluator?.rebuild(),
    clock,
    ...(deps.livePollMs !== undefined ? { livePollMs: deps.livePollMs } : {}),
  });

  const logFeed = deps.jetstream
    ? null
    : createLogFeed({ store, ...(deps.pollMs ? { pollMs: deps.pollMs } : {}) });
  const feed = deps.jetstream
    ? createJetStreamFeed({
        bus: deps.jetstream,
        store,
        clock,
        ...(deps.durable ? { durable: deps.durable } : {}),
        ...(deps.ackWaitMs ? { ackWaitMs: deps.ackWaitMs } : {}),
      })
    : logFeed!;

  evaluator = createEvaluator({
    rules: async () => (await catalog.current()).rules,
    rulesVersion: () => store.rulesVersion(),
    ...(deps.rulesPollMs !== undefined ? { rulesPollMs: deps.rulesPollMs } : {}),
    modes: () => service.modes(),
    reference: () => reference,
    ...(deps.limits ? { limits: deps.limits } : {}),
    feed,
    lock: createLeaderLock(deps.native),
    store,
    alerts: alertsStore,
    clock,
    log: deps.log,
    // The live feed hears of an alert as soon as it is stored, before its responses run.
    observer: {
      ...metrics.observer,
      alert(alert) {
        metrics.observer.alert(alert);
        service.published(alert);
      },
    },
    ...(deps.standbyRetryMs !== undefined ? { standbyRetryMs: deps.standbyRetryMs } : {}),
    async onAlert(alert) {
      for (const listener of [...listeners]) {
        try {
          await listener(alert);
        } catch (error) {
          deps.log.error({ err: error, alertId: alert.id }, 'monitor alert listener failed');
        }
      }
    },
  });

  // monitor_events keeps what a replay and the case timelines need; the evaluator prunes the rest.
  const retention = createEventRetention({
    db: deps.db,
    windowMs: async () => longestWindowMs((await catalog.current()).rules),
    clock,
    log: deps.log,
  });

  let stopWriter: (() => void) | null = null;
  let stopPruning: (() => void) | null = null;
  const self: MonitorModule = {
    routes: [
      {
        name: 'monitor',
        plugin: monitorRoutes(service, {
          ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
          ...(deps.names ? { names: deps.names } : {}),
        }),
      },
      { name: 'monitor-rule-versions', plugin: ruleVersionRoutes(catalog) },
    ],
    rules,
    catalog,
    service,
    evaluator,
    metrics: [...metrics.all, retention.metric],
    cases: {
      async get(caseId) {
        const found = await alertsStore.getCase(caseId);
        if (!found) return null;
        const timeline = await alertsStore.timeline(caseId);
        return {
          id: found.id,
          system: found.system,
          operator: found.operator,
          openedAt: found.openedAt,
          times: timeline.filter((e) => e.kind !== 'state').map((e) => e.at),
        };
      },
    },
    onAlert(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setReference(next) {
      reference = next;
      return evaluator?.setReference(next) ?? [];
    },
    start() {
      if (logFeed && !stopWriter)
        stopWriter = startLogWriter({
          events: deps.events,
          store,
          clock,
          written: () => logFeed.wake(),
          parked: (count) => metrics.parked(count),
          onError: (error, pending) =>
            deps.log.error({ err: error, pending }, 'monitor could not log events; will retry'),
        });
      evaluator?.start();
      stopPruning ??= retention.start(
        deps.pruneEveryMs ?? PRUNE_EVERY_MS,
        () => evaluator?.role === 'leader',
      );
    },
    async close() {
      stopPruning?.();
      stopWriter?.();
      service.stop();
      await evaluator?.stop();
    },
  };
  return self;
}
