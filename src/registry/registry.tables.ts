/** Registry tables. JSON columns hold arrays/objects as text; booleans are 0/1 (see dialect-types). */
import type { OutboxTables } from '../outbox/index.js';

export interface OperatorsTable {
  id: string;
  identifier_kind: 'bin' | 'iin';
  /** The BIN itself, or for an individual entrepreneur a keyed hash of the IIN (never the IIN). */
  identifier_lookup: string;
  /** The IIN of an individual entrepreneur, sealed; null for BINs. */
  identifier_sealed: string | null;
  /** What staff see: the BIN, or the IIN masked (`9005********`). */
  identifier_display: string;
  name_kk: string;
  name_ru: string;
  name_en: string;
  sector: string;
  contact_json: string;
  /** Lower-cased names and identifier for search (SQL lower() does not fold Cyrillic in SQLite). */
  search_text: string;
  status: 'active' | 'suspended' | 'revoked';
  status_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SystemsTable {
  id: string;
  operator_id: string;
  name: string;
  description: string;
  kind: string;
  purposes_json: string;
  categories_json: string;
  legal_grounds_json: string;
  hosting_country: string;
  data_centre: string;
  on_national_platform: number;
  access_control_connected_on: string | null;
  soc_connected_on: string | null;
  trust_status: 'listed' | 'pending' | 'refused';
  biometric_json: string | null;
  client_cert_sha256: string | null;
  search_text: string;
  status: 'active' | 'suspended' | 'revoked';
  status_reason: string | null;
  suspended_until: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CertificatesTable {
  id: string;
  system_id: string;
  number: string;
  issuer: string;
  scope: string;
  valid_from: string;
  valid_until: string;
  recorded_at: string;
  recorded_by: string;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
}

export interface CredentialsTable {
  id: string;
  system_id: string;
  /** The public part of the key, shown in lists (`qalqan_sk_<id>_…`). */
  display_prefix: string;
  /** HMAC-SHA-256 of the secret part under the server's lookup key. */
  secret_hash: string;
  label: string;
  created_at: string;
  created_by: string;
  /** Set when a rotation gives the old key a grace period. */
  expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  last_used_at: string | null;
  replaced_by: string | null;
}

export interface StaffTokensTable {
  id: string;
  role: 'regulator' | 'soc' | 'auditor';
  name: string;
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/**
 * Every change to the registry, in order, with the actor and a snapshot. Doubles as the ledger
 * outbox: `ledger_index` is null until the change's commitment is sequenced into the log.
 */
export interface RegistryHistoryTable {
  id: string;
  entity: 'operator' | 'system' | 'credential' | 'certificate' | 'staff-token';
  entity_id: string;
  /** The operator or system the change belongs to, for per-record history queries. */
  subject_id: string;
  action: string;
  version: number | null;
  actor: string;
  reason: string | null;
  snapshot_json: string;
  at: string;
  ledger_index: number | null;
}

export interface RegistryTables {
  operators: OperatorsTable;
  systems: SystemsTable;
  system_certificates: CertificatesTable;
  system_credentials: CredentialsTable;
  staff_tokens: StaffTokensTable;
  registry_history: RegistryHistoryTable;
  /** One row (id 1): bumped by every registry change, so cached reads know when to reload. */
  registry_version: { id: number; version: number };
}

/**
 * What the registry's services run on: its own tables and the outbox its changes are written to
 * in the same transaction. No other module's table, so a query on one fails to compile.
 */
export type RegistryDatabase = RegistryTables & OutboxTables;
