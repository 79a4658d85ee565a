/**
 * Domain errors. Every failure a client can meet has a stable code from one table; the HTTP layer
 * turns a `DomainError` into RFC 9457 problem details with `type = urn:qalqan:problem:<code>`.
 * Add a module's codes here, grouped by module, so status codes stay consistent everywhere.
 */
export const ERROR_CATALOGUE = {
  // HTTP shell
  'request.validation': { status: 400, title: 'The request is not valid' },
  'request.malformed_body': { status: 400, title: 'The request body could not be parsed' },
  'request.unsupported_media_type': { status: 415, title: 'Unsupported content type' },
  'request.body_too_large': { status: 413, title: 'The request body is too large' },
  'request.not_found': { status: 404, title: 'No such resource' },
  'request.method_not_allowed': { status: 405, title: 'Method not allowed' },
  'request.not_acceptable': { status: 406, title: 'Not acceptable' },
  'request.rate_limited': { status: 429, title: 'Too many requests' },
  'request.malformed_url': { status: 400, title: 'The URL could not be decoded' },
  'request.uri_too_long': { status: 414, title: 'A path segment is too long' },
  'request.headers_too_large': { status: 431, title: 'The request headers are too large' },
  'request.timeout': { status: 408, title: 'The request took too long to arrive' },
  'request.malformed_http': { status: 400, title: 'The request is not valid HTTP' },
  'auth.too_many_failures': {
    status: 429,
    title: 'Too many failed authentication attempts from this address',
  },
  'auth.unauthenticated': { status: 401, title: 'Authentication required' },
  'auth.forbidden': { status: 403, title: 'Not allowed for this caller' },
  'server.internal': { status: 500, title: 'Internal error' },
  'server.unavailable': { status: 503, title: 'Service unavailable' },
  // core
  'core.invalid_iin': { status: 400, title: 'Invalid IIN' },
  'core.invalid_bin': { status: 400, title: 'Invalid BIN' },
  'core.unknown_purpose': { status: 400, title: 'Unknown purpose' },
  'core.unknown_category': { status: 400, title: 'Unknown data category' },
  'core.unknown_legal_basis': { status: 400, title: 'Unknown legal basis' },
  'core.unknown_country': { status: 400, title: 'Unknown country code' },
  // registry
  'registry.operator_not_found': { status: 404, title: 'No such operator' },
  'registry.system_not_found': { status: 404, title: 'No such information system' },
  'registry.credential_not_found': { status: 404, title: 'No such API key' },
  'registry.certificate_not_found': { status: 404, title: 'No such certificate' },
  'registry.duplicate': { status: 409, title: 'Already registered' },
  'registry.invalid_transition': { status: 409, title: 'That status change is not possible' },
  'registry.operator_inactive': { status: 409, title: 'The operator is not active' },
  'registry.invalid_system': {
    status: 400,
    title: 'The information system description is inconsistent',
  },
  'registry.invalid_certificate': { status: 400, title: 'The certificate is not valid' },
  'registry.invalid_import': { status: 400, title: 'The import file has errors' },
  'registry.too_many_keys': {
    status: 409,
    title: 'The system has as many live API keys as allowed',
  },
  'registry.identifier_in_text': {
    status: 400,
    title: 'A free-text field holds an IIN; personal identifiers do not belong there',
  },
  // consent
  'consent.not_found': { status: 404, title: 'No such consent or consent request' },
  'consent.child_not_found': { status: 404, title: 'No such child in your care' },
  'consent.purpose_not_declared': {
    status: 400,
    title: 'The system did not declare that purpose in the registry',
  },
  'consent.category_not_declared': {
    status: 400,
    title: 'The system did not declare that data category in the registry',
  },
  'consent.invalid_request': { status: 400, title: 'The consent request is inconsistent' },
  'consent.insecure_webhook_url': { status: 400, title: 'The webhook URL is not allowed' },
  'consent.webhook_secret_missing': {
    status: 409,
    title: 'The system has no webhook signing secret yet',
  },
  'consent.already_answered': { status: 409, title: 'The consent request was already answered' },
  'consent.request_expired': { status: 409, title: 'The consent request has expired' },
  'consent.invalid_transition': {
    status: 409,
    title: "That is not possible in the consent's state",
  },
  'consent.minor_needs_guardian': {
    status: 403,
    title: 'A minor cannot act on consent alone; a guardian acts for them',
  },
  'consent.guardian_right_ended': {
    status: 403,
    title: 'The child has come of age; the guardian no longer acts for them',
  },
  'consent.not_a_minor': { status: 400, title: 'The child is not a minor' },
  'consent.guardianship_exists': { status: 409, title: 'That guardianship is already recorded' },
  'consent.invalid_import': { status: 400, title: 'The guardianship file has errors' },
  // portal (citizen sign-in and sessions)
  'portal.sign_in_failed': { status: 400, title: 'Sign-in could not be completed' },
  'portal.sign_in_unavailable': { status: 503, title: 'Citizen sign-in is not configured' },
  'portal.session_expired': { status: 401, title: 'Your session has ended' },
  'portal.csrf_failed': { status: 403, title: 'The request lacks a valid CSRF token' },
  // notify (citizen inbox)
  'notify.not_found': { status: 404, title: 'No such notification' },
  // access checks
  'access.reference_required': {
    status: 400,
    title: 'This legal basis needs a reference (the act or the court order)',
  },
  'access.transfer_incomplete': {
    status: 400,
    title: 'A transfer needs a recipient and a country',
  },
  'access.identifier_in_actor': {
    status: 400,
    title: 'The actor id holds an IIN; send it as actor.iin, never in the id',
  },
  'access.batch_too_large': { status: 400, title: 'A batch holds at most 1,000 checks' },
  'access.idempotency_mismatch': {
    status: 422,
    title: 'The Idempotency-Key was used before with a different request',
  },
  'access.check_not_found': { status: 404, title: 'No such access check' },
  'access.regime_not_found': { status: 404, title: 'No such legal regime' },
  'access.invalid_regime': { status: 400, title: 'The legal regime is inconsistent' },
  // monitoring centre: reference data, responses, incidents
  'monitor.reference_not_found': { status: 404, title: 'No such reference entry' },
  'monitor.reference_exists': { status: 409, title: 'That entry is already on the list' },
  'monitor.batch_refused': {
    status: 422,
    title: 'Some entries of the batch cannot be registered; none was',
  },
  'monitor.invalid_working_hours': { status: 400, title: 'The working hours are not valid' },
  'monitor.response_not_found': { status: 404, title: 'No such monitoring response' },
  'monitor.invalid_response': { status: 400, title: 'The monitoring response is inconsistent' },
  'monitor.response_decided': {
    status: 409,
    title: 'The monitoring response was already confirmed, rejected or lifted',
  },
  'monitor.system_not_found': { status: 404, title: 'The information system does not exist' },
  'monitor.operator_not_found': { status: 404, title: 'The operator is not in the registry' },
  'monitor.system_gone': { status: 409, title: 'The information system no longer exists' },
  'monitor.incident_not_found': { status: 404, title: 'No such incident' },
  'monitor.invalid_incident': { status: 400, title: 'The incident is inconsistent' },
  'monitor.incident_state': { status: 409, title: "That is not possible in the incident's state" },
  'monitor.case_not_found': { status: 404, title: 'No such case' },
  'monitor.alert_not_found': { status: 404, title: 'No such alert' },
  'monitor.rule_not_found': { status: 404, title: 'No such detection rule' },
  'monitor.rule_version_not_found': { status: 404, title: 'The rule has no such version' },
  'monitor.rule_invalid': { status: 422, title: 'The detection rule is not valid' },
  'monitor.rule_tests_failed': {
    status: 422,
    title: 'The detection rule fails its own test events',
  },
  'monitor.rule_exists': { status: 409, title: 'A detection rule already has that id' },
  'monitor.rule_version_conflict': {
    status: 409,
    title: 'The rule was changed by someone else meanwhile',
  },
  'monitor.rule_unchanged': { status: 409, title: 'That is already the rule in force' },
  'monitor.rule_in_use': { status: 409, title: 'Another rule depends on this rule' },
  'monitor.invalid_transition': {
    status: 409,
    title: 'That state change is not possible for the alert or case',
  },
  // scan
  'scan.malformed_input': { status: 400, title: 'The input could not be read in its format' },
  'scan.unreadable_path': { status: 400, title: 'The path cannot be read' },
  'scan.invalid_option': { status: 400, title: 'Invalid scan option' },
  // storage
  'storage.conflict': { status: 409, title: 'The record was changed by someone else' },
  'storage.precondition_required': { status: 428, title: 'A version precondition is required' },
  'storage.precondition_failed': { status: 412, title: 'The record version does not match' },
  // ledger
  'ledger.invalid_entry': { status: 400, title: 'The ledger entry is not valid' },
  'ledger.index_out_of_range': { status: 400, title: 'The entry index is not in that tree' },
  'ledger.size_beyond_tree': { status: 400, title: 'The tree size is larger than the ledger' },
  'ledger.bad_proof_range': { status: 400, title: 'The consistency proof range is not valid' },
  'ledger.bad_tile_path': { status: 400, title: 'The tile path is malformed' },
  'ledger.tile_not_found': { status: 404, title: 'The ledger has no such tile' },
  'ledger.record_not_found': { status: 404, title: 'No such ledger record' },
  'ledger.unavailable': { status: 503, title: 'The ledger cannot append right now' },
  'ledger.overloaded': { status: 503, title: 'The ledger queue is full' },
  'ledger.corrupt': { status: 500, title: 'The ledger storage failed its integrity check' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function problemType(code: ErrorCode): string {
  return `urn:qalqan:problem:${code}`;
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

/**
 * A failure the caller can understand and act on. `detail` is written for the person reading it:
 * it quotes the id they sent but never a secret or a raw personal identifier.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  /** Extra machine-readable members for the problem document (e.g. per-field errors). */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
    this.extensions = extensions;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
