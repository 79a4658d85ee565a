import { type CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { type Counter, Registry } from 'prom-client';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../events/events.js';
import { createInProcessBus } from '../events/bus.js';
import type { Ledger } from '../ledger/ledger.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { type OutboxItem, type OutboxLedger, createOutbox, enqueueOutbox } from './outbox.js';
import { freshOutboxLedger, outboxItem, type OutboxTestDb } from './test-support/fixtures.js';

type Db = OutboxTestDb;

const item = (id: string, extra: Partial<OutboxItem> = {}): OutboxItem =>
  outboxItem(id, '2026-12-04T12:00:00.000Z', extra);

function recordingLog() {
  const errors: { object: unknown; message: string }[] = [];
  return {
    errors,
    error: (object: unknown, message: string) => errors.push({ object, message }),
    info: () => undefined,
  };
}

/** A broker that refuses every publish ('broker down') until `recover()`, then records the ids. */
function brokerDown() {
  let down = true;
  const published: string[] = [];
  return {
    published,
    recover() {
      down = false;
    },
    publish(events: readonly DomainEvent[]): Promise<void> {
      if (down) return Promise.reject(new Error('broker down'));
      published.push(...events.map((e) => e.id));
      return Promise.resolve();
    },
  };
}

describeStorage('outbox', (fx) => {
  const db = () => fx.storage.db as unknown as Db;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await freshOutboxLedger(fx.storage);
  });
  afterEach(async () => {
    await ledger.close();
  });

  const ledgerSize = async () => (await ledger.checkpoint()).size;
  const rowOf = (id: string) =>
    db().selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Ids among `ids` that have an `outbox` row. */
  const outboxIds = async (ids: readonly string[]) =>
    (
      await db().selectFrom('outbox').select('id').where('id', 'in', ids).orderBy('id').execute()
    ).map((row) => row.id);
  /** The unpublished-event rows of the one-commit path, by id. */
  const eventRows = () => db().selectFrom('outbox_events').selectAll().orderBy('id').execute();
  /** A caller's own row committed with an append: here an outbox row standing for an access check. */
  const callerRow = (id: string, recordJson: string, ledgerIndex: number | null = null) =>
    db()
      .insertInto('outbox')
      .values({
        id,
        type: 'test.caller',
        record_json: recordJson,
        event_json: null,
        state: 'done',
        attempts: 0,
        last_error: null,
        ledger_index: ledgerIndex,
        created_at: '2026-12-04T12:00:00.000Z',
      })
      .compile();

  it('writes in the caller transaction: a rolled-back change leaves no item', async () => {
    const outbox = createOutbox({ db: db(), ledger });
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await outbox.enqueue(trx, item('gone'));
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, [item('kept')]));
    expect(await db().selectFrom('outbox').select('id').execute()).toEqual([{ id: 'kept' }]);
    expect((await rowOf('kept')).state).toBe('pending');
  });

  it('appends, writes the index back, publishes the event, and marks the item done', async () => {
    const bus = createInProcessBus();
    const seen: DomainEvent[] = [];
    bus.subscribe((event) => {
      seen.push(event);
    });
    const outbox = createOutbox({ db: db(), ledger, events: bus });
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, [item('a'), item('b', { event: undefined })]));
    const indexes = await outbox.sequence(['a', 'b']);
    expect([...indexes.values()].sort()).toEqual([0, 1]);
    expect(await outbox.ledgerIndexOf('a')).toBe(indexes.get('a'));
    expect(await rowOf('a')).toMatchObject({ state: 'done', ledger_index: indexes.get('a') });
    expect(await rowOf('b')).toMatchObject({ state: 'done', event_json: null });
    expect(seen.map((e) => e.id)).toEqual(['a']);
    expect((await ledger.receipt(indexes.get('b')!)).record).toEqual({
      id: 'b',
      subject: 'pseudonym-1',
    });
    // Asking again changes nothing: the same index, no new entry, no second event.
    expect((await outbox.sequence(['a'])).get('a')).toBe(indexes.get('a'));
    expect(await ledgerSize()).toBe(2);
    expect(seen).toHaveLength(1);
  });

  it('parks a record the ledger refuses, counts and logs it, and sequences the others', async () => {
    const log = recordingLog();
    const outbox = createOutbox({ db: db(), ledger, log });
    const items = [
      item('good-1'),
      item('lone-surrogate', { record: { name: '\ud800' } }),
      item('good-2'),
      item('too-big', { record: { blob: 'x'.repeat(70_000) } }),
      item('good-3'),
    ];
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, items));
    const indexes = await outbox.sequence(items.map((i) => i.id));
    expect(indexes.get('lone-surrogate')).toBeNull();
    expect(indexes.get('too-big')).toBeNull();
    expect(['good-1', 'good-2', 'good-3'].map((id) => indexes.get(id)).sort()).toEqual([0, 1, 2]);
    expect(await ledgerSize()).toBe(3);

    const poison = await rowOf('lone-surrogate');
    expect(poison).toMatchObject({ state: 'parked', attempts: 1, ledger_index: null });
    expect(poison.last_error).toMatch(/Unicode|surrogate/i);
    expect((await rowOf('too-big')).last_error).toMatch(/larger than/);
    const counted = await (outbox.metrics[0] as Counter).get();
    expect(counted.values.reduce((sum, v) => sum + v.value, 0)).toBe(2);
    expect(log.errors.filter((e) => /parked/.test(e.message))).toHaveLength(2);
    expect(JSON.stringify(log.errors)).not.toContain('xxxxxxxx');

    // Later drains neither retry the parked rows nor append anything twice.
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, item('good-4')));
    await outbox.drain();
    await outbox.drain();
    expect(await ledgerSize()).toBe(4);
    expect((await rowOf('good-4')).ledger_index).toBe(3);
    expect((await rowOf('lone-surrogate')).attempts).toBe(1);
  });

  it('does not log an item twice when a crash fell between the ledger commit and the write-back', async () => {
    const outbox = createOutbox({ db: db(), ledger });
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, [item('c1'), item('c2')]));
    // The process that crashed had appended c1 (keyed by its id) and died before the update.
    const before = await ledger.append({
      type: 'test.fact',
      record: { id: 'c1', subject: 'pseudonym-1' },
      key: 'c1',
    });
    expect((await rowOf('c1')).ledger_index).toBeNull();

    // The restarted instance drains what is pending.
    await outbox.drain();
    expect(await ledgerSize()).toBe(2);
    expect(await rowOf('c1')).toMatchObject({ state: 'done', ledger_index: before.index });
    expect((await rowOf('c2')).ledger_index).toBe(1);
    const keys = await db().selectFrom('ledger_records').select('idempotency_key').execute();
    expect(keys.map((k) => k.idempotency_key).sort()).toEqual(['c1', 'c2']);
  });

  it('coalesces concurrent callers into few ledger batches with distinct dense indexes', async () => {
    const outbox = createOutbox({ db: db(), ledger });
    const ids = Array.from({ length: 200 }, (_, n) => `cc-${String(n).padStart(3, '0')}`);
    const checkpointsBefore = (await db().selectFrom('ledger_checkpoints').select('size').execute())
      .length;
    const results = await Promise.all(
      ids.map(async (id) => {
        await db()
          .transaction()
          .execute((trx) => outbox.enqueue(trx, item(id)));
        return (await outbox.sequence([id])).get(id);
      }),
    );
    expect(new Set(results).size).toBe(200);
    expect([...results].sort((a, b) => a! - b!)).toEqual(ids.map((_, i) => i));
    expect(await ledgerSize()).toBe(200);
    const checkpoints = (await db().selectFrom('ledger_checkpoints').select('size').execute())
      .length;
    expect(checkpoints - checkpointsBefore).toBeLessThan(100);
  });

  it('a standby leaves its items to the sequencer, whose poll appends them within a second', async () => {
    const standbyLedger: OutboxLedger = {
      role: 'standby',
      append: () => Promise.reject(new Error('a standby never appends')),
    };
    const standby = createOutbox({ db: db(), ledger: standbyLedger });
    const sequencer = createOutbox({ db: db(), ledger });
    const stop = sequencer.start(60_000, () => true, 250);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the start-up pass finds nothing
      await db()
        .transaction()
        .execute((trx) => standby.enqueue(trx, item('from-standby')));
      expect((await standby.sequence(['from-standby'])).get('from-standby')).toBeNull();
      const started = Date.now();
      while ((await rowOf('from-standby')).ledger_index === null) {
        expect(Date.now() - started).toBeLessThan(1000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await standby.ledgerIndexOf('from-standby')).toBe(0);
    } finally {
      await stop();
    }
  });

  it("'done' marks committed by their timer do not wait for the disk (derived data: a lost mark is published again)", async () => {
    // The level in force as the timer's own update runs (SQLite's `synchronous`: 1 NORMAL, 2 FULL).
    const levels: string[] = [];
    const native = fx.storage.native;
    const capturing: KyselyPlugin = {
      transformQuery: (args) => {
        const compiled = db().getExecutor().compileQuery(args.node, args.queryId);
        if (/^delete from "outbox_events"/.test(compiled.sql) && native.dialect === 'sqlite')
          levels.push(String(native.sqlite.pragma('synchronous', { simple: true })));
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const bus = createInProcessBus();
    const outbox = createOutbox({ db: db().withPlugin(capturing), ledger, events: bus, native });
    expect(await outbox.appendWith(item('timer-1'), () => [])).toEqual(expect.any(Number));
    // No later ledger transaction to ride in: the timer commits the mark (the deletion of the
    // event's row) alone.
    await vi.waitFor(
      async () => {
        expect(await eventRows()).toEqual([]);
      },
      { timeout: 5000, interval: 50 },
    );
    if (native.dialect === 'sqlite') {
      expect(levels).toEqual(['1']);
      // The level comes back for everything else.
      expect(String(native.sqlite.pragma('synchronous', { simple: true }))).toBe('2');
    }
  });

  it("the sequencer's poll reads the partial index of unsequenced rows, not every pending row", async () => {
    // The poll's own SQL, compiled as it runs, then planned by the engine.
    const polls: CompiledQuery[] = [];
    const capturing: KyselyPlugin = {
      transformQuery: (args) => {
        const compiled = db().getExecutor().compileQuery(args.node, args.queryId);
        if (/"ledger_index" is null/.test(compiled.sql)) polls.push(compiled);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const outbox = createOutbox({ db: db().withPlugin(capturing), ledger });
    const stop = outbox.start(60_000, () => true, 20);
    try {
      await expect.poll(() => polls.length).toBeGreaterThan(0);
    } finally {
      await stop();
    }
    const poll = polls[0]!;
    expect(poll.sql).toContain(`"state" = 'pending'`);
    if (fx.dialect === 'sqlite') {
      const native = fx.storage.native;
      if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
      const plan = native.sqlite
        .prepare(`explain query plan ${poll.sql}`)
        .all(...poll.parameters) as { detail: string }[];
      expect(plan.map((step) => step.detail).join('; ')).toContain('outbox_unsequenced');
    } else {
      // PostgreSQL picks by table statistics; the index exists and is partial on both conditions.
      const { rows } = await sql<{ indexdef: string }>`
        select indexdef from pg_indexes where indexname = 'outbox_unsequenced'
          and schemaname = current_schema()`.execute(db());
      expect(rows[0]?.indexdef).toMatch(/WHERE.*state.*'pending'.*ledger_index IS NULL/s);
    }
  });

  it('retries only the publish when publishing failed: the entry is not appended again', async () => {
    const broker = brokerDown();
    const published = broker.published;
    const log = recordingLog();
    const outbox = createOutbox({ db: db(), ledger, log, events: broker });
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, item('p1')));
    expect((await outbox.sequence(['p1'])).get('p1')).toBe(0);
    expect(await rowOf('p1')).toMatchObject({
      state: 'pending',
      ledger_index: 0,
      last_error: 'broker down',
    });
    broker.recover();
    await outbox.drain();
    expect(published).toEqual(['p1']);
    expect((await rowOf('p1')).state).toBe('done');
    expect(await ledgerSize()).toBe(1);
  });

  it('runs write-back hooks in the transaction that stores the indexes', async () => {
    const outbox = createOutbox({ db: db(), ledger });
    const copied: { id: string; ledgerIndex: number }[] = [];
    outbox.onSequenced(async (trx, items) => {
      // Inside the transaction the outbox row already carries its index.
      for (const i of items) {
        const row = await trx
          .selectFrom('outbox')
          .select('ledger_index')
          .where('id', '=', i.id)
          .executeTakeFirstOrThrow();
        expect(row.ledger_index).toBe(i.ledgerIndex);
        copied.push({ id: i.id, ledgerIndex: i.ledgerIndex });
      }
    });
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, [item('h1'), item('h2')]));
    await outbox.sequence(['h1', 'h2']);
    expect(copied.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'h1', ledgerIndex: expect.any(Number) },
      { id: 'h2', ledgerIndex: expect.any(Number) },
    ]);
  });

  it("appendWith: the caller's rows, the event's row and the entry in one commit, no outbox row; the event after", async () => {
    const bus = createInProcessBus();
    const seen: DomainEvent[] = [];
    bus.subscribe((event) => {
      seen.push(event);
    });
    const outbox = createOutbox({ db: db(), ledger, events: bus });
    const before = (await db().selectFrom('ledger_checkpoints').select('size').execute()).length;
    // The caller's own row: here a second outbox row, standing for an access check.
    const indexes = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        outbox.appendWith(item(id), (index) => [
          callerRow(`${id}-caller`, JSON.stringify({ index }), index),
        ]),
      ),
    );
    expect(indexes).toEqual([0, 1, 2]);
    // Concurrent callers share one ledger transaction: one new checkpoint for the three.
    const after = (await db().selectFrom('ledger_checkpoints').select('size').execute()).length;
    expect(after - before).toBe(1);
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      expect(JSON.parse((await rowOf(`${id}-caller`)).record_json)).toEqual({ index: i });
      expect((await ledger.receipt(i)).record).toEqual(item(id).record);
    }
    // No outbox row (the caller's rows carry the index): the outbox does not know it.
    expect(await outboxIds(['a', 'b', 'c'])).toEqual([]);
    expect(await outbox.ledgerIndexOf('a')).toBeNull();
    // An item without an event writes nothing of the outbox's at all.
    expect(await outbox.appendWith(item('quiet', { event: undefined }), () => [])).toBe(3);
    expect(await outboxIds(['quiet'])).toEqual([]);
    // Published after the answer; with no later ledger transaction to ride in, the rows of the
    // published events are deleted by their timer.
    await vi.waitFor(
      async () => {
        expect(seen.map((event) => event.id).sort()).toEqual(['a', 'b', 'c']);
        expect(await eventRows()).toEqual([]);
      },
      { timeout: 5000, interval: 50 },
    );
    // Sequenced once: the drain finds nothing left to append or publish.
    await outbox.drain();
    expect(seen).toHaveLength(3);
    expect(await ledgerSize()).toBe(4);
  });

  it('appendWith: the event waits in its row until published; then the row is gone', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const published: string[] = [];
    const outbox = createOutbox({
      db: db(),
      ledger,
      events: {
        async publish(events) {
          await gate;
          published.push(...events.map((e) => e.id));
        },
      },
    });
    await outbox.appendWith(item('w1'), () => []);
    const rows = await eventRows();
    expect(rows).toEqual([
      {
        id: 'w1',
        type: 'test.fact',
        event_json: JSON.stringify(item('w1').event),
        created_at: expect.any(String),
        attempts: 0,
        last_error: null,
      },
    ]);
    // A drain meanwhile leaves the event this instance is publishing (no second publish).
    await outbox.drain();
    expect(published).toEqual([]);
    release();
    await outbox.published();
    expect(published).toEqual(['w1']);
    expect(await eventRows()).toEqual([]);
    await outbox.drain();
    expect(published).toEqual(['w1']);
  });

  it('appendWith: a failed publish leaves the row with its attempt and error; the drain publishes it and deletes it', async () => {
    const broker = brokerDown();
    const published = broker.published;
    const log = recordingLog();
    const outbox = createOutbox({ db: db(), ledger, log, events: broker });
    expect(await outbox.appendWith([item('f1'), item('f2')], () => [])).toEqual([0, 1]);
    await outbox.published();
    expect((await eventRows()).map((row) => [row.id, row.attempts, row.last_error])).toEqual([
      ['f1', 1, 'broker down'],
      ['f2', 1, 'broker down'],
    ]);
    expect(log.errors.some((e) => /not published/.test(e.message))).toBe(true);
    // Still failing: the drain records one more attempt and leaves the rows.
    await outbox.drain();
    expect((await eventRows()).map((row) => row.attempts)).toEqual([2, 2]);
    broker.recover();
    await outbox.drain();
    expect(published).toEqual(['f1', 'f2']);
    expect(await eventRows()).toEqual([]);
    // The entries were appended once.
    expect(await ledgerSize()).toBe(2);
  });

  it('appendWith: after a crash before the publish, the next instance publishes the event as it does a pending row', async () => {
    // The crashed instance: both committed, neither published (its publish never returned).
    const crashed = createOutbox({
      db: db(),
      ledger,
      events: { publish: () => new Promise<never>(() => undefined) },
    });
    await db()
      .transaction()
      .execute((trx) => crashed.enqueue(trx, item('k0-pending')));
    expect(await crashed.appendWith(item('k1-event'), () => [])).toBe(0);
    expect((await eventRows()).map((row) => row.id)).toEqual(['k1-event']);

    // The restarted instance: its start runs the full pass at once.
    const bus = createInProcessBus();
    const seen: string[] = [];
    bus.subscribe((event) => {
      seen.push(event.id);
    });
    const fresh = createOutbox({ db: db(), ledger, events: bus });
    const stop = fresh.start(60_000, () => true, 60_000);
    try {
      await vi.waitFor(
        async () => {
          expect(seen.sort()).toEqual(['k0-pending', 'k1-event']);
          expect(await eventRows()).toEqual([]);
          expect((await rowOf('k0-pending')).state).toBe('done');
        },
        { timeout: 5000, interval: 50 },
      );
    } finally {
      await stop();
    }
    expect(await ledgerSize()).toBe(2);
  });

  it("published() waits for a done mark already on its way: the timer's own commit, still running", async () => {
    // The timer's deletion of the events' rows is slow (a busy database): published() called
    // meanwhile must not return before it commits. (It shows on PostgreSQL, where the read below
    // runs on another connection; on SQLite's one connection the read waits for the commit.)
    const deletes = new Set<unknown>();
    let deleting = 0;
    const slow: KyselyPlugin = {
      transformQuery(args) {
        if (args.node.kind === 'DeleteQueryNode') deletes.add(args.queryId);
        return args.node;
      },
      async transformResult(args) {
        if (deletes.delete(args.queryId)) {
          deleting++;
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
        return args.result;
      },
    };
    const outbox = createOutbox({
      db: db().withPlugin(slow),
      ledger,
      events: createInProcessBus(),
    });
    expect(await outbox.appendWith([item('m1'), item('m2')], () => [])).toEqual([0, 1]);
    // The publish is done at once; its marks wait 200 ms for a ledger transaction, then the timer
    // commits them itself, slowly.
    await vi.waitFor(() => expect(deleting).toBe(1), { timeout: 2000, interval: 10 });
    await outbox.published();
    expect(await eventRows()).toEqual([]);
  });

  it('counts what waits at scrape, by stage, with the age of the oldest: not yet in the ledger, in it but unpublished', async () => {
    const registry = new Registry();
    const crashed = createOutbox({
      db: db(),
      ledger,
      events: { publish: () => new Promise<never>(() => undefined) },
    });
    for (const metric of crashed.metrics) registry.registerMetric(metric);
    const value = async (name: string, stage: string) =>
      (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.stage === stage)
        ?.value;
    expect(await value('qalqan_outbox_waiting', 'ledger')).toBe(0);
    expect(await value('qalqan_outbox_waiting', 'publish')).toBe(0);
    expect(await value('qalqan_outbox_oldest_waiting_seconds', 'publish')).toBe(0);

    // One fact not yet appended (written, never sequenced), one appended whose event never went
    // out.
    await db()
      .transaction()
      .execute((trx) => enqueueOutbox(trx, item('w-ledger'), '2026-12-05T10:00:00.000Z'));
    expect(await crashed.appendWith(item('w-publish'), () => [])).toBe(0);
    expect(await value('qalqan_outbox_waiting', 'ledger')).toBe(1);
    expect(await value('qalqan_outbox_waiting', 'publish')).toBe(1);
    const age = (Date.now() - Date.parse('2026-12-05T10:00:00.000Z')) / 1000;
    expect(await value('qalqan_outbox_oldest_waiting_seconds', 'ledger')).toBeGreaterThanOrEqual(
      age - 1,
    );
    expect(await value('qalqan_outbox_oldest_waiting_seconds', 'publish')).toBeLessThan(60);

    // A fresh instance drains both: nothing waits.
    const fresh = createOutbox({ db: db(), ledger, events: createInProcessBus() });
    await fresh.drain();
    await fresh.drain();
    expect(await value('qalqan_outbox_waiting', 'ledger')).toBe(0);
    expect(await value('qalqan_outbox_waiting', 'publish')).toBe(0);
    expect(await value('qalqan_outbox_oldest_waiting_seconds', 'ledger')).toBe(0);
  });

  it('appendWith whose commit reached storage though it reported a failure: the ordinary path logs the fact once', async () => {
    let lose = true;
    const flaky: OutboxLedger = {
      role: 'sequencer',
      canCommitAlongside: true,
      async append(input) {
        const result = await ledger.append(input);
        if (lose) {
          lose = false;
          throw new Error('connection lost after the commit');
        }
        return result;
      },
    };
    const outbox = createOutbox({ db: db(), ledger: flaky });
    expect(await outbox.appendWith(item('lost'), () => [])).toBeUndefined();
    expect(await ledgerSize()).toBe(1);
    // The caller's ordinary path: enqueue, then sequence, which the idempotency key answers.
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, item('lost')));
    expect((await outbox.sequence(['lost'])).get('lost')).toBe(0);
    expect(await ledgerSize()).toBe(1);
    // Its event's row was committed too: the drain publishes it (at least once) and deletes it.
    await outbox.drain();
    expect(await eventRows()).toEqual([]);
    expect(await ledgerSize()).toBe(1);
  });

  it('appendWith: publishes in slices (at most 100 events, or maxBatch) and commits piled-up done marks', async () => {
    for (const [prefix, maxBatch, cap] of [
      ['s', undefined, 100],
      ['t', 40, 40],
    ] as const) {
      const bus = createInProcessBus();
      const batches: number[] = [];
      bus.subscribeBatch((events) => {
        batches.push(events.length);
      });
      const outbox = createOutbox({
        db: db(),
        ledger,
        events: bus,
        ...(maxBatch ? { maxBatch } : {}),
      });
      const ids = Array.from({ length: 250 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
      await Promise.all(ids.map((id) => outbox.appendWith(item(id), () => [])));
      // Every event out, and every 'done' mark committed (more marks than one statement takes).
      await outbox.published();
      expect(batches.reduce((sum, n) => sum + n, 0)).toBe(250);
      expect(Math.max(...batches)).toBeLessThanOrEqual(cap);
      expect(await eventRows()).toEqual([]);
    }
  });

  it('appendWith: a slice lingers to gather events (publishLingerMs) until it is full or its oldest event waited', async () => {
    const bus = createInProcessBus();
    const batches: { size: number; at: number; oldest: string }[] = [];
    let consumerMs = 0;
    bus.subscribeBatch(async (events) => {
      batches.push({ size: events.length, at: performance.now(), oldest: events[0]!.id });
      if (consumerMs > 0) await new Promise((resolve) => setTimeout(resolve, consumerMs));
    });
    // Without a linger, two appends committed one after the other are two publishes.
    const eager = createOutbox({ db: db(), ledger, events: bus });
    await eager.appendWith(item('e1'), () => []);
    await eager.appendWith(item('e2'), () => []);
    await eager.published();
    expect(batches.map((b) => b.size)).toEqual([1, 1]);
    batches.length = 0;

    const lingerMs = 600;
    const outbox = createOutbox({ db: db(), ledger, events: bus, publishLingerMs: lingerMs });
    const started = performance.now();
    await outbox.appendWith(item('l000'), () => []);
    // Committed in later ledger transactions, during the first one's linger: the same slices.
    const later = Array.from({ length: 250 }, (_, i) => `l${String(i + 1).padStart(3, '0')}`);
    await Promise.all(later.map((id) => outbox.appendWith(item(id), () => [])));
    const filled = performance.now();
    await outbox.published();
    expect(batches.map((b) => b.size)).toEqual([100, 100, 51]);
    // Full slices go at once, without waiting out the linger; the rest waits until its oldest
    // event (queued by the time the appends returned) has waited the linger, and no longer.
    expect(batches[0]!.at - started).toBeLessThan(lingerMs);
    expect(batches[1]!.at - started).toBeLessThan(lingerMs);
    expect(batches[2]!.at - started).toBeGreaterThanOrEqual(lingerMs - 5);
    expect(batches[2]!.at - filled).toBeLessThan(lingerMs + 100);

    // Under a steady stream every slice lingers, not only a round's first: with consumers that
    // take 100 ms a slice, 12 appends 50 ms apart and a 200 ms linger, no slice (none is full)
    // goes before its oldest event has waited the linger — not as soon as the previous slice
    // ends, with the one or two events that queued meanwhile. Held by when each slice went, not
    // by the slices' sizes, which a loaded machine's timer delays change.
    batches.length = 0;
    consumerMs = 100;
    const steadyLingerMs = 200;
    const steady = createOutbox({
      db: db(),
      ledger,
      events: bus,
      publishLingerMs: steadyLingerMs,
    });
    const appending = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const id = `s${String(i).padStart(2, '0')}`;
      appending.set(id, performance.now());
      await steady.appendWith(item(id), () => []);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await steady.published();
    expect(batches.reduce((sum, b) => sum + b.size, 0)).toBe(12);
    for (const b of batches)
      expect(b.at - appending.get(b.oldest)!, `slice from ${b.oldest}`).toBeGreaterThanOrEqual(
        steadyLingerMs - 5,
      );
    expect(batches.length).toBeLessThan(12);
  });

  it("appendWith of a group: every entry, event row and the caller's rows in one commit, or none", async () => {
    const bus = createInProcessBus();
    const seen: DomainEvent[] = [];
    bus.subscribe((event) => {
      seen.push(event);
    });
    const outbox = createOutbox({ db: db(), ledger, events: bus });
    const checkpoints = async () =>
      (await db().selectFrom('ledger_checkpoints').select('size').execute()).length;
    const before = await checkpoints();
    const ids = Array.from({ length: 300 }, (_, i) => `g${String(i).padStart(3, '0')}`);
    // One item without an event: nothing of the outbox's is written for it.
    const items = ids.map((id, i) => (i === 7 ? item(id, { event: undefined }) : item(id)));
    let given: readonly number[] = [];
    const indexes = await outbox.appendWith(items, (ledgerIndexes) => {
      given = [...ledgerIndexes];
      return [callerRow('group-caller', JSON.stringify(ledgerIndexes))];
    });
    expect(indexes).toEqual(ids.map((_, i) => i));
    expect(given).toEqual(indexes);
    expect((await checkpoints()) - before).toBe(1);
    expect(JSON.parse((await rowOf('group-caller')).record_json)).toEqual(indexes);
    for (const [i] of ids.entries())
      expect((await ledger.receipt(i)).record).toEqual(items[i]!.record);
    expect(await outboxIds(ids)).toEqual([]);
    await outbox.published();
    expect(await eventRows()).toEqual([]);
    expect(seen.map((event) => event.id).sort()).toEqual(ids.filter((_, i) => i !== 7));

    // A failing caller row: none of the group is written, and the ledger goes on.
    const size = await ledgerSize();
    const failed = await outbox.appendWith([item('h1'), item('h2')], () => [
      callerRow('group-caller', '{}'),
    ]);
    expect(failed).toBeUndefined();
    expect(await outboxIds(['h1', 'h2'])).toEqual([]);
    expect(await eventRows()).toEqual([]);
    expect(await ledgerSize()).toBe(size);
    expect(await outbox.appendWith([item('h1'), item('h2')], () => [])).toEqual([size, size + 1]);
  });

  it('appendWith: a failing row leaves nothing written and says so; a standby declines', async () => {
    const outbox = createOutbox({ db: db(), ledger });
    await db()
      .transaction()
      .execute((trx) => outbox.enqueue(trx, item('taken')));
    // The caller's row collides with an existing id: the whole transaction rolls back.
    const failing = await outbox.appendWith(item('fresh'), () => [callerRow('taken', '{}')]);
    expect(failing).toBeUndefined();
    expect(await outboxIds(['fresh'])).toEqual([]);
    expect(await eventRows()).toEqual([]);
    expect(await ledgerSize()).toBe(0);
    // The ledger goes on: the next append is the first entry.
    expect(await outbox.appendWith(item('next'), () => [])).toBe(0);

    const standby = createOutbox({
      db: db(),
      ledger: {
        role: 'standby',
        canCommitAlongside: true,
        append: () => Promise.reject(new Error('no')),
      },
    });
    expect(await standby.appendWith(item('elsewhere'), () => [])).toBeUndefined();
  });
});
