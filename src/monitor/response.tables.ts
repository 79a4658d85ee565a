/**
 * The monitoring centre's response-side tables (reference data, responses, incidents). Subjects
 * appear as pseudonyms only; actors by the operator's opaque id. Every change to these rows is
 * made in one transaction with its outbox row, so the ledger records it.
 */

/** Honeytoken subjects and protected persons, registered by the SOC (pseudonyms, never an IIN). */
export interface MonitorWatchlistTable {
  /** `mwl_<ulid>`. */
  id: string;
  list: 'honeytoken' | 'protected-person';
  subject: string;
  /** A short label for analysts (never an IIN). */
  label: string | null;
  added_at: string;
  added_by: string;
  removed_at: string | null;
  removed_by: string | null;
}

/** An operator's working week (in its own time zone); one row per operator. */
export interface MonitorWorkingHoursTable {
  operator_id: string;
  time_zone: string;
  /** JSON array of ISO weekdays, 1 = Monday. */
  days_json: string;
  start_time: string;
  end_time: string;
  updated_at: string;
  updated_by: string;
}

/** Actors an operator (or the regulator) reports as no longer employed. */
export interface MonitorTerminatedActorsTable {
  /** `mta_<ulid>`. */
  id: string;
  operator_id: string;
  actor_id: string;
  /** When the employment ended (ISO date-time). */
  terminated_at: string;
  added_at: string;
  added_by: string;
  removed_at: string | null;
  removed_by: string | null;
}

/**
 * An operator's staff register: its employees as subject pseudonyms (registered by IIN, which is
 * never stored), with the operator's actor id for the employee when given.
 */
export interface MonitorStaffTable {
  /** `mst_<ulid>`. */
  id: string;
  operator_id: string;
  subject: string;
  actor_id: string | null;
  /** A short label for the operator's HR (never an IIN). */
  label: string | null;
  added_at: string;
  added_by: string;
  removed_at: string | null;
  removed_by: string | null;
}

/** A destination country a system declares it transfers personal data to. */
export interface MonitorDestinationsTable {
  /** `mds_<ulid>`. */
  id: string;
  system_id: string;
  operator_id: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  note: string | null;
  added_at: string;
  added_by: string;
  removed_at: string | null;
  removed_by: string | null;
}

export type ResponseState = 'proposed' | 'in-force' | 'rejected' | 'lifted' | 'expired';

/** A response: proposed by a rule or an analyst, confirmed, in force until it expires or is lifted. */
export interface MonitorResponsesTable {
  /** `rsp_<ulid>`. */
  id: string;
  action: 'throttle-actor' | 'block-actor' | 'suspend-system' | 'block-country';
  state: ResponseState;
  /** `automatic` (a rule acted), `needs-confirmation` (a rule proposed), `manual` (an analyst). */
  mode: 'automatic' | 'needs-confirmation' | 'manual';
  system_id: string;
  operator_id: string;
  actor_id: string | null;
  actor_pseudonym: string | null;
  country: string | null;
  throttle_limit: number | null;
  /** How long it lasts once in force; null: until lifted. */
  for_ms: number | null;
  in_force_from: string | null;
  in_force_until: string | null;
  alert_id: string | null;
  rule_id: string | null;
  case_id: string | null;
  note: string | null;
  proposed_at: string;
  proposed_by: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  lifted_at: string | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface MonitorIncidentsTable {
  /** `inc_<ulid>`. */
  id: string;
  /** The caller's title, or the one the server composed when none was given (English). */
  title: string;
  /** 1 when the server composed `title` (client shows its own wording), 0 for a caller's own. */
  title_composed: number;
  case_id: string | null;
  system_id: string;
  operator_id: string;
  /** The window of access records the affected citizens come from: [from, to). */
  window_from: string;
  window_to: string;
  detected_at: string;
  /** Jurisdiction profile of the notification clock, e.g. `KZ`, `GDPR`. */
  jurisdiction: string;
  /** When the authorised body must be notified by. */
  notify_by: string;
  state: 'open' | 'closed';
  affected_count: number;
  authority_notified_at: string | null;
  authority_notified_by: string | null;
  /** JSON of the notice as sent (null until sent). */
  notice_json: string | null;
  /** Pseudonym after which citizens are still to be notified; null before starting. */
  citizens_cursor: string | null;
  citizens_notified: number;
  citizens_notified_at: string | null;
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_note: string | null;
}

export interface MonitorResponseTables {
  monitor_watchlist: MonitorWatchlistTable;
  monitor_working_hours: MonitorWorkingHoursTable;
  monitor_terminated_actors: MonitorTerminatedActorsTable;
  monitor_staff: MonitorStaffTable;
  monitor_destinations: MonitorDestinationsTable;
  monitor_responses: MonitorResponsesTable;
  monitor_incidents: MonitorIncidentsTable;
}
