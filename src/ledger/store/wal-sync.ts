/**
 * Makes SQLite WAL commits durable from the thread pool. A commit at `synchronous = NORMAL`
 * writes its WAL frames without an fsync; fsyncing the WAL file afterwards makes them exactly as
 * durable as `synchronous = FULL` would have (FULL is that same fsync, done inside COMMIT). Done
 * here, the fsync — about a millisecond on a virtual disk, more than half of a batch's SQLite
 * time — runs on libuv's thread pool while the main thread prepares and writes the next batch.
 *
 * Requests made while an fsync runs share the next one (it must start after their writes), so
 * one fsync covers every batch written meanwhile: group commit across batches.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';

export function createWalSync(databaseFile: string): () => Promise<void> {
  const walFile = `${path.resolve(databaseFile)}-wal`;
  /** Inode of the WAL file whose directory entry is known durable. */
  let durableInode: number | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let failure: Error | undefined;

  async function fsyncWal(): Promise<void> {
    const handle = await open(walFile, 'r');
    try {
      await handle.sync();
      const { ino } = await handle.stat();
      if (ino !== durableInode) {
        // A WAL file new since the last sync: its directory entry must be durable too, or a
        // power cut could lose the whole file (SQLite syncs the directory once per new WAL too).
        const directory = await open(path.dirname(walFile), 'r');
        try {
          await directory.sync();
        } finally {
          await directory.close();
        }
        durableInode = ino;
      }
    } finally {
      await handle.close();
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

  return function sync(): Promise<void> {
    if (failure) return Promise.reject(failure);
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return failure ? Promise.reject(failure) : start();
      });
    return next;
  };
}
