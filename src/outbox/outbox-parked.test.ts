import { afterEach, beforeEach, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { createOutbox, enqueueOutbox, type OutboxLedger } from './outbox.js';
import { createParkedOutbox, distinctIds, requeueOutcomes } from './outbox-parked.js';
import type { OutboxTable } from './outbox.tables.js';
import { freshOutboxLedger, outboxItem, type OutboxTestDb } from './test-support/fixtures.js';

const AT = '2026-12-04T12:00:00.000Z';
/** The time the tests' requeues record. */
const REQUEUED_AT = '2026-12-05T09:30:00.000Z';
const clock = () => new Date(REQUEUED_AT);

it('gives one outcome per distinct id, in the order given', () => {
  expect(distinctIds(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
  expect(
    requeueOutcomes(
      ['p', 'x', 'd', 'p', 'q'],
      new Map([
        ['p', { id: 'p', type: 'test.fact', previousError: 'too large' }],
        ['q', { id: 'q', type: 'other.fact', previousError: null }],
      ]),
      new Map([['d', 'done']]),
    ),
  ).toEqual([
    { id: 'p', result: 'requeued', type: 'test.fact', previousError: 'too large' },
    { id: 'x', result: 'unknown' },
    { id: 'd', result: 'not parked', state: 'done' },
    { id: 'q', result: 'requeued', type: 'other.fact', previousError: null },
  ]);
});

describeStorage('parked outbox rows', (fx) => {
  const db = () => fx.storage.db as unknown as OutboxTestDb;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await freshOutboxLedger(fx.storage);
  });
  afterEach(async () => {
    await ledger.close();
  });

  /** A row as the outbox leaves it in each state, written directly. */
  const row = (id: string, extra: Partial<OutboxTable> = {}): OutboxTable => ({
    id,
    type: 'test.fact',
    record_json: JSON.stringify({ id, subject: 'pseudonym-secret' }),
    event_json: JSON.stringify({ id, type: 'test.fact', at: AT, data: { iin: 'personal' } }),
    state: 'parked',
    attempts: 1,
    last_error: 'the record is larger than 65536 bytes as canonical JSON',
    ledger_index: null,
    created_at: AT,
    requeued_at: null,
    requeued_error: null,
    ...extra,
  });
  const rowsById = async () =>
    Object.fromEntries(
      (await db().selectFrom('outbox').selectAll().orderBy('id').execute()).map((r) => [
        r.id,
        { ...r, attempts: Number(r.attempts), ledger_index: r.ledger_index },
      ]),
    );

  it('lists parked rows oldest first, with a limit, and never the record or the event', async () => {
    await db()
      .insertInto('outbox')
      .values([
        // Requeued once already, and refused again since.
        row('p-late', {
          created_at: '2026-12-04T12:00:02.000Z',
          attempts: 3,
          requeued_at: '2026-12-04T15:00:00.000Z',
          requeued_error: 'an earlier refusal',
        }),
        row('p-b', { created_at: '2026-12-04T12:00:01.000Z', last_error: null }),
        row('p-a', { created_at: '2026-12-04T12:00:01.000Z' }),
        row('pending', { state: 'pending', created_at: '2026-12-01T00:00:00.000Z' }),
        row('done', { state: 'done', ledger_index: 0, created_at: '2026-12-01T00:00:00.000Z' }),
      ])
      .execute();
    const parked = createParkedOutbox(db());
    const all = await parked.list(10);
    expect(all.map((r) => r.id)).toEqual(['p-a', 'p-b', 'p-late']);
    expect(all[0]).toEqual({
      id: 'p-a',
      type: 'test.fact',
      createdAt: '2026-12-04T12:00:01.000Z',
      attempts: 1,
      lastError: 'the record is larger than 65536 bytes as canonical JSON',
      requeuedAt: null,
    });
    expect(all[1]!.lastError).toBeNull();
    expect(all[2]).toMatchObject({ attempts: 3, requeuedAt: '2026-12-04T15:00:00.000Z' });
    expect(JSON.stringify(all)).not.toMatch(/pseudonym-secret|personal/);
    expect((await parked.list(2)).map((r) => r.id)).toEqual(['p-a', 'p-b']);
    expect(await parked.count()).toBe(3);
  });

  it('requeues parked rows by id to pending, index null, attempts 0, no error; keeps and reports the error; reports the others', async () => {
    await db()
      .insertInto('outbox')
      .values([
        row('p1', {
          attempts: 4,
          last_error: 'refused again',
          requeued_at: '2026-12-04T15:00:00.000Z',
          requeued_error: 'refused first',
        }),
        row('p2', { type: 'other.fact', last_error: null }),
        row('p3'),
        row('pending', { state: 'pending', attempts: 2, last_error: 'ledger unavailable' }),
        row('done', { state: 'done', ledger_index: 7 }),
      ])
      .execute();
    const before = await rowsById();
    const outcomes = await createParkedOutbox(db(), { clock }).requeue([
      'p2',
      'nope',
      'pending',
      'p1',
      'done',
      'p1',
    ]);
    expect(outcomes).toEqual([
      { id: 'p2', result: 'requeued', type: 'other.fact', previousError: null },
      { id: 'nope', result: 'unknown' },
      { id: 'pending', result: 'not parked', state: 'pending' },
      { id: 'p1', result: 'requeued', type: 'test.fact', previousError: 'refused again' },
      { id: 'done', result: 'not parked', state: 'done' },
    ]);
    const after = await rowsById();
    // The row shows its state now; the error it was parked with moved with the requeue's time.
    for (const id of ['p1', 'p2'])
      expect(after[id]).toEqual({
        ...before[id],
        state: 'pending',
        attempts: 0,
        ledger_index: null,
        last_error: null,
        requeued_at: REQUEUED_AT,
        requeued_error: before[id]!.last_error,
      });
    expect(after.p1!.requeued_error).toBe('refused again');
    for (const id of ['p3', 'pending', 'done']) expect(after[id]).toEqual(before[id]);
    expect(Object.keys(after)).toEqual(Object.keys(before));

    // Again: they are pending now, so nothing changes.
    expect(await createParkedOutbox(db()).requeue(['p1'])).toEqual([
      { id: 'p1', result: 'not parked', state: 'pending' },
    ]);
    expect(await createParkedOutbox(db()).requeue([])).toEqual([]);
  });

  it('requeues every parked row at once, oldest first, and only those', async () => {
    await db()
      .insertInto('outbox')
      .values([
        row('p-new', { created_at: '2026-12-04T13:00:00.000Z' }),
        row('p-old', { created_at: '2026-12-04T11:00:00.000Z', type: 'other.fact' }),
        row('pending', { state: 'pending', attempts: 2 }),
        row('done', { state: 'done', ledger_index: 3 }),
      ])
      .execute();
    const before = await rowsById();
    const parked = createParkedOutbox(db(), { clock });
    const error = 'the record is larger than 65536 bytes as canonical JSON';
    expect(await parked.requeueAll()).toEqual([
      { id: 'p-old', type: 'other.fact', previousError: error },
      { id: 'p-new', type: 'test.fact', previousError: error },
    ]);
    const after = await rowsById();
    for (const id of ['p-old', 'p-new'])
      expect(after[id]).toMatchObject({
        state: 'pending',
        attempts: 0,
        ledger_index: null,
        last_error: null,
        requeued_at: REQUEUED_AT,
        requeued_error: error,
      });
    expect(after.pending).toEqual(before.pending);
    expect(after.done).toEqual(before.done);
    expect(await parked.count()).toBe(0);
    expect(await parked.requeueAll()).toEqual([]);
  });

  it('a requeued row is appended by the drain once the ledger takes it, and its event published', async () => {
    let refusing = true;
    const refusingLedger: OutboxLedger = {
      append: (input) =>
        refusing
          ? Promise.reject(new DomainError('ledger.invalid_entry', 'refused until the upgrade'))
          : ledger.append(input),
    };
    const published: string[] = [];
    const outbox = createOutbox({
      db: db(),
      ledger: refusingLedger,
      events: {
        publish: (events) => {
          published.push(...events.map((e) => e.id));
          return Promise.resolve();
        },
      },
    });
    await db()
      .transaction()
      .execute((trx) => enqueueOutbox(trx, [outboxItem('r1', AT), outboxItem('r2', AT)], AT));
    await outbox.sequence(['r1', 'r2']);
    const parked = createParkedOutbox(db());
    expect((await parked.list(10)).map((r) => [r.id, r.lastError])).toEqual([
      ['r1', 'refused until the upgrade'],
      ['r2', 'refused until the upgrade'],
    ]);
    // Parked rows are not read again by the drain, whatever the ledger says now.
    refusing = false;
    await outbox.drain();
    expect((await ledger.checkpoint()).size).toBe(0);

    expect((await parked.requeue(['r2'])).map((o) => o.result)).toEqual(['requeued']);
    // Pending again with no error of its own until an attempt fails: what waits shows it clean.
    expect((await rowsById()).r2).toMatchObject({
      state: 'pending',
      attempts: 0,
      last_error: null,
      requeued_error: 'refused until the upgrade',
    });
    await outbox.drain();
    expect((await ledger.checkpoint()).size).toBe(1);
    const rows = await rowsById();
    expect(rows.r2).toMatchObject({ state: 'done', ledger_index: 0, last_error: null });
    expect(rows.r1).toMatchObject({ state: 'parked', ledger_index: null });
    expect(published).toEqual(['r2']);

    // Refused again after a requeue: parked again, with the new error, and listed as requeued.
    await createParkedOutbox(db(), { clock }).requeueAll();
    const refusal = new DomainError('ledger.invalid_entry', 'still refused');
    await createOutbox({ db: db(), ledger: { append: () => Promise.reject(refusal) } }).drain();
    expect(await rowsById()).toMatchObject({
      r1: {
        state: 'parked',
        attempts: 1,
        last_error: 'still refused',
        requeued_at: REQUEUED_AT,
        requeued_error: 'refused until the upgrade',
      },
    });
    expect(await parked.list(10)).toEqual([
      {
        id: 'r1',
        type: 'test.fact',
        createdAt: AT,
        attempts: 1,
        lastError: 'still refused',
        requeuedAt: REQUEUED_AT,
      },
    ]);
  });

  it('a stored record that is not JSON is parked with an error that quotes none of it', async () => {
    // V8's own message quotes a piece of the text ("…subject":pseudonym-…").
    await db()
      .insertInto('outbox')
      .values(
        row('broken', {
          state: 'pending',
          attempts: 0,
          last_error: null,
          record_json: '{"subject":pseudonym-secret}',
        }),
      )
      .execute();
    await createOutbox({ db: db(), ledger }).drain();
    const [parked] = await createParkedOutbox(db()).list(10);
    expect(parked).toMatchObject({
      id: 'broken',
      lastError: 'the stored record is not valid JSON',
    });
    expect((await ledger.checkpoint()).size).toBe(0);
  });
});
