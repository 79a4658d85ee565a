/**
 * SQLite WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit that
 * pushes the WAL past 1,000 pages: that commit copies the WAL's pages into the database file and
 * fsyncs both, and since better-sqlite3 is synchronous the event loop stalls for it — tens of
 * milliseconds on an idle disk, 100 ms and more on a busy one, once every few thousand access
 * checks, which is what a p99 latency sees.
 *
 * Here a worker thread with its own connection to the same file runs `wal_checkpoint(PASSIVE)`
 * every `intervalMs`: a passive checkpoint never waits for and never blocks a writer (it takes the
 * checkpointer's lock, not the writer's), and SQLite restarts the WAL from its start at the next
 * write once every frame is backfilled. The checkpoint keeps its own syncs (the WAL before
 * copying, the database file after), so durability is unchanged. The main connection keeps a
 * checkpoint of its own as a safety net, only far behind (`FALLBACK_AUTOCHECKPOINT_PAGES`), and
 * goes back to SQLite's default if the worker fails.
 *
 * The worker starts only once the WAL has grown past `startAtBytes`, so a small database — and the
 * many short-lived ones tests open — never pays for a thread. Its source is a plain CommonJS
 * script evaluated in the worker (no file to resolve under tsx, Vitest or the built `dist/`),
 * loading the same better-sqlite3 build as the main thread.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteDriverPath } from './sqlite-driver.js';

/** The main connection checkpoints by itself only this far behind (64 MiB of 4 KiB pages). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;
/** SQLite's own default, restored when the worker cannot run. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointResult {
  /** 1 when the checkpoint could not run to completion (a reader or writer held frames). */
  readonly busy: number;
  /** Frames in the WAL. */
  readonly log: number;
  /** Frames copied into the database file. */
  readonly checkpointed: number;
}

export interface WalCheckpointer {
  /** Whether the worker thread runs (it starts once the WAL is large enough). */
  readonly running: boolean;
  /** Starts the worker if needed and runs a passive checkpoint on it now. */
  checkpointNow(): Promise<CheckpointResult>;
  /** Stops the worker and closes its connection; call before closing the main connection. */
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `<file>-wal`). */
  readonly file: string;
  /** The main connection, whose own automatic checkpoint is moved far back while the worker runs. */
  readonly sqlite: BetterSqlite3.Database;
  readonly intervalMs?: number;
  readonly startAtBytes?: number;
  /** The better-sqlite3 module the worker loads; the main thread's own by default. */
  readonly driverPath?: string;
  /** Told once, with the reason, when the worker fails and SQLite's checkpoints take over. */
  readonly onError?: (error: Error) => void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
} catch (error) {
  // A SqliteError reaches the main thread as { code } alone; a plain Error keeps its message.
  const reason = String((error && error.message) || error);
  throw new Error('cannot open ' + workerData.file + ': ' + reason);
}
// A passive checkpoint never waits; a busy database is simply tried again next time.
db.pragma('busy_timeout = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ result: row });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  resolve(result: CheckpointResult): void;
  reject(error: Error): void;
}

export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const { file, sqlite } = options;
  const walFile = `${file}-wal`;
  const startAtBytes = options.startAtBytes ?? 2 * 1024 * 1024;
  let worker: Worker | undefined;
  let failed = false;
  let closed = false;
  const waiting: Pending[] = [];
  let inFlight: Promise<CheckpointResult> | undefined;

  const fail = (thrown: unknown) => {
    if (failed) return;
    failed = true;
    // What a worker throws is copied across the thread boundary, not always as an Error.
    const error =
      thrown instanceof Error
        ? thrown
        : new Error(`the WAL checkpoint worker failed: ${JSON.stringify(thrown)}`);
    // Back to SQLite's own checkpoints on the main connection: slower, never unbounded.
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    for (const pending of waiting.splice(0)) pending.reject(error);
    options.onError?.(error);
  };

  function start(): Worker {
    if (worker) return worker;
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driverPath: options.driverPath ?? sqliteDriverPath() },
    });
    started.unref();
    started.on('message', (message: { result?: CheckpointResult; error?: string }) => {
      const pending = waiting.shift();
      if (!pending) return;
      if (message.result) pending.resolve(message.result);
      else pending.reject(new Error(`WAL checkpoint failed: ${message.error ?? 'unknown'}`));
    });
    started.on('error', (error) => fail(error));
    started.on('exit', (code) => {
      if (!closed) fail(new Error(`the WAL checkpoint worker exited (code ${code})`));
    });
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    worker = started;
    return started;
  }

  function checkpointNow(): Promise<CheckpointResult> {
    if (failed || closed)
      return Promise.reject(new Error('the WAL checkpoint worker is not running'));
    if (inFlight) return inFlight;
    const running = start();
    inFlight = new Promise<CheckpointResult>((resolve, reject) => {
      waiting.push({ resolve, reject });
      running.postMessage('checkpoint');
    }).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  const walBytes = (): number => {
    try {
      return statSync(walFile).size;
    } catch {
      return 0;
    }
  };

  const timer = setInterval(() => {
    if (failed || closed || inFlight) return;
    if (!worker && walBytes() < startAtBytes) return;
    checkpointNow().catch(() => undefined);
  }, options.intervalMs ?? 200);
  timer.unref();

  return {
    get running() {
      return worker !== undefined && !failed && !closed;
    },
    checkpointNow,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const stopping = worker;
      worker = undefined;
      if (!stopping) return;
      for (const pending of waiting.splice(0))
        pending.reject(new Error('the WAL checkpoint worker was closed'));
      if (failed) {
        await stopping.terminate();
        return;
      }
      // Let the worker close its connection (finalising its statements) before it exits.
      await new Promise<void>((resolve) => {
        const guard = setTimeout(() => {
          void stopping.terminate().then(() => resolve());
        }, 2000);
        stopping.once('exit', () => {
          clearTimeout(guard);
          resolve();
        });
        stopping.postMessage('close');
      });
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    },
  };
}
