/**
 * Staff sessions of the web console, server-side, with the citizen sessions' machinery
 * (`sessions.ts`): the browser holds a random token in an http-only cookie, the database its hash,
 * the staff principal it stands for, the CSRF token and the times that end it. A staff session is
 * begun by presenting a staff credential (a staff token or a staff OIDC token) once; it never
 * stores that credential, and it ends on sign-out, idle time or its absolute lifetime.
 */
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { StaffRole } from '../http/access.js';
import type { PortalTables, StaffSessionsTable } from './portal.tables.js';
import {
  hashToken,
  randomToken,
  type SessionEnd,
  sessionEnd,
  type SessionTimeouts,
} from './sessions.js';

export interface StaffIdentity {
  readonly subject: string;
  readonly roles: readonly StaffRole[];
  readonly name: string;
}

export interface StaffSession extends StaffIdentity {
  readonly id: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** When it ends if unused from now: the sooner of idle and absolute end. */
  readonly idleUntil: string;
}

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

// As for citizens: last_seen_at is written at most once a minute per session.
const TOUCH_EVERY_MS = 60_000;

export function createStaffSessionStore(
  db: Kysely<PortalTables>,
  timeouts: SessionTimeouts,
  clock: () => Date = () => new Date(),
): StaffSessionStore {
  const view = (row: StaffSessionsTable): StaffSession => ({
    id: row.id,
    subject: row.subject,
    roles: rolesOf(row.roles),
    name: row.name,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    idleUntil: new Date(
      Math.min(
        Date.parse(row.expires_at),
        Date.parse(row.last_seen_at) + timeouts.idleSeconds * 1000,
      ),
    ).toISOString(),
  });

  return {
    async create(identity) {
      const now = clock();
      const token = randomToken();
      const row: StaffSessionsTable = {
        id: newId('sss', now.getTime()),
        token_hash: hashToken(token),
        subject: identity.subject,
        roles: identity.roles.join(','),
        name: identity.name,
        csrf_token: randomToken(),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + timeouts.absoluteSeconds * 1000).toISOString(),
        revoked_at: null,
        revoked_reason: null,
      };
      await db.insertInto('staff_sessions').values(row).execute();
      return { session: view(row), token };
    },

    async resolve(token) {
      const row = await db
        .selectFrom('staff_sessions')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!row) return { ended: 'unknown' };
      const now = clock();
      const ended = sessionEnd(row, now, timeouts);
      if (ended) return { ended };
      if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
        const seen = now.toISOString();
        await db
          .updateTable('staff_sessions')
          .set({ last_seen_at: seen })
          .where('id', '=', row.id)
          .where('revoked_at', 'is', null)
          .execute();
        return view({ ...row, last_seen_at: seen });
      }
      return view(row);
    },

    async revoke(id, reason) {
      const result = await db
        .updateTable('staff_sessions')
        .set({ revoked_at: clock().toISOString(), revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async revokeAllOf(subject) {
      const result = await db
        .updateTable('staff_sessions')
        .set({ revoked_at: clock().toISOString(), revoked_reason: 'revoked' })
        .where('subject', '=', subject)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
