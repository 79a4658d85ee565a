/**
 * Staff sessions of the web console, server-side, with the citizen sessions' machinery
 * (`sessions.ts`): the browser holds a random token in an http-only cookie, the database its hash,
 * the staff principal it stands for, the CSRF token and the times that end it. A staff session is
 * begun by presenting a staff credential (a staff token or a staff OIDC token) once; it never
 * stores that credential, and it ends on sign-out, idle time or its absolute lifetime.
 */
import type { Kysely } from 'kysely';
import type { StaffRole } from '../http/access.js';
import type { PortalTables, StaffSessionsTable } from './portal.tables.js';
import {
  createServerSessionStore,
  type SessionEnd,
  type SessionTimeouts,
  type SessionTimes,
} from './sessions.js';

export interface StaffIdentity {
  readonly subject: string;
  readonly roles: readonly StaffRole[];
  readonly name: string;
}

export interface StaffSession extends StaffIdentity, SessionTimes {}

export interface StaffSessionStore {
  /** Starts a session for the staff principal; returns it with the cookie token (shown only here). */
  create(identity: StaffIdentity): Promise<{ session: StaffSession; token: string }>;
  /** The live session for a cookie token, touched; or why it ended (`unknown` if never issued). */
  resolve(
    token: string,
  ): Promise<StaffSession | { readonly ended: Exclude<SessionEnd, null> | 'unknown' }>;
  revoke(id: string, reason: 'sign-out' | 'revoked'): Promise<boolean>;
  /** Ends every live session begun with one credential (e.g. once it is revoked); how many. */
  revokeAllOf(subject: string): Promise<number>;
}

const STAFF_ROLES: readonly StaffRole[] = ['regulator', 'soc', 'auditor'];
const rolesOf = (stored: string): StaffRole[] =>
  stored.split(',').filter((role): role is StaffRole => STAFF_ROLES.includes(role as StaffRole));

export function createStaffSessionStore(
  db: Kysely<PortalTables>,
  timeouts: SessionTimeouts,
  clock: () => Date = () => new Date(),
): StaffSessionStore {
  return createServerSessionStore<StaffIdentity, StaffSessionsTable, StaffSession>(
    db,
    {
      table: 'staff_sessions',
      idPrefix: 'sss',
      holderColumn: 'subject',
      columns: (identity) => ({
        subject: identity.subject,
        roles: identity.roles.join(','),
        name: identity.name,
      }),
      view: (row, times) => ({
        ...times,
        subject: row.subject,
        roles: rolesOf(row.roles),
        name: row.name,
      }),
    },
    timeouts,
    clock,
  );
}
