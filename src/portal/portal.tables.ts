/**
 * The portal's own tables: citizen sessions and sign-ins in progress. Neither holds an IIN: a
 * session names the citizen by pseudonym only, and a sign-in in progress holds only what the
 * OIDC code flow needs to finish (state, PKCE verifier, nonce).
 */
/**
 * The columns of every server-side session, citizen or staff: its lifecycle, not who holds it
 * (`sessions.ts` runs both on them).
 */
export interface SessionColumns {
  /** Public id of the session (the principal's `sessionId`); not the cookie value. */
  id: string;
  /** SHA-256 of the cookie value (hex): a copy of this table signs no one in. */
  token_hash: string;
  /** The synchronizer token every state-changing request must echo in `X-CSRF-Token`. */
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end: `created_at` + the absolute timeout. */
  expires_at: string;
  revoked_at: string | null;
  /** Why it ended early: `sign-out`, `revoked`. */
  revoked_reason: string | null;
}

export interface PortalSessionsTable extends SessionColumns {
  pseudonym: string;
}

export interface PortalLoginsTable {
  /** SHA-256 (hex) of the short-lived login cookie that binds the sign-in to one browser. */
  id_hash: string;
  state: string;
  code_verifier: string;
  nonce: string;
  /** Where in the web app to land after signing in (a same-origin path). */
  return_to: string;
  created_at: string;
  expires_at: string;
}

/**
 * Staff sessions of the web console (the monitoring centre): the same lifecycle as a citizen's,
 * begun by presenting a staff credential once. The row holds the staff principal the credential
 * yielded (the token id or OIDC subject, its roles and display name), never the credential.
 */
export interface StaffSessionsTable extends SessionColumns {
  /** The staff token id (`st_…`) or the OIDC subject the session was begun with. */
  subject: string;
  /** The principal's roles, comma-separated (`soc`, `regulator,auditor`). */
  roles: string;
  name: string;
}

export interface PortalTables {
  portal_sessions: PortalSessionsTable;
  portal_logins: PortalLoginsTable;
  staff_sessions: StaffSessionsTable;
}
