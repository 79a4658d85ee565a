/**
 * The embedded feed: the monitor's own event table as a log. Every instance writes the events it
 * receives from the in-process bus (once per id, a batch per transaction); the elected evaluator
 * reads the table in arrival order — first the replay from the longest window's start, then
 * every new row, woken at once by a local write and otherwise polling for rows other instances
 * wrote. A batch the database refuses is kept and written again (never dropped); an event
 * without a readable envelope (id, type, at, data) is parked with its reason.
 */
import type { DomainEvent, EventSource } from '../events/events.js';
import type { EventFeed } from './evaluator.js';
import type { MonitorStore } from './monitor.store.js';

export interface LogFeedOptions {
  readonly store: MonitorStore;
  /** How often to look for rows other instances wrote. Default 250 ms. */
  readonly pollMs?: number;
  readonly batchSize?: number;
}

export interface LogFeed extends EventFeed {
  /** Tells a waiting run that rows were written here. */
  wake(): void;
}

/** Most events per live batch (a replay at the start reads `batchSize`). */
export const LIVE_BATCH = 100;
/** How often a waiting live batch looks for rows other instances wrote (a local write wakes it). */
export const LOG_POLL_MS = 250;

export function createLogFeed(options: LogFeedOptions): LogFeed {
  const pollMs = options.pollMs ?? LOG_POLL_MS;
  const batchSize = options.batchSize ?? 500;
  const liveBatchSize = Math.min(batchSize, LIVE_BATCH);
  const store = options.store;
  let waiter: (() => void) | null = null;
  /** A local write since the live loop last read: rows may be waiting. */
  let woken = false;

  function wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiter = null;
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      signal.addEventListener('abort', done, { once: true });
      waiter = done;
    });
  }

  return {
    wake() {
      woken = true;
      waiter?.();
    },
    async run({ replayMs, deliver, signal, caughtUp }) {
      const untilSeq = await store.lastSeq();
      const newest = await store.newestAt();
      const fromAt =
        newest === null ? undefined : new Date(Date.parse(newest) - replayMs).toISOString();
      let cursor = 0;
      while (!signal.aborted) {
        const rows = await store.eventsAfter(cursor, batchSize, { fromAt, untilSeq });
        if (rows.length === 0) break;
        await deliver(rows.map((row) => row.event));
        cursor = rows[rows.length - 1]!.seq;
      }
      cursor = Math.max(cursor, untilSeq);
      if (signal.aborted) return;
      caughtUp();
      while (!signal.aborted) {
        // The evaluator's work on a batch (the engine, then its stores) is synchronous on SQLite:
        // the loop's pending I/O runs before each batch, and a live batch is small, so requests
        // arriving meanwhile wait for one short turn, not for the backlog.
        await new Promise<void>((resolve) => setImmediate(resolve));
        woken = false;
        const rows = await store.eventsAfter(cursor, liveBatchSize);
        if (rows.length > 0) {
          await deliver(rows.map((row) => row.event));
          cursor = rows[rows.length - 1]!.seq;
        }
        // A short batch read everything written here by then: unless a write came since, wait
        // (for a wake, or the poll for other instances' rows) instead of reading nothing at once.
        if (rows.length < liveBatchSize && !woken) await wait(signal);
      }
    },
  };
}

export interface LogWriterOptions {
  readonly events: EventSource;
  readonly store: MonitorStore;
  readonly clock: () => Date;
  /** After rows were written (wakes the feed). */
  readonly written: () => void;
  /** Events parked for an unreadable envelope (counted for the metrics). */
  readonly parked?: (count: number) => void;
  readonly onError: (error: unknown, pending: number) => void;
  /** Retry interval for a batch the database refused. Default 1 s. */
  readonly retryMs?: number;
}

const ENVELOPE_LIMITS = { id: 128, type: 128, at: 32 } as const;

/** Why an event's envelope cannot be logged, or null when it can. */
export function envelopeProblem(event: unknown): string | null {
  if (typeof event !== 'object' || event === null) return 'the event is not an object';
  const e = event as Partial<Record<keyof DomainEvent, unknown>>;
  for (const field of ['id', 'type', 'at'] as const) {
    const value = e[field];
    if (typeof value !== 'string' || value.length === 0)
      return `the event has no ${field} (a non-empty string)`;
    if (value.length > ENVELOPE_LIMITS[field])
      return `the event's ${field} is longer than ${ENVELOPE_LIMITS[field]} characters`;
  }
  if (Number.isNaN(Date.parse(e.at as string))) return "the event's at is not a time";
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data))
    return "the event's data is not an object";
  return null;
}

/**
 * Subscribes the log writer to the bus: each published batch is written in one statement per
 * 200 events. A failed write keeps the batch (in order) and retries it; the count of events
 * waiting is reported so the operator sees it.
 */
export function startLogWriter(options: LogWriterOptions): () => void {
  const retryMs = options.retryMs ?? 1000;
  const pending: DomainEvent[][] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function flush(): Promise<void> {
    while (pending.length > 0 && !stopped) {
      const batch = pending[0]!;
      const now = options.clock().toISOString();
      const good: DomainEvent[] = [];
      const bad: { eventId: string | null; reason: string; input: unknown }[] = [];
      for (const event of batch) {
        const problem = envelopeProblem(event);
        if (problem === null) good.push(event);
        else {
          const id = (event as { id?: unknown } | null)?.id;
          bad.push({ eventId: typeof id === 'string' ? id : null, reason: problem, input: event });
        }
      }
      try {
        await options.store.park(bad, now);
        await options.store.appendEvents(good, now);
      } catch (error) {
        options.onError(
          error,
          pending.reduce((n, b) => n + b.length, 0),
        );
        timer ??= setTimeout(() => {
          timer = null;
          void kick();
        }, retryMs);
        timer.unref();
        return;
      }
      pending.shift();
      options.parked?.(bad.length);
      options.written();
    }
  }

  function kick(): Promise<void> {
    flushing ??= flush().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const unsubscribe = options.events.subscribeBatch(async (events) => {
    pending.push([...events]);
    // Resolves once this batch (and the ones before it) is written, or kept for a retry.
    await kick();
    if (flushing) await flushing;
  });
  return () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
