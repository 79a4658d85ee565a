/**
 * The notifications table's keys — the primary key (subject, id) and the unique (event_id, subject),
 * no index of `id` alone nor a separate subject index: three B-trees on SQLite with the rows — the
 * migration that rebuilds the table over existing rows, and every query the inbox runs on it
 * served by the primary key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../events/index.js';
import { migrateToLatest } from '../storage/migrate.js';
import * as notificationsBySubject from '../storage/migrations/20261205_1340_notifications_by_subject.js';
import { migrations } from '../storage/migrations/index.js';
import { openStorage, type Storage } from '../storage/storage.js';
import { describeStorage, postgresUrl } from '../storage/test-support/storages.js';
import { createInbox } from './inbox.js';
import type { NotificationsTable } from './notify.tables.js';
import { planOf } from '../storage/test-support/query-plan.js';

const MIGRATION = '20261205_1340_notifications_by_subject';
const fresh = () => `p1_${randomBytes(32).toString('base64url').slice(0, 43)}`;

/** The table's B-trees and how each is defined, as the engine's catalogue has them. */
async function btrees(storage: Storage): Promise<Record<string, string>> {
  if (storage.native.dialect === 'sqlite') {
    const rows = storage.native.sqlite
      .prepare(
        `select name, coalesce(sql, '') as sql from sqlite_master
          where tbl_name = 'notifications' order by name`,
      )
      .all() as { name: string; sql: string }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.sql]));
  }
  const { rows } = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes
     where tablename = 'notifications' and schemaname = current_schema() order by indexname`.execute(
    storage.db,
  );
  // The heap is PostgreSQL's own storage, not an index; it is counted as the table's one tree.
  return {
    notifications: 'heap',
    ...Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef])),
  };
}

describe.each(['sqlite', 'postgres'] as const)('notifications migration [%s]', (dialect) => {
  const enabled = dialect === 'sqlite' || postgresUrl !== undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.skipIf(!enabled)('rebuilds the table over existing rows, keeping every one', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-test-'));
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const storage =
      dialect === 'postgres'
        ? await openStorage({ dataDir, databaseUrl: postgresUrl!, schema, poolSize: 2 })
        : await openStorage({ dataDir });
    cleanups.push(async () => {
      await storage.close();
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });
    const db = storage.db;

    // The schema as it was just before this migration, with rows in it.
    const previous = Object.keys(migrations)
      .sort()
      .filter((name) => name < MIGRATION)
      .at(-1)!;
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
      ...(db.getExecutor().adapter instanceof PostgresAdapter
        ? { migrationTableSchema: schema }
        : {}),
    });
    const partial = await migrator.migrateTo(previous);
    expect(partial.error).toBeUndefined();
    expect(Object.keys(await btrees(storage))).toHaveLength(4);

    const subjects = [fresh(), fresh(), fresh()];
    const rows: NotificationsTable[] = Array.from({ length: 60 }, (_, i) => ({
      // Ids not in subject order, as they arrive: the copy must not depend on the old order.
      id: `ntf_${String(1000 - i).padStart(6, '0')}`,
      event_id: `chk_${String(Math.floor(i / 3)).padStart(6, '0')}`,
      subject: subjects[i % 3]!,
      category: 'access',
      type: 'access.checked',
      at: '2026-12-05T10:00:00.000Z',
      data_json: JSON.stringify({ n: i, text: 'x'.repeat(i * 7) }),
      created_at: '2026-12-05T10:00:01.000Z',
      read_at: i % 4 === 0 ? '2026-12-05T11:00:00.000Z' : null,
    }));
    await db.insertInto('notifications').values(rows).execute();

    await migrateToLatest(db);

    const byKey = (a: NotificationsTable, b: NotificationsTable) =>
      a.subject === b.subject ? (a.id < b.id ? -1 : 1) : a.subject < b.subject ? -1 : 1;
    const after = await db.selectFrom('notifications').selectAll().execute();
    expect([...after].sort(byKey)).toEqual([...rows].sort(byKey));

    const trees = await btrees(storage);
    if (dialect === 'sqlite') {
      // The rows, the primary key's autoindex and the unique index: three B-trees, not four.
      expect(Object.keys(trees)).toEqual([
        'notifications',
        'notifications_event_subject',
        'sqlite_autoindex_notifications_1',
      ]);
      expect(trees.notifications).toMatch(/primary key \("subject", "id"\)\)$/i);
      expect(trees.notifications_event_subject).toMatch(
        /create unique index .*\("event_id", "subject"\)/i,
      );
    } else {
      expect(Object.keys(trees)).toEqual([
        'notifications',
        'notifications_event_subject',
        'notifications_pkey',
      ]);
      expect(trees.notifications_pkey).toMatch(/UNIQUE INDEX .* USING btree \(subject, id\)/);
      expect(trees.notifications_event_subject).toMatch(
        /UNIQUE INDEX .* USING btree \(event_id, subject\)/,
      );
    }

    // Down and up again: the old keys back, then these, every row kept each time.
    await notificationsBySubject.down(db as Kysely<unknown>);
    expect(Object.keys(await btrees(storage))).toHaveLength(4);
    expect([...(await db.selectFrom('notifications').selectAll().execute())].sort(byKey)).toEqual(
      [...rows].sort(byKey),
    );
    await notificationsBySubject.up(db as Kysely<unknown>);
    expect(await btrees(storage)).toEqual(trees);

    // Redelivery still stores nothing new; a new event does, and reads back with the old rows.
    const inbox = createInbox(db);
    const event: DomainEvent = {
      id: 'chk_000001',
      type: 'access.checked',
      at: '2026-12-05T12:00:00.000Z',
      data: { subject: subjects[1]! },
    };
    expect(await inbox.receive(event)).toBe(0);
    expect(
      await inbox.receive({ ...event, id: 'chk_999999', data: { subject: subjects[0]! } }),
    ).toBe(1);
    const mine = rows
      .filter((r) => r.subject === subjects[0])
      .map((r) => r.id)
      .sort()
      .reverse();
    const page = await inbox.list(subjects[0]!, { limit: 100 });
    expect(page.notifications).toHaveLength(mine.length + 1);
    expect(page.notifications.map((n) => n.id).filter((id) => mine.includes(id))).toEqual(mine);
  });
});

describeStorage('notifications queries', (fx) => {
  it("every query the inbox runs is served by the table's keys, never a scan or a sort", async () => {
    const db = fx.storage.db;
    const queries: CompiledQuery[] = [];
    const capturing: KyselyPlugin = {
      transformQuery: (args) => {
        const compiled = db.getExecutor().compileQuery(args.node, args.queryId);
        if (/"notifications"/.test(compiled.sql) && !/^insert/i.test(compiled.sql))
          queries.push(compiled);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const inbox = createInbox(db.withPlugin(capturing));
    const me = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await inbox.receive({
        id: `chk_${randomBytes(6).toString('hex')}`,
        type: 'access.checked',
        at: '2026-12-05T12:00:00.000Z',
        data: { subject: me },
      });
    }
    const page = await inbox.list(me, { limit: 2 });
    ids.push(...page.notifications.map((n) => n.id));
    await inbox.list(me, { unread: true, category: 'access', before: ids[0]!, limit: 2 });
    await inbox.since(me, ids[1]!, 10);
    await inbox.markRead(me, ids[0]!);
    await inbox.markAllRead(me);

    // list (plain and with every filter), its unread count, since, markRead's select and update,
    // markAllRead: every statement but the insert (whose conflict target is the unique index).
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const query of queries) {
      const plan = await planOf(fx.storage, query);
      if (fx.dialect === 'sqlite') {
        expect(plan, query.sql).toMatch(
          /SEARCH notifications USING (COVERING )?INDEX sqlite_autoindex_notifications_1 \(subject=\?/,
        );
        expect(plan, query.sql).not.toMatch(/SCAN notifications|TEMP B-TREE/);
      } else {
        // PostgreSQL plans by statistics and scans a table this small; with scans priced out it
        // must still find an index on the subject, and the order by id must come from it.
        expect(plan, query.sql).toMatch(/Index (Only )?Scan.* using notifications_pkey/);
        expect(plan, query.sql).not.toMatch(/Sort|Seq Scan/);
      }
    }
  });
});
