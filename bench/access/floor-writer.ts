/**
 * The durable writer of `floor.bench.ts`: rows appended to an SQLite table in group commits (what
 * queued while the last commit ran goes in the next), each commit made durable by an fdatasync of
 * the WAL on libuv's thread pool, as the ledger's SQLite writer does (`src/ledger/store/
 * sqlite-native.ts`). Used in two ways: on the answering thread itself (`createGroupCommit`), and on
 * a thread of its own (this file as a worker: ids and bodies in, committed ids out).
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface GroupCommit {
  /** Resolves once the row is committed and the WAL synced. */
  append(body: string): Promise<void>;
  /** Appends a batch of bodies, calling back once all are durable. */
  appendMany(bodies: readonly string[], done: () => void): void;
  close(): void;
}

export function createGroupCommit(file: string): GroupCommit {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table if not exists rows (id integer primary key, body text not null)');
  const insert = db.prepare('insert into rows (body) values (?)');
  const commit = db.transaction((bodies: readonly string[]) => {
    for (const body of bodies) insert.run(body);
  });
  let walFd: number | undefined;
  let bodies: string[] = [];
  let waiting: (() => void)[] = [];
  let committing = false;
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      walFd ??= openSync(`${file}-wal`, 'r');
      fdatasync(walFd, (error) => (error ? reject(error) : resolve()));
    });
  async function drain(): Promise<void> {
    if (committing) return;
    committing = true;
    try {
      while (bodies.length > 0) {
        const batch = bodies;
        const callbacks = waiting;
        bodies = [];
        waiting = [];
        commit(batch);
        await sync();
        for (const callback of callbacks) callback();
      }
    } finally {
      committing = false;
    }
  }
  const appendMany = (more: readonly string[], done: () => void) => {
    for (const body of more) bodies.push(body);
    waiting.push(done);
    void drain();
  };
  return {
    append: (body) => new Promise<void>((resolve) => appendMany([body], resolve)),
    appendMany,
    close() {
      if (walFd !== undefined) closeSync(walFd);
      db.close();
    },
  };
}

// As a worker: batches of `{ ids, bodies }` in, the same ids out once durable.
if (parentPort && workerData?.file) {
  const port = parentPort;
  const writer = createGroupCommit(workerData.file as string);
  port.on('message', (message: { ids: number[]; bodies: string[] } | 'close') => {
    if (message === 'close') {
      writer.close();
      port.close();
      return;
    }
    writer.appendMany(message.bodies, () => port.postMessage(message.ids));
  });
}
