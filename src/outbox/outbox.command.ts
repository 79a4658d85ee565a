/**
 * `qalqan outbox …`: the operator's hands on parked outbox rows (records the ledger refused), and
 * a look at what waits.
 *   parked [--limit N] [--json]
 *       the oldest parked rows: id, type, created at, attempts, when last requeued (a row refused
 *       again after a requeue), last error — never the record or the event (they hold pseudonyms
 *       and personal data)
 *   requeue <id...> | requeue --all
 *       back to `pending`, attempts 0 and no error, once the cause is fixed; each row's line says
 *       the error it was parked with (kept on the row as `requeued_error`); the server that
 *       sequences the ledger appends them with its outbox poll (within a second), or the next to
 *       start does
 *   waiting [--json]
 *       what waits, by stage, with the oldest of each: `ledger` (written, not yet appended) and
 *       `publish` (appended, its event not yet delivered — among them the one-commit path's
 *       `outbox_events`, which are never parked: a failed publish is logged, its attempts and
 *       error kept on the row, and the drain publishes it within seconds of the consumers'
 *       recovery); the same figures as the `qalqan_outbox_waiting` gauges
 * Exit codes as everywhere: 0 done; 1 some ids were not requeued (unknown, not parked); 2 could
 * not run (usage, configuration, storage).
 */
import type { Command } from 'commander';
import { CliError, type CliIo, EXIT_FOUND } from '../cli/io.js';
import { configFrom, withStorageOptions } from '../cli/server-options.js';
import type { ConfigFlags } from '../config/config.js';
import { openStorage, type Storage } from '../storage/storage.js';
import {
  ageSeconds,
  type OutboxWaiting,
  readOutboxWaiting,
  WAITING_STAGES,
} from './outbox-waiting.js';
import {
  createParkedOutbox,
  type ParkedOutbox,
  type ParkedRow,
  type RequeueOutcome,
} from './outbox-parked.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

/** Said after every requeue, so the operator knows what happens next and what it needs. */
export const PICKED_UP =
  'the server that sequences the ledger appends requeued rows with its outbox poll, within a second; with none running, the next one to start does';

/** `--limit`: a whole number of rows, 1 to MAX_LIMIT. */
export function parseLimit(value: string): number {
  const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new CliError(
      `--limit must be an integer from 1 to ${MAX_LIMIT}, got '${oneLine(value, 40)}'`,
    );
  return limit;
}

/**
 * Text from the table or the command line as one printable line: control characters (a newline
 * in an error message, a terminal escape in an id) become spaces; cut at `max`.
 */
export function oneLine(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The rows as a table with a header, columns padded to their widest cell; the error last. */
export function parkedTable(rows: readonly ParkedRow[]): string {
  const header = ['id', 'type', 'created at', 'attempts', 'requeued at', 'last error'];
  const cells = rows.map((row) => [
    oneLine(row.id),
    oneLine(row.type),
    oneLine(row.createdAt),
    String(row.attempts),
    oneLine(row.requeuedAt ?? ''),
    oneLine(row.lastError ?? ''),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]!.length)),
  );
  return [header, ...cells]
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One JSON object per row and line: the table's columns, nothing else of the row. */
export function parkedJsonLines(rows: readonly ParkedRow[]): string {
  return rows
    .map((row) =>
      JSON.stringify({
        id: row.id,
        type: row.type,
        createdAt: row.createdAt,
        attempts: row.attempts,
        lastError: row.lastError,
        requeuedAt: row.requeuedAt,
      }),
    )
    .join('\n');
}

/** What waits, a line per stage: count and oldest (with its age at `now`), as a table or JSON. */
export function waitingLines(waiting: OutboxWaiting, json: boolean, now = Date.now()): string {
  if (json)
    return WAITING_STAGES.map((stage) =>
      JSON.stringify({ stage, waiting: waiting[stage].count, oldest: waiting[stage].oldest }),
    ).join('\n');
  const rows = WAITING_STAGES.map((stage) => {
    const { count, oldest } = waiting[stage];
    const age = oldest === null ? '' : `${oldest} (${Math.round(ageSeconds(oldest, now))} s ago)`;
    return [stage, String(count), age];
  });
  return [['stage', 'waiting', 'oldest'], ...rows]
    .map(([stage, count, age]) => `${stage!.padEnd(7)}  ${count!.padEnd(7)}  ${age}`.trimEnd())
    .join('\n');
}

/**
 * One line per outcome: what was requeued and the error it was parked with (the row no longer
 * shows it), and why each other id was not.
 */
export function outcomeLine(outcome: RequeueOutcome): string {
  const id = oneLine(outcome.id, 128);
  switch (outcome.result) {
    case 'requeued': {
      const line = `requeued ${id} (${oneLine(outcome.type)})`;
      return outcome.previousError === null
        ? line
        : `${line}; it was parked with: ${oneLine(outcome.previousError)}`;
    }
    case 'unknown':
      return `not requeued ${id}: unknown id`;
    case 'not parked':
      return `not requeued ${id}: not parked (${outcome.state})`;
  }
}

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

interface ParkedFlags extends ConfigFlags {
  limit: string;
  json?: boolean;
}

interface RequeueFlags extends ConfigFlags {
  all?: boolean;
}

export function registerOutboxCommands(program: Command, io: CliIo): void {
  const outbox = program
    .command('outbox')
    .description(
      'parked outbox rows (records the ledger refused): list them, requeue them; what waits',
    );

  /** Opens storage (no migration: an operator's look must not change the schema), runs, closes. */
  async function withParked<T>(
    flags: ConfigFlags,
    work: (parked: ParkedOutbox, storage: Storage) => Promise<T>,
  ): Promise<T> {
    const config = configFrom(flags, io);
    const storage = await openStorage({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      create: false,
    });
    try {
      const parked = createParkedOutbox(storage.db);
      return await work(parked, storage).catch((error: unknown) => {
        if (error instanceof CliError) throw error;
        const message = oneLine((error as Error).message, 200);
        // A missing table or column is a schema never migrated (or migrated by an older
        // version); anything else (a lock, a lost connection) is said as it is.
        const hint = /no such (table|column)|does not exist/i.test(message)
          ? ' (run qalqan migrate?)'
          : '';
        throw new CliError(`cannot use the outbox in ${storage.location}: ${message}${hint}`);
      });
    } finally {
      await storage.close();
    }
  }

  withStorageOptions(
    outbox
      .command('parked')
      .description(
        'list parked rows, oldest first: id, type, created at, attempts, requeued at, last error (never the record)',
      )
      .option('--limit <n>', `most rows to list (1-${MAX_LIMIT})`, String(DEFAULT_LIMIT))
      .option('--json', 'one JSON object per line instead of a table'),
  ).action(async (flags: ParkedFlags) => {
    const limit = parseLimit(flags.limit);
    await withParked(flags, async (parked) => {
      const rows = await parked.list(limit);
      if (rows.length === 0) {
        // On stderr with --json, so a pipe reading JSON lines reads none.
        (flags.json ? io.stderr : io.stdout).write('no parked rows\n');
        return;
      }
      io.stdout.write(`${flags.json ? parkedJsonLines(rows) : parkedTable(rows)}\n`);
      const total = rows.length < limit ? rows.length : await parked.count();
      if (total > rows.length)
        io.stderr.write(
          `${plural(total, 'parked row')}; the oldest ${rows.length} shown (--limit)\n`,
        );
    });
  });

  withStorageOptions(
    outbox
      .command('waiting')
      .description(
        'what waits, by stage, with the oldest: ledger (not yet appended), publish (event not yet delivered)',
      )
      .option('--json', 'one JSON object per stage and line instead of a table'),
  ).action(async (flags: ConfigFlags & { json?: boolean }) => {
    await withParked(flags, async (_parked, storage) => {
      const waiting = await readOutboxWaiting(storage.db);
      io.stdout.write(`${waitingLines(waiting, flags.json === true)}\n`);
    });
  });

  withStorageOptions(
    outbox
      .command('requeue')
      .description(
        'put parked rows back to pending (attempts 0, error cleared and printed) once the cause is fixed; the sequencing server appends them',
      )
      .argument('[ids...]', 'ids of parked rows (from qalqan outbox parked)')
      .option('--all', 'every parked row'),
  ).action(async (ids: string[], flags: RequeueFlags) => {
    if (ids.length === 0 && flags.all !== true)
      throw new CliError('give the ids of the rows to requeue, or --all');
    if (ids.length > 0 && flags.all === true)
      throw new CliError('give the ids of the rows to requeue or --all, not both');
    await withParked(flags, async (parked) => {
      if (flags.all === true) {
        const requeued = await parked.requeueAll();
        if (requeued.length === 0) {
          io.stdout.write('no parked rows\n');
          return;
        }
        for (const row of requeued)
          io.stdout.write(`${outcomeLine({ ...row, result: 'requeued' })}\n`);
        io.stdout.write(`requeued ${plural(requeued.length, 'row')}; ${PICKED_UP}\n`);
        return;
      }
      const outcomes = await parked.requeue(ids);
      for (const outcome of outcomes) io.stdout.write(`${outcomeLine(outcome)}\n`);
      const requeued = outcomes.filter((outcome) => outcome.result === 'requeued').length;
      io.stdout.write(
        requeued === 0
          ? 'nothing requeued\n'
          : `requeued ${requeued} of ${plural(outcomes.length, 'row')}; ${PICKED_UP}\n`,
      );
      if (requeued < outcomes.length) io.setExitCode(EXIT_FOUND);
    });
  });
}
