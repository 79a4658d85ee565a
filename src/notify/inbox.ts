/**
 * The inbox store and the live fan-out. `receive` is the only writer: one row per (event,
 * citizen), inserted with ON CONFLICT DO NOTHING, so an event delivered twice — publishing is at
 * least once — is stored and pushed once. A category the citizen muted is still stored (the
 * inbox is their record) but arrives already read and is not pushed live.
 *
 * Every read and update names the subject and pages by id, so each is a range of the primary key
 * (subject, id) — there is no other index to serve them (`inbox-schema.test.ts` checks the plans):
 * SQLite searches `(subject=? AND id<?)` and the like, ordered by the key, never a sort; the
 * unread count walks the citizen's own rows only.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { DomainEvent } from '../events/index.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type { DerivedTransaction } from '../storage/storage.js';
import { CATEGORIES, type Category, categoryOf, subjectsOf } from './categories.js';
import type { NotificationsTable, NotifyTables } from './notify.tables.js';

export interface Notification {
  readonly id: string;
  readonly eventId: string;
  readonly type: string;
  readonly category: Category;
  readonly at: string;
  readonly read: boolean;
  readonly data: JsonObject;
}

export type Preferences = Readonly<Record<Category, boolean>>;

export interface InboxPage {
  readonly notifications: readonly Notification[];
  readonly unread: number;
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export type Listener = (notification: Notification) => void;

/** Rows per statement (nine columns each, far below both engines' parameter limits). */
const CHUNK = 500;

export interface Inbox {
  /** Stores the event for every citizen it touches; returns how many notifications are new. */
  receive(event: DomainEvent): Promise<number>;
  /** As `receive` for a batch of events, in one transaction. */
  receiveAll(events: readonly DomainEvent[]): Promise<number>;
  list(
    subject: string,
    query: { unread?: boolean; category?: Category; before?: string; limit: number },
  ): Promise<InboxPage>;
  /** Notifications newer than `afterId` (SSE resumption), oldest first. */
  since(subject: string, afterId: string, limit: number): Promise<readonly Notification[]>;
  markRead(subject: string, id: string): Promise<boolean>;
  markAllRead(subject: string): Promise<number>;
  preferences(subject: string): Promise<Preferences>;
  setPreferences(subject: string, changes: Partial<Preferences>): Promise<Preferences>;
  /** Live notifications for one citizen until the returned function is called. */
  listen(subject: string, listener: Listener): () => void;
}

const view = (row: NotificationsTable): Notification => ({
  id: row.id,
  eventId: row.event_id,
  type: row.type,
  category: row.category as Category,
  at: row.at,
  read: row.read_at !== null,
  data: JSON.parse(row.data_json) as JsonObject,
});

/**
 * `derived`: the transaction the batch writes run in — `storage.derivedTransactions`, as the
 * composed server passes it (the rows are re-derived from the outbox, which delivers the events
 * again until a later durable commit marks them done), or an ordinary transaction.
 */
export function createInbox(
  db: Kysely<NotifyTables>,
  clock: () => Date = () => new Date(),
  derived?: DerivedTransaction<NotifyTables>,
): Inbox {
  const transaction =
    derived ??
    (<T>(work: (trx: Transaction<NotifyTables>) => Promise<T>) => db.transaction().execute(work));
  const listeners = new Map<string, Set<Listener>>();

  async function preferences(subject: string): Promise<Preferences> {
    const rows = await db
      .selectFrom('notification_preferences')
      .select(['category', 'notify'])
      .where('subject', '=', subject)
      .execute();
    const prefs = Object.fromEntries(CATEGORIES.map((c) => [c, true])) as Record<Category, boolean>;
    for (const row of rows)
      if ((CATEGORIES as readonly string[]).includes(row.category))
        prefs[row.category as Category] = Number(row.notify) === 1;
    return prefs;
  }

  async function unreadOf(subject: string): Promise<number> {
    const row = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('subject', '=', subject)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Stores a batch of events in one transaction (one commit, not one per event): the muted
   * categories of every citizen touched read in one query, the rows inserted together, and only
   * the rows actually inserted (not a redelivery) pushed live.
   */
  async function receiveAll(events: readonly DomainEvent[]): Promise<number> {
    const wanted: { event: DomainEvent; subject: string; category: Category }[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      const category = categoryOf(event.type);
      if (!category) continue;
      for (const subject of subjectsOf(event)) {
        const key = `${event.id}\n${subject}`;
        if (seen.has(key)) continue;
        seen.add(key);
        wanted.push({ event, subject, category });
      }
    }
    if (wanted.length === 0) return 0;
    const muted = new Set<string>();
    const subjects = [...new Set(wanted.map((w) => w.subject))];
    for (let i = 0; i < subjects.length; i += CHUNK)
      for (const row of await db
        .selectFrom('notification_preferences')
        .select(['subject', 'category', 'notify'])
        .where('subject', 'in', subjects.slice(i, i + CHUNK))
        .execute())
        if (Number(row.notify) !== 1) muted.add(`${row.subject}\n${row.category}`);
    const rows = wanted.map(({ event, subject, category }): NotificationsTable => {
      const now = clock();
      const notify = !muted.has(`${subject}\n${category}`);
      return {
        id: newId('ntf', now.getTime()),
        event_id: event.id,
        subject,
        category,
        type: event.type,
        at: event.at,
        data_json: JSON.stringify(event.data),
        created_at: now.toISOString(),
        read_at: notify ? null : now.toISOString(),
      };
    });
    const inserted = new Set<string>();
    await transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK)
        for (const row of await trx
          .insertInto('notifications')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(['event_id', 'subject']).doNothing())
          .returning('id')
          .execute())
          inserted.add(row.id);
    });
    for (const row of rows)
      if (inserted.has(row.id) && row.read_at === null)
        for (const listener of listeners.get(row.subject) ?? []) listener(view(row));
    return inserted.size;
  }

  return {
    receive: (event) => receiveAll([event]),
    receiveAll,

    async list(subject, query) {
      let q = db.selectFrom('notifications').selectAll().where('subject', '=', subject);
      if (query.unread) q = q.where('read_at', 'is', null);
      if (query.category) q = q.where('category', '=', query.category);
      if (query.before) q = q.where('id', '<', query.before);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      return {
        notifications: page.map(view),
        unread: await unreadOf(subject),
        nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async since(subject, afterId, limit) {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('subject', '=', subject)
        .where('id', '>', afterId)
        .where('read_at', 'is', null)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
      return rows.map(view);
    },

    async markRead(subject, id) {
      const found = await db
        .selectFrom('notifications')
        .select('id')
        .where('subject', '=', subject)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!found) return false;
      await db
        .updateTable('notifications')
        .set({ read_at: clock().toISOString() })
        .where('subject', '=', subject)
        .where('id', '=', id)
        .where('read_at', 'is', null)
        .execute();
      return true;
    },

    async markAllRead(subject) {
      const result = await db
        .updateTable('notifications')
        .set({ read_at: clock().toISOString() })
        .where('subject', '=', subject)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    preferences,

    async setPreferences(subject, changes) {
      const at = clock().toISOString();
      for (const category of CATEGORIES) {
        const value = changes[category];
        if (value === undefined) continue;
        await db
          .insertInto('notification_preferences')
          .values({ subject, category, notify: value ? 1 : 0, updated_at: at })
          .onConflict((oc) =>
            oc
              .columns(['subject', 'category'])
              .doUpdateSet({ notify: value ? 1 : 0, updated_at: at }),
          )
          .execute();
      }
      return preferences(subject);
    },

    listen(subject, listener) {
      let set = listeners.get(subject);
      if (!set) listeners.set(subject, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(subject);
      };
    },
  };
}
