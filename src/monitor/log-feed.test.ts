import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessBus } from '../events/bus.js';
import type { DomainEvent } from '../events/events.js';
import { createLogFeed, startLogWriter } from './log-feed.js';
import type { LoggedEvent, MonitorStore } from './monitor.store.js';

/** The feed's view of the monitor's event table, in memory, counting the feed's reads. */
function memoryLog() {
  const rows: LoggedEvent[] = [];
  const reads: number[] = [];
  const store = {
    async eventsAfter(seq: number, limit: number, range: { untilSeq?: number } = {}) {
      const found = rows.filter(
        (row) => row.seq > seq && (range.untilSeq === undefined || row.seq <= range.untilSeq),
      );
      reads.push(found.length);
      return found.slice(0, limit);
    },
    async lastSeq() {
      return rows.at(-1)?.seq ?? 0;
    },
    async newestAt() {
      return rows.at(-1)?.event.at ?? null;
    },
  } as Pick<MonitorStore, 'eventsAfter' | 'lastSeq' | 'newestAt'> as MonitorStore;
  const write = (count: number) => {
    for (let i = 0; i < count; i++) {
      const seq = rows.length + 1;
      const event: DomainEvent = {
        id: `evt-${seq}`,
        type: 'access.checked',
        at: '2026-12-05T03:00:00.000Z',
        data: {},
      };
      rows.push({ seq, event });
    }
  };
  return { store, write, reads };
}

describe('log feed (embedded)', () => {
  const running: AbortController[] = [];
  afterEach(() => {
    for (const controller of running.splice(0)) controller.abort();
  });

  async function follow(pollMs: number, onBatch?: (ids: string[]) => void) {
    const log = memoryLog();
    const feed = createLogFeed({ store: log.store, pollMs });
    const controller = new AbortController();
    running.push(controller);
    const batches: string[][] = [];
    let caughtUp!: () => void;
    const live = new Promise<void>((resolve) => (caughtUp = resolve));
    void feed.run({
      replayMs: 3_600_000,
      signal: controller.signal,
      caughtUp,
      deliver: async (batch) => {
        const ids = batch.map((event) => (event as DomainEvent).id);
        batches.push(ids);
        onBatch?.(ids);
      },
    });
    await live;
    return { ...log, feed, batches };
  }

  it('reads once per local write when the batch is short, not again at once', async () => {
    const f = await follow(60_000);
    await vi.waitFor(() => expect(f.reads.length).toBeGreaterThan(0));
    const readsBefore = f.reads.length;
    f.write(3);
    f.feed.wake();
    await vi.waitFor(() => expect(f.batches).toEqual([['evt-1', 'evt-2', 'evt-3']]));
    // Several turns of the loop later, no further read happened: the feed waits for a wake.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(f.reads.length - readsBefore).toBe(1);
  });

  it('reads again at once after a full batch, and after a write during a delivery', async () => {
    let wroteDuring = false;
    const f = await follow(60_000, (ids) => {
      // A write (and its wake) while the first batch is being delivered.
      if (!wroteDuring && ids[0] === 'evt-1') {
        wroteDuring = true;
        f.write(1);
        f.feed.wake();
      }
    });
    f.write(150);
    f.feed.wake();
    // 100 (a full live batch), then the 50 left and the one written meanwhile, without a poll.
    await vi.waitFor(() => expect(f.batches.flat()).toHaveLength(151));
    expect(f.batches.map((batch) => batch.length)).toEqual([100, 51]);
  });

  it('finds rows written without a wake (by another instance) at its next poll', async () => {
    const f = await follow(50);
    f.write(2);
    await vi.waitFor(() => expect(f.batches).toEqual([['evt-1', 'evt-2']]), { timeout: 2000 });
  });
});

describe('log writer (embedded)', () => {
  it('keeps a batch the database refused, in order, and writes it again (MONITOR.md)', async () => {
    const bus = createInProcessBus();
    const written: string[] = [];
    const errors: number[] = [];
    let attempts = 0;
    // The database refuses the first two writes (an outage), then takes them.
    const store = {
      async park() {},
      async appendEvents(events: readonly DomainEvent[]) {
        attempts += 1;
        if (attempts <= 2) throw new Error('database unavailable');
        written.push(...events.map((event) => event.id));
        return events.length;
      },
    } as Pick<MonitorStore, 'park' | 'appendEvents'> as MonitorStore;
    const event = (id: string): DomainEvent => ({
      id,
      type: 'access.checked',
      at: '2026-12-05T03:00:00.000Z',
      data: {},
    });
    const stop = startLogWriter({
      events: bus,
      store,
      clock: () => new Date(),
      written: () => undefined,
      onError: (_error, pending) => errors.push(pending),
      retryMs: 20,
    });
    try {
      await bus.publish([event('a-1'), event('a-2')]);
      await bus.publish([event('b-1')]);
      expect(written).toEqual([]);
      // Both refusals reported with what waits: the first batch, then both.
      expect(errors).toEqual([2, 3]);
      await vi.waitFor(() => expect(written).toEqual(['a-1', 'a-2', 'b-1']));
    } finally {
      stop();
    }
  });
});
