/**
 * The access module's own tables. Checks are kept by id with two read paths: the citizen's view
 * (subject pseudonym + time) and the breach notice (system + time). Idempotency keys are per
 * system, stored as keyed digests (a client may have chosen an IIN as its key). Regimes and the regulator's adequacy-list overrides are small and read through a cache.
 * No IIN anywhere: subjects and actors appear as pseudonyms; the actor's own opaque id is kept for
 * the operator and the monitoring centre, the citizen sees only a per-operator code.
 */
export interface AccessChecksTable {
  /** `chk_<ulid>`: time-ordered, also the outbox / ledger idempotency key and the event id. */
  id: string;
  system_id: string;
  operator_id: string;
  /** The subject's pseudonym. */
  subject: string;
  /** The operator's opaque employee or process id (≤ 128 characters, never an IIN). */
  actor_id: string;
  /** Pseudonym of the employee's own IIN when the operator sent it (self-access detection). */
  actor_pseudonym: string | null;
  /** Per-operator opaque code of the actor: what the citizen sees. */
  actor_code: string;
  purpose: string;
  legal_basis: string;
  basis_reference: string | null;
  /** JSON array of category codes, sorted. */
  categories_json: string;
  action: string;
  record_count: number | null;
  /** JSON `{ identifier?, name }` or null. */
  recipient_json: string | null;
  country: string | null;
  decision: 'permit' | 'deny';
  /** JSON array of `{ code, message, detail? }`. */
  reasons_json: string;
  /** JSON `{ kind, reference?, groundReference?, consentId?, regimeId? }`. */
  basis_json: string;
  /** JSON of the transfer the check was (cause, country, recipient, crossBorder) or null. */
  transfer_json: string | null;
  /** JSON array of monitoring signals (vital-interest, self-access) or null. */
  signals_json: string | null;
  /** ISO 8601 instant of the decision. */
  at: string;
  /**
   * The check's ledger index: written with the check on the one-commit path (the only copy: such a
   * check has no outbox row); on the two-step path copied from the outbox once sequenced, null
   * until then (the outbox knows it first).
   */
  ledger_index: number | null;
}

export interface AccessIdempotencyTable {
  system_id: string;
  /**
   * HMAC-SHA-256 (hex) of the `Idempotency-Key` under the module's key, never the key itself: the
   * text is the client's, and may hold an IIN. Rows the 20261205_1730 migration converted hold the
   * key's unkeyed SHA-256 instead, until they expire (`idempotency.ts`).
   */
  key_hash: string;
  /**
   * HMAC-SHA-256 (hex), under the same key, of the request body's canonical JSON (which holds the
   * subject's IIN): the same key with another body is a 422. Plain SHA-256 on converted rows.
   */
  body_hash: string;
  kind: 'single' | 'batch';
  /** JSON array of the check ids the first request produced, in answer order. */
  check_ids_json: string;
  /** The check's instant; the key answers retries for the retention after it, then is deleted. */
  created_at: string;
}

export interface AccessRegimesTable {
  id: string;
  name: string;
  act: string;
  systems_json: string;
  purposes_json: string;
  categories_json: string;
  starts_at: string;
  ends_at: string;
  /** Set when the regulator closed it early (then `ends_at` is the closing instant). */
  closed_at: string | null;
  created_by: string;
  created_at: string;
}

/** The regulator's changes to the default adequacy list (taxonomy), one row per country. */
export interface AccessAdequacyTable {
  country: string;
  adequate: number;
  changed_by: string;
  changed_at: string;
}

export interface AccessTables {
  access_checks: AccessChecksTable;
  access_idempotency: AccessIdempotencyTable;
  access_regimes: AccessRegimesTable;
  access_adequacy: AccessAdequacyTable;
}
