import { createHash, randomUUID } from 'node:crypto';
import { type CompiledQuery, type Kysely, type KyselyPlugin, type QueryId, sql } from 'kysely';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { canonicalJson } from '../ledger/entry/canonical-json.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { planOf } from '../storage/test-support/query-plan.js';
import type { AccessTables } from './access.tables.js';
import {
  createIdempotencyRetention,
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  batchEnd,
  idempotencyCutoff,
  keyDigests,
} from './idempotency.js';
import {
  type AccessHarness,
  accessHarness,
  asSystem,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

const SUBJECT = iinBornOn('1990-05-17', 11);
const WEEK_MS = DEFAULT_IDEMPOTENCY_RETENTION_MS;
const HOUR_MS = 3_600_000;

const check = (overrides: Record<string, unknown> = {}) => ({
  subject: SUBJECT,
  categories: ['identity', 'health'],
  purpose: 'health.treatment',
  legalBasis: 'consent',
  actor: { id: 'doctor-17' },
  action: 'read',
  ...overrides,
});

it('digests a key two ways, the keyed one first, and neither shows the key', () => {
  const secret = Buffer.alloc(32, 7);
  const [keyed, plain] = keyDigests(secret, '950519317063');
  expect(plain).toBe(createHash('sha256').update('950519317063').digest('hex'));
  expect(keyed).toMatch(/^[0-9a-f]{64}$/);
  expect(keyed).not.toBe(plain);
  expect(keyDigests(Buffer.alloc(32, 8), '950519317063')[0]).not.toBe(keyed);
  expect(idempotencyCutoff(new Date('2026-12-08T10:00:00.000Z'), WEEK_MS)).toBe(
    '2026-12-01T10:00:00.000Z',
  );
});

describeStorage('access checks: Idempotency-Keys at rest and their expiry', (fx) => {
  let h: AccessHarness;
  const clinic = 'sys_clinic';
  const db = () => fx.storage.db as unknown as Kysely<AccessTables>;
  const start = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set(clinic, profile(clinic));
    h.grants.push({
      consentId: 'cns_1',
      subject: h.pseudonymOf(SUBJECT),
      system: clinic,
      purpose: 'health.treatment',
      categories: ['identity', 'health', 'contact'],
    });
  });
  beforeEach(() => {
    h.now.value = start;
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, key: string) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: { ...asSystem(clinic), 'idempotency-key': key },
      payload: body as Record<string, unknown>,
    });
  const postBatch = (checks: unknown[], key: string) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/access-checks/batch',
      headers: { ...asSystem(clinic), 'idempotency-key': key },
      payload: { checks } as Record<string, unknown>,
    });
  const keyRows = () =>
    db().selectFrom('access_idempotency').selectAll().orderBy('created_at').execute();
  const later = (ms: number) => new Date(start.getTime() + ms);

  it('stores no raw key: an IIN used as the key is in no column of the table', async () => {
    const iinKey = iinBornOn('1995-05-19', 7);
    const single = await post(check(), iinKey);
    expect(single.statusCode).toBe(200);
    const batchKey = `req-${iinKey}-${randomUUID()}`;
    expect((await postBatch([check(), check()], batchKey)).statusCode).toBe(200);

    const rows = await keyRows();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Every column of every row, as the database returns them, and the key column as text.
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(iinKey);
    expect(dump).not.toContain(batchKey);
    expect(Object.keys(rows[0]!).sort()).toEqual([
      'body_hash',
      'check_ids_json',
      'created_at',
      'key_hash',
      'kind',
      'system_id',
    ]);
    for (const row of rows) expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    // Keyed: not the plain SHA-256 a dictionary of IINs would find, of the key nor of the body
    // (which holds the subject's IIN).
    const plain = createHash('sha256').update(iinKey).digest('hex');
    expect(rows.map((row) => row.key_hash)).not.toContain(plain);
    const plainBody = createHash('sha256')
      .update(canonicalJson(['single', check()]))
      .digest('hex');
    expect(rows.map((row) => row.body_hash)).not.toContain(plainBody);
    const { rows: found } = await sql<{ n: number | string }>`
      select count(*) as n from access_idempotency
      where key_hash like ${'%' + iinKey + '%'} or body_hash like ${'%' + iinKey + '%'}
        or check_ids_json like ${'%' + iinKey + '%'}`.execute(db());
    expect(Number(found[0]!.n)).toBe(0);

    // And it still replays, and still refuses another body under the same key.
    const again = await post(check(), iinKey);
    expect(again.json()).toEqual(single.json());
    const other = await post(check({ purpose: 'finance.credit-scoring' }), iinKey);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('access.idempotency_mismatch');
  });

  it('a key answers retries for the retention; after it a retry is a new check, deleted yet or not', async () => {
    const key = `expiry-${randomUUID()}`;
    const first = await post(check(), key);
    expect(first.statusCode).toBe(200);

    // A minute before the retention ends: the first answer.
    h.now.value = later(WEEK_MS - 60_000);
    expect((await post(check(), key)).json()).toEqual(first.json());

    // The retention ended, the row is still there (no deletion ran): a new check all the same.
    h.now.value = later(WEEK_MS + HOUR_MS);
    const rowsBefore = await keyRows();
    const second = await post(check(), key);
    expect(second.statusCode).toBe(200);
    expect(second.json().checkId).not.toBe(first.json().checkId);
    // The expired row gave way: one row for the key, the new check's.
    const rowsAfter = await keyRows();
    expect(rowsAfter).toHaveLength(rowsBefore.length);
    expect(rowsAfter.map((row) => row.check_ids_json)).toContain(
      JSON.stringify([second.json().checkId]),
    );
    expect(rowsAfter.map((row) => row.check_ids_json)).not.toContain(
      JSON.stringify([first.json().checkId]),
    );
    // The new check's key replays from now on; another body under an expired key is no 422.
    expect((await post(check(), key)).json()).toEqual(second.json());

    const stale = `stale-${randomUUID()}`;
    h.now.value = start;
    expect((await post(check(), stale)).statusCode).toBe(200);
    h.now.value = later(WEEK_MS + HOUR_MS);
    const changed = await post(check({ categories: ['identity'] }), stale);
    expect(changed.statusCode).toBe(200);

    // Once deleted, the same: a retry is a new check.
    const deleted = `deleted-${randomUUID()}`;
    h.now.value = start;
    const third = await post(check(), deleted);
    h.now.value = later(WEEK_MS + HOUR_MS);
    await createIdempotencyRetention({
      db: db(),
      retentionMs: WEEK_MS,
      clock: () => h.now.value,
    }).prune();
    const fourth = await post(check(), deleted);
    expect(fourth.statusCode).toBe(200);
    expect(fourth.json().checkId).not.toBe(third.json().checkId);
  });

  it('a retry that arrives while the first is being appended answers with its ledger index too', async () => {
    // The first request has committed its check and key and waits for the ledger; the retry finds
    // the key then. On the sequencing instance it answers as the first does: in the ledger, with
    // the index (not null, which means "a standby instance, appended within a second").
    const key = `overtaken-${randomUUID()}`;
    const sequence = h.outbox.sequence.bind(h.outbox);
    let reached!: () => void;
    const firstWaits = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const spy = vi.spyOn(h.outbox, 'sequence').mockImplementationOnce(async (ids) => {
      reached();
      await held;
      return sequence(ids);
    });
    try {
      const first = post(check(), key);
      await firstWaits;
      const retry = await post(check(), key);
      release();
      const answered = await first;
      expect(answered.statusCode).toBe(200);
      expect(answered.json().ledgerIndex).toEqual(expect.any(Number));
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual(answered.json());
    } finally {
      release();
      spy.mockRestore();
    }
  });

  // The retention job over rows written directly, under systems of their own.
  {
    const OLD = '2026-11-01T00:00:00.000Z';
    const YOUNG = '2026-12-04T11:00:00.000Z';
    const NOW = new Date('2026-12-04T12:00:00.000Z');
    const keyRow = (system: string, n: number, at: string) => ({
      system_id: system,
      key_hash: createHash('sha256').update(`${system}-${at}-${n}`).digest('hex'),
      body_hash: '0'.repeat(64),
      kind: 'single' as const,
      check_ids_json: '[]',
      created_at: at,
    });
    /** `count` keys a millisecond apart from `at` (or all at `at`, `tied`). */
    const seed = async (count: number, at: string, system = 'sys_seed', tied = false) =>
      db()
        .insertInto('access_idempotency')
        .values(
          Array.from({ length: count }, (_, n) =>
            keyRow(system, n, tied ? at : new Date(Date.parse(at) + n).toISOString()),
          ),
        )
        .execute();
    const seeded = async () =>
      (
        await db()
          .selectFrom('access_idempotency')
          .select('created_at')
          .where('system_id', 'like', 'sys_seed%')
          .execute()
      ).map((row) => row.created_at);
    const clear = () =>
      db().deleteFrom('access_idempotency').where('system_id', 'like', 'sys_seed%').execute();

    it('deletes keys past the retention in bounded batches, oldest first, and keeps the young', async () => {
      await clear();
      await seed(7, OLD);
      await seed(2, YOUNG, 'sys_seed_2');
      const batches: number[] = [];
      const deletes = new Set<QueryId>();
      const watching: KyselyPlugin = {
        transformQuery: (args) => {
          if (args.node.kind === 'DeleteQueryNode') deletes.add(args.queryId);
          return args.node;
        },
        transformResult: (args) => {
          if (deletes.has(args.queryId)) batches.push(Number(args.result.numAffectedRows));
          return Promise.resolve(args.result);
        },
      };
      const retention = createIdempotencyRetention({
        db: db().withPlugin(watching),
        retentionMs: WEEK_MS,
        clock: () => NOW,
        batchSize: 3,
        pauseMs: 0,
      });
      // The keys of the checks above (2026-12-01 and later) are within a week of NOW: they stay.
      expect(await retention.prune()).toBe(7);
      expect(batches).toEqual([3, 3, 1]);
      expect((await seeded()).sort()).toEqual([YOUNG, '2026-12-04T11:00:00.001Z']);
      expect((await (retention.metrics[0] as Counter).get()).values[0]?.value).toBe(7);
    });

    it('deletes keys of one instant together, even past the batch size', async () => {
      await clear();
      await seed(4, OLD, 'sys_seed', true);
      await seed(1, '2026-11-02T00:00:00.000Z');
      const retention = createIdempotencyRetention({
        db: db(),
        retentionMs: WEEK_MS,
        clock: () => NOW,
        batchSize: 3,
        pauseMs: 0,
      });
      expect(await retention.prune()).toBe(5);
      expect(await seeded()).toEqual([]);
    });

    it('runs periodically only while this instance sequences, and stops when asked', async () => {
      await clear();
      await seed(5, OLD);
      const standby = createIdempotencyRetention({
        db: db(),
        retentionMs: WEEK_MS,
        clock: () => NOW,
      });
      const stopStandby = standby.start(10, () => false);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await stopStandby();
      expect(await seeded()).toHaveLength(5);

      const sequencer = createIdempotencyRetention({
        db: db(),
        retentionMs: WEEK_MS,
        clock: () => NOW,
        batchSize: 2,
      });
      const stop = sequencer.start(10, () => true);
      try {
        await expect.poll(seeded).toEqual([]);
      } finally {
        await stop();
      }
    });

    it('deletes a batch as a range of the index on created_at, on both engines', async () => {
      await clear();
      await seed(3, OLD);
      const end = batchEnd(db(), OLD, 1000).compile();
      // The delete the retention runs, captured as it runs.
      const statements: CompiledQuery[] = [];
      const capturing: KyselyPlugin = {
        transformQuery: (args) => {
          if (args.node.kind === 'DeleteQueryNode')
            statements.push(db().getExecutor().compileQuery(args.node, args.queryId));
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      };
      await createIdempotencyRetention({
        db: db().withPlugin(capturing),
        retentionMs: WEEK_MS,
        clock: () => NOW,
      }).prune();
      expect(statements).toHaveLength(1);
      // The subquery is batchEnd's (parameters aside: PostgreSQL numbers them).
      const unnumbered = (text: string) => text.replace(/\$\d+/g, '?');
      expect(unnumbered(statements[0]!.sql)).toContain(`(${unnumbered(end.sql)})`);
      const plan = await planOf(fx.storage, statements[0]!);
      if (fx.dialect === 'sqlite') {
        // The delete and its subquery: each a range of the index, no scan of the table.
        expect(plan.match(/USING (COVERING )?INDEX access_idempotency_created_at/g)).toHaveLength(
          2,
        );
        expect(plan).not.toMatch(/SCAN access_idempotency\b(?! USING)/);
      } else {
        expect(plan.match(/Index (Only )?Scan using access_idempotency_created_at/g)).toHaveLength(
          2,
        );
        expect(plan).not.toMatch(/Seq Scan|access_idempotency_key_hash_pk/);
      }
    });
  }
});
