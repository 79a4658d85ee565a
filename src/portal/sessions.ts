/**
 * Citizen sessions, server-side: the browser holds only a random token in an http-only cookie;
 * the database holds its hash, the citizen's pseudonym (never the IIN), the CSRF token and the
 * times that end it. A session survives a restart and ends on sign-out, revocation, idle time or
 * its absolute lifetime, whichever comes first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { PortalSessionsTable, PortalTables } from './portal.tables.js';

export interface SessionTimeouts {
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
}

export interface Session {
  readonly id: string;
  readonly pseudonym: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** When it ends if unused from now: the sooner of idle and absolute end. */
  readonly idleUntil: string;
}

/** Why a stored session no longer signs anyone in; `null` when it still does. */
export type SessionEnd = 'revoked' | 'idle' | 'expired' | null;

/** Pure: whether the session row still holds at `now`, and if not, why. */
export function sessionEnd(
  row: Pick<PortalSessionsTable, 'revoked_at' | 'last_seen_at' | 'expires_at'>,
  now: Date,
  timeouts: SessionTimeouts,
): SessionEnd {
  if (row.revoked_at !== null) return 'revoked';
  if (now.getTime() >= Date.parse(row.expires_at)) return 'expired';
  if (now.getTime() >= Date.parse(row.last_seen_at) + timeouts.idleSeconds * 1000) return 'idle';
  return null;
}

export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** 32 random bytes, base64url: the cookie value, CSRF token and login ids. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

// last_seen_at is written at most once a minute per session, so reading pages costs no write each.
const TOUCH_EVERY_MS = 60_000;

export interface SessionStore {
  /** Starts a session; returns it with the cookie token (shown only here). */
  create(pseudonym: string): Promise<{ session: Session; token: string }>;
  /** The live session for a cookie token, touched; or why it ended (`unknown` if never issued). */
  resolve(
    token: string,
  ): Promise<Session | { readonly ended: Exclude<SessionEnd, null> | 'unknown' }>;
  revoke(id: string, reason: 'sign-out' | 'revoked'): Promise<boolean>;
  /** Ends every live session of a citizen (e.g. after a lost phone); returns how many. */
  revokeAllOf(pseudonym: string): Promise<number>;
  listOf(pseudonym: string): Promise<readonly Session[]>;
}

export function createSessionStore(
  db: Kysely<PortalTables>,
  timeouts: SessionTimeouts,
  clock: () => Date = () => new Date(),
): SessionStore {
  const view = (row: PortalSessionsTable): Session => ({
    id: row.id,
    pseudonym: row.pseudonym,
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
    async create(pseudonym) {
      const now = clock();
      const token = randomToken();
      const row: PortalSessionsTable = {
        id: newId('ses', now.getTime()),
        token_hash: hashToken(token),
        pseudonym,
        csrf_token: randomToken(),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + timeouts.absoluteSeconds * 1000).toISOString(),
        revoked_at: null,
        revoked_reason: null,
      };
      await db.insertInto('portal_sessions').values(row).execute();
      return { session: view(row), token };
    },

    async resolve(token) {
      const row = await db
        .selectFrom('portal_sessions')
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
          .updateTable('portal_sessions')
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
        .updateTable('portal_sessions')
        .set({ revoked_at: clock().toISOString(), revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async revokeAllOf(pseudonym) {
      const result = await db
        .updateTable('portal_sessions')
        .set({ revoked_at: clock().toISOString(), revoked_reason: 'revoked' })
        .where('pseudonym', '=', pseudonym)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listOf(pseudonym) {
      const now = clock();
      const rows = await db
        .selectFrom('portal_sessions')
        .selectAll()
        .where('pseudonym', '=', pseudonym)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now.toISOString())
        .orderBy('created_at', 'desc')
        .execute();
      return rows.filter((row) => sessionEnd(row, now, timeouts) === null).map(view);
    },
  };
}
