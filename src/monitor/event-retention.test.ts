/**
 * Pruning `monitor_events` on both databases: what is older than the longest window plus the
 * margin goes, unless an alert names it; what a replay still needs stays; the count reaches the
 * metric and the log.
 */
import type { CompiledQuery, KyselyPlugin } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { createEventRetention } from './event-retention.js';
import { createMonitorStore } from './monitor.store.js';
import { planOf } from '../storage/test-support/query-plan.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const event = (id: string, atMs: number) => ({
  id,
  type: 'access.checked',
  at: iso(atMs),
  data: { subject: 's', actor: { id: 'a' }, system: 'sys', operator: 'op', decision: 'permit' },
});

describeStorage('monitor event retention', (fx) => {
  // Tests run in a random order on one database: each starts from empty tables.
  beforeEach(async () => {
    await fx.storage.db.deleteFrom('monitor_events').execute();
    await fx.storage.db.deleteFrom('monitor_history').execute();
    await fx.storage.db.deleteFrom('monitor_alerts').execute();
  });

  it('deletes events older than the longest window plus the margin, keeps those an alert names, and counts them', async () => {
    const db = fx.storage.db;
    const store = createMonitorStore(db);
    const windowMs = 30 * DAY;
    // Older than 31 days: three plain ones, one an alert cites, one a dedup window folded in.
    const old = [1, 2, 3].map((i) => event(`old-${i}`, NOW - 40 * DAY + i * HOUR));
    const cited = event('old-cited', NOW - 35 * DAY);
    const folded = event('old-folded', NOW - 35 * DAY + HOUR);
    // Inside the window and inside the margin, counted back from the newest event: kept.
    const recent = event('recent', NOW - 2 * DAY);
    const margin = event('in-margin', NOW - 32 * DAY - 12 * HOUR);
    await store.appendEvents([...old, cited, folded, recent, margin], iso(NOW));
    await db
      .insertInto('monitor_alerts')
      .values({
        id: 'honeytoken-touched:old-cited',
        rule_id: 'honeytoken-touched',
        title: 'Honeytoken record touched',
        level: 'critical',
        shadow: 0,
        state: 'open',
        outcome: null,
        assignee: null,
        case_id: null,
        at: cited.at,
        created_at: cited.at,
        updated_at: cited.at,
        count: 1,
        suppressed: 1,
        group_key: 'op|a',
        group_json: '{}',
        events_json: JSON.stringify(['old-cited']),
        responses_json: '[]',
        context_json: '{}',
      })
      .execute();
    await db
      .insertInto('monitor_history')
      .values({
        target_kind: 'alert',
        target_id: 'honeytoken-touched:old-cited',
        action: 'suppressed',
        at: folded.at,
        by_name: null,
        event_id: 'old-folded',
        detail_json: '{}',
      })
      .execute();

    const lines: { obj: object; msg: string }[] = [];
    const retention = createEventRetention({
      db,
      windowMs: () => windowMs,
      clock: () => new Date(NOW),
      log: { info: (obj, msg) => lines.push({ obj, msg }), error: () => undefined },
      batchSize: 2, // several batches, so the cursor and the per-batch check are exercised
    });
    expect(await retention.prune()).toBe(3);
    const left = await db.selectFrom('monitor_events').select('id').orderBy('id').execute();
    expect(left.map((row) => row.id)).toEqual(['in-margin', 'old-cited', 'old-folded', 'recent']);
    expect((await retention.metric.get()).values[0]?.value).toBe(3);
    expect(lines).toEqual([
      {
        obj: { deleted: 3, before: iso(NOW - 2 * DAY - 31 * DAY) },
        msg: 'monitor events pruned',
      },
    ]);
    // Nothing more to do: no second log line, the metric unchanged.
    expect(await retention.prune()).toBe(0);
    expect(lines).toHaveLength(1);

    // The replay still finds its whole range: from the newest event back the longest window.
    const fromAt = iso(NOW - 2 * DAY - windowMs);
    const replay = await store.eventsAfter(0, 100, { fromAt });
    // (in-margin lies in the margin before that range: kept, not needed).
    expect(replay.map((r) => r.event.id)).toEqual(['recent']);
  });

  it('finds the matches folded into alerts through an index on event_id, not by reading the whole history', async () => {
    const db = fx.storage.db;
    const store = createMonitorStore(db);
    await store.appendEvents(
      [
        event('plan-old-1', NOW - 40 * DAY),
        event('plan-old-2', NOW - 39 * DAY),
        event('plan-new', NOW),
      ],
      iso(NOW),
    );
    const queries: CompiledQuery[] = [];
    const capturing: KyselyPlugin = {
      transformQuery: (args) => {
        queries.push(db.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const observed = db.withPlugin(capturing);
    const retention = createEventRetention({
      db: observed,
      windowMs: () => DAY,
      clock: () => new Date(NOW),
      log: { info: () => undefined, error: () => undefined },
    });
    expect(await retention.prune()).toBe(2);
    const folded = queries.find((q) => /from "monitor_history"/.test(q.sql));
    expect(folded, 'the retention asks monitor_history').toBeDefined();
    const plan = await planOf(fx.storage, folded!);
    if (fx.dialect === 'sqlite') {
      expect(plan, folded!.sql).toMatch(/USING (COVERING )?INDEX monitor_history_event_id/);
      expect(plan, folded!.sql).not.toMatch(/SCAN monitor_history/);
    } else {
      // PostgreSQL plans by statistics and scans a table this small; with scans priced out it
      // shows the index it can use.
      expect(plan, folded!.sql).toMatch(/Index (Only )?Scan using monitor_history_event_id/);
    }
  });

  it('counts back from the newest event when the clock runs ahead of a quiet stream', async () => {
    const db = fx.storage.db;
    const store = createMonitorStore(db);
    await store.appendEvents(
      [event('quiet-old', NOW - 10 * DAY), event('quiet-newest', NOW - 2 * DAY)],
      iso(NOW),
    );
    const retention = createEventRetention({
      db,
      windowMs: () => 7 * DAY,
      marginMs: 0,
      // A month later, the stream silent since: counted from now, both would go; counted from
      // the newest event, as the replay counts, only what lies more than a week before it.
      clock: () => new Date(NOW + 30 * DAY),
      log: { info: () => undefined, error: () => undefined },
    });
    await retention.prune();
    const ids = (await db.selectFrom('monitor_events').select('id').execute()).map((r) => r.id);
    expect(ids).toEqual(['quiet-newest']);
  });

  it('the timer prunes only while this instance evaluates', async () => {
    const db = fx.storage.db;
    const store = createMonitorStore(db);
    await store.appendEvents(
      [event('timer-old', NOW - 90 * DAY), event('timer-new', NOW)],
      iso(NOW),
    );
    let leader = false;
    const retention = createEventRetention({
      db,
      windowMs: () => DAY,
      clock: () => new Date(NOW),
      log: { info: () => undefined, error: () => undefined },
    });
    const stop = retention.start(20, () => leader);
    const present = async () =>
      (await db.selectFrom('monitor_events').select('id').where('id', '=', 'timer-old').execute())
        .length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await present()).toBe(1);
    leader = true;
    await expect.poll(present, { timeout: 2_000 }).toBe(0);
    stop();
  });
});
