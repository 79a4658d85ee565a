/**
 * One rule evaluator among several instances: on PostgreSQL the leader holds a session advisory
 * lock on a connection of its own (as the ledger's sequencer does), so if its session dies the
 * lock goes with it and a standby takes over; the standbys try again every few hundred
 * milliseconds. SQLite serves one process, where the first evaluator to ask leads (a second one
 * on the same database in the same process stands by).
 */
import type pg from 'pg';
import type { NativeHandle } from '../storage/storage.js';

/** Advisory lock class of the monitoring evaluator ('QMON'); the key is the schema's hash. */
const LOCK_CLASS = 0x514d4f4e;
/** How often the leader's session is asked `select 1`, so a dead one is noticed (docs/MONITOR.md). */
export const HEARTBEAT_MS = 2_000;

export interface Lease {
  /** Resolves when leadership is lost (the session died); never rejects. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface LeaderLock {
  /** A lease if this instance may lead now, else null (another instance leads). */
  tryAcquire(): Promise<Lease | null>;
}

const sqliteHolders = new WeakSet<object>();

export function createLeaderLock(native: NativeHandle): LeaderLock {
  if (native.dialect === 'sqlite') {
    const handle = native.sqlite;
    return {
      tryAcquire() {
        if (sqliteHolders.has(handle)) return Promise.resolve(null);
        sqliteHolders.add(handle);
        let released = false;
        return Promise.resolve({
          lost: new Promise<void>(() => undefined),
          release() {
            if (!released) sqliteHolders.delete(handle);
            released = true;
            return Promise.resolve();
          },
        });
      },
    };
  }
  const pool = native.pool;
  return {
    async tryAcquire() {
      const client: pg.PoolClient = await pool.connect();
      let locked = false;
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1::int4, hashtext(current_schema())) as locked',
          [LOCK_CLASS],
        );
        locked = rows[0]?.locked === true;
      } finally {
        if (!locked) client.release();
      }
      if (!locked) return null;
      let markLost: () => void = () => undefined;
      const lost = new Promise<void>((resolve) => {
        markLost = resolve;
      });
      const onError = () => markLost();
      client.on('error', onError);
      client.on('end', onError);
      // An idle dead connection may say nothing; asking now and then notices.
      const beat = setInterval(() => {
        client.query('select 1').catch(onError);
      }, HEARTBEAT_MS);
      beat.unref();
      void lost.then(() => clearInterval(beat));
      let released = false;
      return {
        lost,
        async release() {
          if (released) return;
          released = true;
          client.off('end', onError);
          try {
            await client.query('select pg_advisory_unlock($1::int4, hashtext(current_schema()))', [
              LOCK_CLASS,
            ]);
            client.off('error', onError);
            client.release();
          } catch (error) {
            // The session is gone, and the lock with it; destroy the connection.
            client.off('error', onError);
            client.release(error instanceof Error ? error : true);
          }
          markLost();
        },
      };
    },
  };
}
