import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';
import { withPg } from '../../test/support/pg.js';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { DomainError } from '../core/errors.js';
import { createKyselyLedgerStore } from '../ledger/store/kysely-store.js';
import { openTestLedger, testSigner } from '../ledger/test-support/fixtures.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openStorage } from '../storage/storage.js';
import { createOutbox, enqueueOutbox, type OutboxLedger } from './outbox.js';
import {
  oneLine,
  outcomeLine,
  parkedTable,
  parseLimit,
  PICKED_UP,
  waitingLines,
} from './outbox.command.js';
import { outboxItem } from './test-support/fixtures.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-outbox-cli-');
const AT = '2026-12-04T12:00:00.000Z';
/** In every record and event; no output may show it. */
const PRIVATE = 'pseudonym-PRIVATE-4f2a';
/** What each requeued row of the test world's was parked with, as the requeue prints it. */
const PARKED_WITH = 'it was parked with: the record is larger than 65536 bytes';

describe('outbox command helpers', () => {
  it('says what waits, a line per stage, as a table or JSON lines', () => {
    const waiting = {
      ledger: { count: 0, oldest: null },
      publish: { count: 12, oldest: '2026-12-04T12:00:00.000Z' },
    };
    expect(waitingLines(waiting, false, Date.parse('2026-12-04T12:01:30.000Z'))).toBe(
      [
        'stage    waiting  oldest',
        'ledger   0',
        'publish  12       2026-12-04T12:00:00.000Z (90 s ago)',
      ].join('\n'),
    );
    expect(
      waitingLines(waiting, true)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { stage: 'ledger', waiting: 0, oldest: null },
      { stage: 'publish', waiting: 12, oldest: '2026-12-04T12:00:00.000Z' },
    ]);
  });

  it('takes a limit of 1 to 10,000 rows only', () => {
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('10000')).toBe(10_000);
    for (const bad of ['0', '-1', '1.5', '10001', 'ten', '', '1e3', ' 5'])
      expect(() => parseLimit(bad), bad).toThrow(/--limit must be an integer from 1 to 10000/);
  });

  it('prints a table one line per row, whatever the error holds', () => {
    expect(oneLine('a\nb\u001b[31mc')).toBe('a b [31mc');
    expect(oneLine('x'.repeat(10), 5)).toBe('xxxx…');
    const requeuedAt = '2026-12-05T09:30:00.000Z';
    expect(
      parkedTable([
        {
          id: 'chg_1',
          type: 'a.b',
          createdAt: AT,
          attempts: 1,
          lastError: 'line\nbreak',
          requeuedAt,
        },
        {
          id: 'chk_22',
          type: 'access.check',
          createdAt: AT,
          attempts: 12,
          lastError: null,
          requeuedAt: null,
        },
      ]),
    ).toBe(
      [
        'id      type          created at                attempts  requeued at               last error',
        `chg_1   a.b           ${AT}  1         ${requeuedAt}  line break`,
        `chk_22  access.check  ${AT}  12`,
      ].join('\n'),
    );
  });

  it('says per requeued row the error it was parked with, on one line', () => {
    const requeued = { id: 'chg_1', result: 'requeued', type: 'a.b' } as const;
    expect(outcomeLine({ ...requeued, previousError: 'too\nlarge' })).toBe(
      'requeued chg_1 (a.b); it was parked with: too large',
    );
    expect(outcomeLine({ ...requeued, previousError: null })).toBe('requeued chg_1 (a.b)');
  });
});

/**
 * The commands against each engine: SQLite in a data dir; PostgreSQL (when DATABASE_URL is set) in
 * a fresh schema the CLI is pointed at through its connection URL (`options=-c search_path=…`),
 * as an operator could.
 */
const databaseUrl = process.env.DATABASE_URL;
for (const dialect of ['sqlite', 'postgres'] as const)
  describe.skipIf(dialect === 'postgres' && databaseUrl === undefined)(
    `qalqan outbox parked / requeue [${dialect}]`,
    () => parkedCommands(dialect),
  );

/** A fresh schema and the DATABASE_URL that names it, or nothing on SQLite. */
async function freshPostgres(dialect: 'sqlite' | 'postgres') {
  if (dialect === 'sqlite' || databaseUrl === undefined) return undefined;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withPg(databaseUrl, (client) => client.query(`create schema ${schema}`));
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    schema,
    url: `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${options}`,
    drop: () =>
      withPg(databaseUrl, (client) => client.query(`drop schema if exists ${schema} cascade`)),
  };
}

function parkedCommands(dialect: 'sqlite' | 'postgres') {
  /** Every output of every command; none may show a record or an event. */
  const outputs: string[] = [];
  const worlds: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((world) => world.close()));
    expect(outputs.join('')).not.toContain(PRIVATE);
  });

  /**
   * A data dir whose outbox holds three parked rows (chg_1..3, oldest first) and one done (ok):
   * the ledger refused every record until the "upgrade", then took them.
   */
  async function parkedWorld() {
    const dataDir = tempDir();
    const postgres = await freshPostgres(dialect);
    const storage = await openStorage(
      postgres ? { dataDir, databaseUrl: databaseUrl!, schema: postgres.schema } : { dataDir },
    );
    const env: Record<string, string> = postgres ? { DATABASE_URL: postgres.url } : {};
    await migrateToLatest(storage.db);
    const ledger = await openTestLedger(createKyselyLedgerStore(storage), testSigner());
    let refusing = true;
    const refusingLedger: OutboxLedger = {
      append: (input) =>
        refusing
          ? Promise.reject(
              new DomainError('ledger.invalid_entry', 'the record is larger than 65536 bytes'),
            )
          : ledger.append(input),
    };
    const published: string[] = [];
    const outbox = createOutbox({
      db: storage.db,
      ledger: refusingLedger,
      events: {
        publish: (events) => {
          published.push(...events.map((event) => event.id));
          return Promise.resolve();
        },
      },
    });
    let stop: (() => Promise<void>) | undefined;
    worlds.push({
      async close() {
        await stop?.();
        await ledger.close();
        await storage.close();
        await postgres?.drop();
      },
    });
    const item = (id: string, at: string) =>
      outboxItem(id, at, {
        record: { id, subject: PRIVATE },
        event: { id, type: 'test.fact', at, data: { subject: PRIVATE } },
      });
    await storage.db
      .transaction()
      .execute((trx) =>
        outbox.enqueue(trx, [
          item('chg_1', '2026-12-04T12:00:01.000Z'),
          item('chg_2', '2026-12-04T12:00:02.000Z'),
          item('chg_3', '2026-12-04T12:00:03.000Z'),
        ]),
      );
    await outbox.sequence(['chg_1', 'chg_2', 'chg_3']);
    refusing = false;
    await storage.db.transaction().execute((trx) => outbox.enqueue(trx, item('ok', AT)));
    await outbox.sequence(['ok']);

    const stateOf = async (id: string) =>
      (
        await storage.db
          .selectFrom('outbox')
          .select('state')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).state;
    expect(await stateOf('chg_1')).toBe('parked');
    expect(await stateOf('ok')).toBe('done');
    return {
      ledger,
      storage,
      published,
      stateOf,
      /** Runs `qalqan outbox …` on this data dir. */
      run: async (...args: string[]) => {
        const result = await runCli(['outbox', ...args, '--data-dir', dataDir], env);
        outputs.push(result.stdout, result.stderr);
        return result;
      },
      /** Starts the outbox as the server's sequencing instance runs it: a full pass, then its poll. */
      start: () => {
        stop = outbox.start(60_000, () => true, 20);
      },
      /** Waits for the running outbox's poll to append the row and publish its event. */
      appended: async (id: string) => {
        const until = Date.now() + 10_000;
        while ((await outbox.ledgerIndexOf(id)) === null || (await stateOf(id)) !== 'done') {
          if (Date.now() > until) throw new Error(`${id} was not appended`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return outbox.ledgerIndexOf(id);
      },
    };
  }

  it('lists the parked rows as a table or JSON lines, oldest first, with a limit; exit 0', async () => {
    const { run } = await parkedWorld();
    const table = await run('parked');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+type\s+created at\s+attempts\s+requeued at\s+last error$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['chg_1', 'chg_2', 'chg_3']);
    expect(lines[1]).toMatch(/^chg_1\s+test\.fact\s+\S+\s+1\s+the record is larger than 65536/);
    expect(table.stderr).toBe('');

    const json = await run('parked', '--json');
    expect(json.code).toBe(0);
    const rows = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => row.id)).toEqual(['chg_1', 'chg_2', 'chg_3']);
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'type',
      'createdAt',
      'attempts',
      'lastError',
      'requeuedAt',
    ]);
    expect(rows[0]).toMatchObject({ type: 'test.fact', attempts: 1, requeuedAt: null });

    const limited = await run('parked', '--limit', '2', '--json');
    expect(limited.code).toBe(0);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(limited.stderr).toBe('3 parked rows; the oldest 2 shown (--limit)\n');
  });

  it('says what waits: parked and done rows do not, a row not yet appended and an unpublished event do; exit 0', async () => {
    const { run, storage } = await parkedWorld();
    const none = await run('waiting', '--json');
    expect(none.code).toBe(0);
    expect(
      none.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { stage: 'ledger', waiting: 0, oldest: null },
      { stage: 'publish', waiting: 0, oldest: null },
    ]);
    // Written by the CLI with no server running, and an access check's event whose publish failed.
    await storage.db
      .transaction()
      .execute((trx) =>
        enqueueOutbox(
          trx,
          outboxItem('chg_later', AT, { record: { subject: PRIVATE } }),
          '2026-12-04T12:00:05.000Z',
        ),
      );
    await storage.db
      .insertInto('outbox_events')
      .values({
        id: 'chk_1',
        type: 'access.checked',
        event_json: JSON.stringify({ id: 'chk_1', data: { subject: PRIVATE } }),
        created_at: '2026-12-04T12:00:07.000Z',
        attempts: 3,
        last_error: 'broker down',
      })
      .execute();
    const some = await run('waiting', '--json');
    expect(
      some.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { stage: 'ledger', waiting: 1, oldest: '2026-12-04T12:00:05.000Z' },
      { stage: 'publish', waiting: 1, oldest: '2026-12-04T12:00:07.000Z' },
    ]);
    const table = await run('waiting');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ledger {3}1 {8}2026-12-04T12:00:05\.000Z \(\d+ s ago\)$/m);
  });

  it('bad usage is one line, exit 2', async () => {
    const { run, stateOf } = await parkedWorld();
    for (const [args, message] of [
      [['parked', '--limit', '0'], "--limit must be an integer from 1 to 10000, got '0'"],
      [['parked', '--limit', 'all'], "--limit must be an integer from 1 to 10000, got 'all'"],
      [['requeue'], 'give the ids of the rows to requeue, or --all'],
      [['requeue', 'chg_1', '--all'], 'give the ids of the rows to requeue or --all, not both'],
    ] as const) {
      const result = await run(...args);
      expect(result, args.join(' ')).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `qalqan: ${message}\n`,
      });
    }
    // Nothing was requeued by a refused command.
    expect(await stateOf('chg_1')).toBe('parked');
  });

  it('requeues by id; the running outbox poll appends it; ids not parked are reported, exit 1', async () => {
    const { run, start, appended, published, stateOf } = await parkedWorld();
    start();
    const one = await run('requeue', 'chg_1');
    expect(one).toMatchObject({
      code: 0,
      stdout: `requeued chg_1 (test.fact); ${PARKED_WITH}\nrequeued 1 of 1 row; ${PICKED_UP}\n`,
    });
    expect(typeof (await appended('chg_1'))).toBe('number');
    expect(published).toContain('chg_1');

    const none = await run('requeue', 'nope', 'ok', 'chg_1');
    expect(none).toMatchObject({
      code: 1,
      stdout: [
        'not requeued nope: unknown id',
        'not requeued ok: not parked (done)',
        'not requeued chg_1: not parked (done)',
        'nothing requeued',
        '',
      ].join('\n'),
    });

    const some = await run('requeue', 'chg_2', 'nope');
    expect(some.code).toBe(1);
    expect(some.stdout).toBe(
      `requeued chg_2 (test.fact); ${PARKED_WITH}\nnot requeued nope: unknown id\nrequeued 1 of 2 rows; ${PICKED_UP}\n`,
    );
    await appended('chg_2');
    expect(await stateOf('chg_3')).toBe('parked');
  });

  it('requeues every parked row with --all, then there are none; exit 0', async () => {
    const { run, start, appended, ledger } = await parkedWorld();
    start();
    const all = await run('requeue', '--all');
    expect(all).toMatchObject({
      code: 0,
      stdout: [
        `requeued chg_1 (test.fact); ${PARKED_WITH}`,
        `requeued chg_2 (test.fact); ${PARKED_WITH}`,
        `requeued chg_3 (test.fact); ${PARKED_WITH}`,
        `requeued 3 rows; ${PICKED_UP}`,
        '',
      ].join('\n'),
    });
    for (const id of ['chg_1', 'chg_2', 'chg_3']) await appended(id);
    // Each fact once in the ledger: the one that went through and the three requeued.
    expect((await ledger.checkpoint()).size).toBe(4);

    expect(await run('parked')).toMatchObject({ code: 0, stdout: 'no parked rows\n' });
    expect(await run('parked', '--json')).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'no parked rows\n',
    });
    expect(await run('requeue', '--all')).toMatchObject({ code: 0, stdout: 'no parked rows\n' });
  });

  it('storage without the schema is one line, exit 2', async () => {
    const postgres = await freshPostgres(dialect);
    const env: Record<string, string> = postgres ? { DATABASE_URL: postgres.url } : {};
    // A database that exists but was never migrated (with none at all, SQLite says so: cli.test).
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'qalqan.db'), '', { mode: 0o600 });
    const result = await runCli(['outbox', 'parked', '--data-dir', dataDir], env).finally(() =>
      postgres?.drop(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^qalqan: cannot use the outbox in .*\(run qalqan migrate\?\)\n$/,
    );
  });

  it('is in the help', async () => {
    const help = await runCli(['outbox', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/parked.*\n.*requeue/s);
  });
}
