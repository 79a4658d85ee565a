/**
 * The monitoring centre on `/metrics`: events processed, alerts by rule and level, parked events,
 * the lag between an event's time and its evaluation, whether this instance evaluates, and the
 * engine's window sizes. Each server registers these on its own registry.
 */
import { Counter, Gauge, type Metric } from 'prom-client';
import type { AlertRecord } from './alerts.store.js';
import type { MonitorEngine } from './engine.js';
import type { EvaluatorObserver, EvaluatorRole } from './evaluator.js';

export interface MonitorMetrics {
  readonly all: readonly Metric[];
  readonly observer: EvaluatorObserver;
  /** Events the log writer parked (an unreadable envelope), before the engine saw them. */
  parked(count: number): void;
}

export function createMonitorMetrics(options: {
  readonly clock: () => Date;
  readonly role: () => EvaluatorRole;
  readonly engine: () => MonitorEngine | null;
}): MonitorMetrics {
  const processed = new Counter({
    name: 'qalqan_monitor_events_processed_total',
    help: 'Events the rule evaluator processed on this instance (replays included)',
    registers: [],
  });
  const alerts = new Counter({
    name: 'qalqan_monitor_alerts_total',
    help: 'Alerts newly raised and stored, by rule and level (shadow alerts included)',
    labelNames: ['rule', 'level', 'shadow'] as const,
    registers: [],
  });
  const parked = new Counter({
    name: 'qalqan_monitor_parked_events_total',
    help: 'Events the engine could not read or that arrived too late; kept, never dropped',
    registers: [],
  });
  let lagSeconds = 0;
  const lag = new Gauge({
    name: 'qalqan_monitor_lag_seconds',
    help: 'Time between the newest processed event and its evaluation, at the last batch',
    registers: [],
    collect() {
      this.set(lagSeconds);
    },
  });
  const leader = new Gauge({
    name: 'qalqan_monitor_evaluator_leader',
    help: '1 when this instance evaluates the rules, 0 on a standby',
    registers: [],
    collect() {
      this.set(options.role() === 'leader' ? 1 : 0);
    },
  });
  const windows = new Gauge({
    name: 'qalqan_monitor_window_entries',
    help: "Entries held in the engine's sliding windows, and groups (kind label)",
    labelNames: ['kind'] as const,
    registers: [],
    collect() {
      const engine = options.engine();
      const stats = engine?.stats();
      this.set({ kind: 'entries' }, stats?.windowEntries ?? 0);
      this.set({ kind: 'groups' }, stats?.groups ?? 0);
    },
  });
  return {
    all: [processed, alerts, parked, lag, leader, windows],
    observer: {
      batch(info) {
        processed.inc(info.events);
        if (info.parked > 0) parked.inc(info.parked);
        if (info.newestAt !== null)
          lagSeconds = Math.max(0, (options.clock().getTime() - Date.parse(info.newestAt)) / 1000);
      },
      alert(alert: AlertRecord) {
        alerts.inc({ rule: alert.ruleId, level: alert.level, shadow: String(alert.shadow) });
      },
    },
    parked(count) {
      if (count > 0) parked.inc(count);
    },
  };
}
