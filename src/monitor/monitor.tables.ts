/**
 * The monitoring centre's own tables (migration 20261204_1515_monitor). Timestamps are ISO text,
 * flags 0/1, JSON documents text — read back identically on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

/** Every event the monitor received, once per id: the embedded bus's log, replayed on restart. */
export interface MonitorEventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  at: string;
  data_json: string;
  received_at: string;
}

/** Inputs the engine could not read (or that arrived too late): counted, kept, never dropped. */
export interface MonitorParkedTable {
  seq: Generated<number>;
  event_id: string | null;
  reason: string;
  input_json: string;
  parked_at: string;
}

export interface MonitorAlertsTable {
  id: string;
  rule_id: string;
  title: string;
  level: string;
  shadow: number;
  state: string;
  outcome: string | null;
  assignee: string | null;
  case_id: string | null;
  at: string;
  created_at: string;
  updated_at: string;
  count: number;
  suppressed: number;
  group_key: string;
  group_json: string;
  events_json: string;
  responses_json: string;
  context_json: string;
}

export interface MonitorCasesTable {
  id: string;
  /** `actor:<operator>:<actor id>`, or `subject:<pseudonym>` for alerts about no actor. */
  case_key: string;
  state: string;
  outcome: string | null;
  assignee: string | null;
  title: string;
  level: string;
  operator: string | null;
  system: string | null;
  actor_id: string | null;
  subject: string | null;
  alert_count: number;
  opened_at: string;
  updated_at: string;
}

export interface MonitorHistoryTable {
  seq: Generated<number>;
  target_kind: string;
  target_id: string;
  action: string;
  at: string;
  by_name: string | null;
  event_id: string | null;
  detail_json: string;
}

export interface MonitorRuleModesTable {
  rule_id: string;
  mode: string;
  reason: string;
  changed_by: string;
  changed_at: string;
  ledger_id: string;
}

/** A regulator's version of a rule (migration 20261204_1835_monitor_rule_versions). */
export interface MonitorRuleVersionsTable {
  rule_id: string;
  version: number;
  content: string;
  /** SHA-256 of the content (UTF-8), hex: what the ledger records instead of the text. */
  content_hash: string;
  /** `create` (a new rule), `update` or `rollback`. */
  action: string;
  /** For a rollback: the version whose content this one restores (0: the shipped file). */
  restored_from: number | null;
  reason: string;
  created_by: string;
  created_at: string;
  ledger_id: string;
}

export interface MonitorRuleStatesTable {
  rule_id: string;
  enabled: number;
  reason: string;
  changed_by: string;
  changed_at: string;
  ledger_id: string;
}

/** One row: bumped by every rule change, polled by the elected evaluator. */
export interface MonitorRulesVersionTable {
  id: number;
  version: number | string | bigint;
}

export interface MonitorTables {
  monitor_events: MonitorEventsTable;
  monitor_parked: MonitorParkedTable;
  monitor_alerts: MonitorAlertsTable;
  monitor_cases: MonitorCasesTable;
  monitor_history: MonitorHistoryTable;
  monitor_rule_modes: MonitorRuleModesTable;
  monitor_rule_versions: MonitorRuleVersionsTable;
  monitor_rule_states: MonitorRuleStatesTable;
  monitor_rules_version: MonitorRulesVersionTable;
}
