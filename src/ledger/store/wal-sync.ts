/**
 * Makes SQLite WAL commits durable from the thread pool. A commit at `synchronous = NORMAL`
 * writes its WAL frames without an fsync; fsyncing the WAL file afterwards makes them exactly as
 * durable as `synchronous = FULL` would have (FULL is that same fsync, done inside COMMIT). Done
 * here, the fsync — about a millisecond on a virtual disk, more than half of a batch's SQLite
 * time — runs on libuv's thread pool while the main thread prepares and writes the next batch.
 *
 * Requests made while an fsync runs share the next one (it must start after their writes), so
 * one fsync covers every batch written meanwhile: group commit across batches.
 *
 * The WAL stays open here, so a sync is one thread-pool job: opening, syncing, checking and
 * closing as four jobs cost milliseconds of latency on a busy event loop, and the throughput of
 * callers waiting on a sync is bounded by that latency. SQLite keeps the WAL file (same inode)
 * while its connection is open; a cheap synchronous stat per sync still notices a replaced file.
 */
import { closeSync, fstatSync, fsync, openSync, statSync } from 'node:fs';
import path from 'node:path';

export interface WalSync {
  /** Resolves once everything written to the WAL before the call is durable. */
  sync(): Promise<void>;
  close(): void;
}

const fsyncAsync = (fd: number) =>
  new Promise<void>((resolve, reject) => {
    fsync(fd, (error) => (error ? reject(error) : resolve()));
  });

export function createWalSync(databaseFile: string): WalSync {
  const walFile = `${path.resolve(databaseFile)}-wal`;
  let fd: number | undefined;
  /** Set when the open WAL file is new: its directory entry must be made durable once too. */
  let newFile = false;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let failure: Error | undefined;

  /** The WAL's descriptor, reopened if the file at the path is not the one held open. */
  function walFd(): number {
    if (fd !== undefined && fstatSync(fd).ino === statSync(walFile).ino) return fd;
    if (fd !== undefined) closeSync(fd);
    fd = openSync(walFile, 'r');
    newFile = true;
    return fd;
  }

  async function fsyncWal(): Promise<void> {
    await fsyncAsync(walFd());
    if (newFile) {
      // Without this a power cut could lose the whole new file (SQLite also syncs the
      // directory once per new WAL).
      const directory = openSync(path.dirname(walFile), 'r');
      try {
        await fsyncAsync(directory);
      } finally {
        closeSync(directory);
      }
      newFile = false;
    }
  }

  function start(): Promise<void> {
    running = fsyncWal()
      .catch((error: unknown) => {
        // After a failed fsync the page cache may have dropped the unsynced frames: nothing
        // written since the last good sync can be called durable again, so the failure sticks.
        failure = error instanceof Error ? error : new Error(String(error));
        throw failure;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    sync(): Promise<void> {
      if (failure) return Promise.reject(failure);
      if (!running) return start();
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          return failure ? Promise.reject(failure) : start();
        });
      return next;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
