import { type KyselyPlugin, type QueryId, sql } from 'kysely';
import type { Counter } from 'prom-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { DomainEvent, EventPublisher } from '../events/events.js';
import type { Ledger } from '../ledger/ledger.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { type OutboxItem, createOutbox, enqueueOutbox } from './outbox.js';
import {
  createOutboxRetention,
  finishedRows as finishedRowsQuery,
  retentionCutoff,
} from './outbox-retention.js';
import { freshOutboxLedger, outboxItem, type OutboxTestDb } from './test-support/fixtures.js';

type Db = OutboxTestDb;

const NOW = new Date('2026-12-04T12:00:00.000Z');
const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Written well before the retention's cutoff (a week before NOW). */
const OLD = '2026-11-01T00:00:00.000Z';
/** Written within the retention. */
const YOUNG = '2026-12-04T11:00:00.000Z';

const item = (id: string, extra: Partial<OutboxItem> = {}): OutboxItem =>
  outboxItem(id, OLD, extra);

it('cuts off at the retention before now, as ISO text like created_at', () => {
  expect(retentionCutoff(NOW, WEEK_MS)).toBe('2026-11-27T12:00:00.000Z');
  expect(OLD < retentionCutoff(NOW, WEEK_MS)).toBe(true);
  expect(YOUNG < retentionCutoff(NOW, WEEK_MS)).toBe(false);
});

describeStorage('outbox retention', (fx) => {
  const db = () => fx.storage.db as unknown as Db;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await freshOutboxLedger(fx.storage);
  });
  afterEach(async () => {
    await ledger.close();
  });

  const retention = (extra: { batchSize?: number; pauseMs?: number } = {}) =>
    createOutboxRetention({ db: db(), retentionMs: WEEK_MS, clock: () => NOW, ...extra });
  const ids = async () =>
    (await db().selectFrom('outbox').select('id').orderBy('id').execute()).map((row) => row.id);
  const write = (items: readonly OutboxItem[], at: string) =>
    db()
      .transaction()
      .execute((trx) => enqueueOutbox(trx, items, at));
  /** Finished rows as the outbox leaves them (done, with an index), written directly. */
  const finishedRows = (count: number, at: string, prefix: string) =>
    db()
      .insertInto('outbox')
      .values(
        Array.from({ length: count }, (_, n) => ({
          id: `${prefix}-${String(n).padStart(3, '0')}`,
          type: 'test.fact',
          record_json: '{}',
          event_json: null,
          state: 'done' as const,
          attempts: 0,
          last_error: null,
          ledger_index: n,
          created_at: at,
        })),
      )
      .execute();

  it('deletes finished rows past the retention and keeps the young, the unsequenced, the undelivered and the parked', async () => {
    let failing = true;
    const events: EventPublisher = {
      publish: () => (failing ? Promise.reject(new Error('broker down')) : Promise.resolve()),
    };
    const outbox = createOutbox({ db: db(), ledger, events });
    await write(
      [
        item('done-old-1'),
        item('done-old-2', { event: undefined }),
        item('undelivered-old'),
        item('parked-old', { record: { blob: 'x'.repeat(70_000) } }),
      ],
      OLD,
    );
    await write([item('done-young')], YOUNG);
    await write([item('unsequenced-old')], OLD);
    // The publish of 'undelivered-old' fails: in the ledger, its event not delivered.
    await outbox.sequence(['undelivered-old']);
    failing = false;
    await outbox.sequence(['done-old-1', 'done-old-2', 'parked-old', 'done-young']);
    const states = Object.fromEntries(
      (await db().selectFrom('outbox').select(['id', 'state', 'ledger_index']).execute()).map(
        (row) => [row.id, `${row.state}${row.ledger_index === null ? '' : ' in the ledger'}`],
      ),
    );
    expect(states).toEqual({
      'done-old-1': 'done in the ledger',
      'done-old-2': 'done in the ledger',
      'done-young': 'done in the ledger',
      'undelivered-old': 'pending in the ledger',
      'parked-old': 'parked',
      'unsequenced-old': 'pending',
    });

    const pruning = retention();
    expect(await pruning.prune()).toBe(2);
    expect(await ids()).toEqual(['done-young', 'parked-old', 'undelivered-old', 'unsequenced-old']);
    expect((await (pruning.metrics[0] as Counter).get()).values[0]?.value).toBe(2);

    // Once the drain has delivered and sequenced what was left, those rows go too.
    await outbox.drain();
    expect(await pruning.prune()).toBe(2);
    expect(await ids()).toEqual(['done-young', 'parked-old']);
    // The ledger keeps every entry (and its key): nothing can be logged twice.
    expect((await ledger.checkpoint()).size).toBe(5);
  });

  it('keeps a row whose consumers are still taking its event', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received: DomainEvent[] = [];
    const outbox = createOutbox({
      db: db(),
      ledger,
      events: {
        async publish(batch) {
          received.push(...batch);
          await held;
        },
      },
    });
    await write([item('in-delivery')], OLD);
    const sequenced = outbox.sequence(['in-delivery']);
    await expect.poll(() => received.length).toBe(1);
    expect(await retention().prune()).toBe(0);
    release();
    await sequenced;
    expect(await retention().prune()).toBe(1);
    expect(await ids()).toEqual([]);
  });

  it('deletes in bounded batches, oldest first, letting the event loop turn between them', async () => {
    await finishedRows(7, OLD, 'old');
    await finishedRows(2, YOUNG, 'young');
    const batches: number[] = [];
    let turned = true;
    const turnsBeforeBatches: boolean[] = [];
    const deletes = new Set<QueryId>();
    const watching: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'DeleteQueryNode') {
          deletes.add(args.queryId);
          turnsBeforeBatches.push(turned);
          turned = false;
          setImmediate(() => {
            turned = true;
          });
        }
        return args.node;
      },
      transformResult: (args) => {
        if (deletes.has(args.queryId)) batches.push(Number(args.result.numAffectedRows));
        return Promise.resolve(args.result);
      },
    };
    const pruning = createOutboxRetention({
      db: db().withPlugin(watching),
      retentionMs: WEEK_MS,
      clock: () => NOW,
      batchSize: 3,
      pauseMs: 0,
    });
    expect(await pruning.prune()).toBe(7);
    expect(batches).toEqual([3, 3, 1]);
    expect(turnsBeforeBatches).toEqual([true, true, true]);
    expect(await ids()).toEqual(['young-000', 'young-001']);
  });

  it('runs periodically only while this instance sequences, and stops when asked', async () => {
    await finishedRows(5, OLD, 'old');
    const standby = retention();
    const stopStandby = standby.start(10, () => false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await stopStandby();
    expect(await ids()).toHaveLength(5);

    const sequencer = retention({ batchSize: 2 });
    const stop = sequencer.start(10, () => true);
    try {
      await expect.poll(ids).toEqual([]);
    } finally {
      await stop();
    }
    expect((await (sequencer.metrics[0] as Counter).get()).values[0]?.value).toBe(5);
  });

  it('chooses the rows to delete through the partial index of finished rows', async () => {
    const compiled = finishedRowsQuery(db(), OLD, 1000).compile();
    // The retention's own statement, captured as it runs.
    const statements: string[] = [];
    const capturing: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'DeleteQueryNode')
          statements.push(db().getExecutor().compileQuery(args.node, args.queryId).sql);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    await createOutboxRetention({
      db: db().withPlugin(capturing),
      retentionMs: WEEK_MS,
      clock: () => NOW,
    }).prune();
    expect(statements).toHaveLength(1);
    // The subquery planned below is the one the delete runs.
    expect(statements[0]).toContain(`in (${compiled.sql})`);
    if (fx.dialect === 'sqlite') {
      const native = fx.storage.native;
      if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
      const plan = native.sqlite
        .prepare(`explain query plan ${compiled.sql}`)
        .all(...compiled.parameters) as { detail: string }[];
      expect(plan.map((step) => step.detail).join('; ')).toContain(
        'USING INDEX outbox_finished (state=? AND created_at<?)',
      );
    } else {
      // PostgreSQL picks by table statistics; the index exists and is partial on both conditions.
      const { rows } = await sql<{ indexdef: string }>`
        select indexdef from pg_indexes where indexname = 'outbox_finished'
          and schemaname = current_schema()`.execute(db());
      expect(rows[0]?.indexdef).toMatch(/WHERE.*state.*'done'.*ledger_index IS NOT NULL/s);
    }
  });
});
