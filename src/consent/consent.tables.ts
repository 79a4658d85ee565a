/**
 * Consent tables. JSON columns hold arrays/objects as text; timestamps are ISO-8601 UTC text (see
 * storage/dialect-types.ts). Subjects appear only by pseudonym.
 */
export interface ConsentsTable {
  id: string;
  subject: string;
  /** `YYYY-MM-DD` from the IIN: a minor cannot act alone, and comes of age on a day. */
  subject_birth_date: string;
  controller_id: string;
  systems_json: string;
  purposes_json: string;
  categories_json: string;
  recipients_json: string;
  processing_countries_json: string;
  storage_countries_json: string;
  retention: string;
  valid_from: string | null;
  valid_until: string;
  request_expires_at: string;
  collection_method: string;
  language: string;
  policy_url: string;
  withdrawal_method: string;
  message_json: string;
  callback_url: string | null;
  /** The system that asked (the webhook and polling belong to it). */
  requested_by: string;
  state: 'requested' | 'active' | 'refused' | 'expired' | 'withdrawn' | 'paused';
  version: number;
  created_at: string;
  updated_at: string;
}

/** The event log each consent's state is folded from; `seq` orders one consent's events. */
export interface ConsentEventsTable {
  id: string;
  consent_id: string;
  seq: number;
  type: string;
  at: string;
  actor_json: string;
  reason_json: string | null;
}

export interface GuardianshipsTable {
  id: string;
  guardian: string;
  child: string;
  child_birth_date: string;
  relation: string;
  reference: string;
  created_at: string;
  created_by: string;
  /** Set when the child comes of age (by the sweep) or the regulator ends it. */
  ended_at: string | null;
  ended_reason: string | null;
}

/** Grounds on which a withdrawal is refused, declared per purpose before any withdrawal. */
export interface WithdrawalGroundsTable {
  id: string;
  system_id: string;
  operator_id: string;
  purpose: string;
  reason_json: string;
  reference: string;
  declared_by: string;
  declared_at: string;
  valid_until: string | null;
}

/** Per-system webhook signing secrets (sealed); the previous one signs too until it retires. */
export interface WebhookSecretsTable {
  system_id: string;
  secret_sealed: string;
  previous_sealed: string | null;
  previous_until: string | null;
  created_at: string;
  rotated_at: string;
}

/** The durable webhook outbox: one row per message, retried with backoff until delivered. */
export interface WebhookDeliveriesTable {
  id: string;
  system_id: string;
  consent_id: string;
  event_id: string;
  event_type: string;
  url: string;
  payload_json: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface ConsentTables {
  consents: ConsentsTable;
  consent_events: ConsentEventsTable;
  guardianships: GuardianshipsTable;
  withdrawal_grounds: WithdrawalGroundsTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
