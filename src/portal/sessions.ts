/**
 * Citizen sessions, server-side: the browser holds only a random token in an http-only cookie;
 * the database holds its hash, the citizen's pseudonym (never the IIN), the CSRF token and the
 * times that end it. A session survives a restart and ends on sign-out, revocation, idle time or
 * its absolute lifetime, whichever comes first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { PortalSessionsTable, PortalTables, SessionColumns } from './portal.tables.js';

export interface SessionTimeouts {
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
}

export interface Session extends SessionTimes {
  readonly pseudonym: string;
}

/** Why a stored session no longer signs anyone in; `null` when it still does. */
export type SessionEnd = 'revoked' | 'idle' | 'expired' | null;

/** Pure: whether the session row still holds at `now`, and if not, why. */
export function sessionEnd(
  row: Pick<SessionColumns, 'revoked_at' | 'last_seen_at' | 'expires_at'>,
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

/** What every session shows of its lifecycle, citizen or staff. */
export interface SessionTimes {
  readonly id: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** When it ends if unused from now: the sooner of idle and absolute end. */
  readonly idleUntil: string;
}

/** A kind of session: its table, and how a holder is stored in a row and shown from one. */
export interface SessionKind<Holder, Row extends SessionColumns, View> {
  readonly table: 'portal_sessions' | 'staff_sessions';
  /** Prefix of the session ids (`ses`, `sss`). */
  readonly idPrefix: string;
  /** The column naming who holds the session (for `revokeAllOf` and `listOf`). */
  readonly holderColumn: Exclude<keyof Row, keyof SessionColumns> & string;
  columns(holder: Holder): Omit<Row, keyof SessionColumns>;
  view(row: Row, times: SessionTimes): View;
}

/** The store of one kind of server-side session (`createSessionStore`, `createStaffSessionStore`). */
export interface ServerSessionStore<Holder, View> {
  /** Starts a session; returns it with the cookie token (shown only here). */
  create(holder: Holder): Promise<{ session: View; token: string }>;
  /** The live session for a cookie token, touched; or why it ended (`unknown` if never issued). */
  resolve(token: string): Promise<View | { readonly ended: Exclude<SessionEnd, null> | 'unknown' }>;
  revoke(id: string, reason: 'sign-out' | 'revoked'): Promise<boolean>;
  /** Ends every live session of one holder; returns how many. */
  revokeAllOf(holder: string): Promise<number>;
  /** The holder's live sessions, newest first. */
  listOf(holder: string): Promise<readonly View[]>;
}

// Kysely sees every kind's table as one shape — the shared columns and one holder column — while
// the real table and column names pass through at run time; `columns` and `view` stay typed by the
// kind's own row.
interface AnySessionRow extends SessionColumns {
  holder: string;
}

export function createServerSessionStore<Holder, Row extends SessionColumns, View>(
  portalDb: Kysely<PortalTables>,
  kind: SessionKind<Holder, Row, View>,
  timeouts: SessionTimeouts,
  clock: () => Date = () => new Date(),
): ServerSessionStore<Holder, View> {
  const db = portalDb as unknown as Kysely<{ sessions: AnySessionRow }>;
  const table = kind.table as unknown as 'sessions';
  const holderColumn = kind.holderColumn as unknown as 'holder';
  const view = (row: AnySessionRow): View =>
    kind.view(row as unknown as Row, {
      id: row.id,
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
    async create(holder) {
      const now = clock();
      const token = randomToken();
      const row = {
        ...(kind.columns(holder) as unknown as Pick<AnySessionRow, 'holder'>),
        id: newId(kind.idPrefix, now.getTime()),
        token_hash: hashToken(token),
        csrf_token: randomToken(),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + timeouts.absoluteSeconds * 1000).toISOString(),
        revoked_at: null,
        revoked_reason: null,
      } satisfies AnySessionRow;
      await db.insertInto(table).values(row).execute();
      return { session: view(row), token };
    },

    async resolve(token) {
      const row = await db
        .selectFrom(table)
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
          .updateTable(table)
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
        .updateTable(table)
        .set({ revoked_at: clock().toISOString(), revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async revokeAllOf(holder) {
      const result = await db
        .updateTable(table)
        .set({ revoked_at: clock().toISOString(), revoked_reason: 'revoked' })
        .where(holderColumn, '=', holder)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listOf(holder) {
      const now = clock();
      const rows = await db
        .selectFrom(table)
        .selectAll()
        .where(holderColumn, '=', holder)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now.toISOString())
        .orderBy('created_at', 'desc')
        .execute();
      return rows.filter((row) => sessionEnd(row, now, timeouts) === null).map(view);
    },
  };
}

export interface SessionStore extends ServerSessionStore<string, Session> {
  /** Starts a session for a citizen's pseudonym. */
  create(pseudonym: string): Promise<{ session: Session; token: string }>;
  /** Ends every live session of a citizen (e.g. after a lost phone); returns how many. */
  revokeAllOf(pseudonym: string): Promise<number>;
  listOf(pseudonym: string): Promise<readonly Session[]>;
}

export function createSessionStore(
  db: Kysely<PortalTables>,
  timeouts: SessionTimeouts,
  clock: () => Date = () => new Date(),
): SessionStore {
  return createServerSessionStore<string, PortalSessionsTable, Session>(
    db,
    {
      table: 'portal_sessions',
      idPrefix: 'ses',
      holderColumn: 'pseudonym',
      columns: (pseudonym) => ({ pseudonym }),
      view: (row, times) => ({ ...times, pseudonym: row.pseudonym }),
    },
    timeouts,
    clock,
  );
}
