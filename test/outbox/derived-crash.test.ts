/**
 * Derived data survives a crash between its commit and the outbox's done mark: the citizen inbox
 * and the monitoring feed commit a published batch as derived data (on SQLite at
 * `synchronous = NORMAL`, without an fsync; on PostgreSQL with `synchronous_commit = off`), and
 * the outbox marks the events published — on the one-commit path (`appendWith`) by deleting their
 * `outbox_events` rows — only in a later commit. A child is killed with SIGKILL after both
 * consumers committed a batch and before the mark; after the restart every event's row is still
 * there (and no `outbox` row was ever written), the drain delivers the events again, and each is
 * stored once — in the inbox and in the feed — and its row then deleted. On SQLite, and on
 * PostgreSQL with DATABASE_URL.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import {
  type CrashChild,
  type CrashEngine,
  itOnEachEngine,
  killNow,
  queryStored,
  startCrashChild,
} from '../support/crash-harness.js';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash', 'harness.ts');
const COUNT = 5;
const ids = Array.from({ length: COUNT }, (_, i) => `chk_crash_${i}`);

/**
 * Resolves with the ids of the child's first `<label> id,id,…` line; rejects at once, with what
 * the child wrote to its standard error, if it exits first, or after 90 s (a loaded machine is
 * slow, and a child that never prints must not hide why).
 */
function lineOf(child: CrashChild, label: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`no ${label} line (${why}); stdout: ${out}; stderr: ${child.stderr()}`));
    };
    const timer = setTimeout(() => fail('timed out'), 90_000);
    child.process.once('exit', (code, signal) => fail(`the child exited: ${code ?? signal}`));
    child.process.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`^${label} (\\S*)$`, 'm').exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.split(',').filter((id) => id !== ''));
      }
    });
  });
}

const stored = (engine: CrashEngine) =>
  queryStored(engine, {
    notifications: 'select event_id from notifications order by event_id',
    feed: 'select id from monitor_events order by id',
    outbox: 'select id from outbox order by id',
    events: 'select id, attempts from outbox_events order by id',
  });

describe('derived data across a crash before the done mark', () => {
  itOnEachEngine(
    'delivers the events again and stores each once',
    async (engine) => {
      const first = await startCrashChild(HARNESS, engine, ['publish', String(COUNT)]);
      const consumed = await lineOf(first, 'CONSUMED');
      await killNow(first);
      expect(consumed.length).toBeGreaterThan(0);

      // The consumers' commits survived the kill; the done mark never happened.
      const before = await stored(engine);
      const notified = before.notifications.map((row) => row.event_id);
      const logged = before.feed.map((row) => row.id);
      for (const id of consumed) {
        expect(notified).toContain(id);
        expect(logged).toContain(id);
      }
      expect(before.outbox).toEqual([]);
      expect(before.events.map((row) => row.id)).toEqual(ids);

      const second = await startCrashChild(HARNESS, engine, ['drain']);
      try {
        const redelivered = await lineOf(second, 'REDELIVERED');
        // Published again: the consumed ones too (at least once).
        expect([...redelivered].sort()).toEqual(ids);
      } finally {
        await killNow(second);
      }
      const after = await stored(engine);
      // Stored once each, however often delivered.
      expect(after.notifications.map((row) => row.event_id)).toEqual(ids);
      expect(after.feed.map((row) => row.id)).toEqual(ids);
      expect(after.events).toEqual([]);
      expect(after.outbox).toEqual([]);
    },
    180_000,
  );
});
